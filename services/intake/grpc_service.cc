#include "services/intake/grpc_service.h"

#include "common/identity/authenticated_call.h"

namespace huiyin::intake {

grpc::Status IntakeGrpcService::SubmitItem(grpc::ServerContext* context,
                                           const v1::SubmitItemRequest* request,
                                           v1::Item* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.SubmitItem(caller, *request);
  });
}

grpc::Status IntakeGrpcService::GetItem(grpc::ServerContext* context,
                                        const v1::GetItemRequest* request, v1::Item* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return core_.GetItem(caller, *request); });
}

grpc::Status IntakeGrpcService::ListItems(grpc::ServerContext* context,
                                          const v1::ListItemsRequest* request,
                                          v1::ListItemsResponse* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return core_.ListItems(caller, *request); });
}

grpc::Status IntakeGrpcService::AcceptItem(grpc::ServerContext* context,
                                           const v1::AcceptItemRequest* request,
                                           v1::Item* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.AcceptItem(caller, *request);
  });
}

grpc::Status IntakeGrpcService::RejectItem(grpc::ServerContext* context,
                                           const v1::RejectItemRequest* request,
                                           v1::Item* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RejectItem(caller, *request);
  });
}

grpc::Status IntakeGrpcService::MergeItem(grpc::ServerContext* context,
                                          const v1::MergeItemRequest* request,
                                          v1::MergeItemResponse* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return core_.MergeItem(caller, *request); });
}

grpc::Status IntakeGrpcService::WithdrawItem(grpc::ServerContext* context,
                                             const v1::WithdrawItemRequest* request,
                                             v1::Item* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.WithdrawItem(caller, *request);
  });
}

grpc::Status IntakeGrpcService::FindSimilar(grpc::ServerContext* context,
                                            const v1::FindSimilarRequest* request,
                                            v1::FindSimilarResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.FindSimilar(caller, *request);
  });
}

grpc::Status IntakeGrpcService::SearchItems(grpc::ServerContext* context,
                                            const v1::SearchItemsRequest* request,
                                            v1::SearchItemsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.SearchItems(caller, *request);
  });
}

}  // namespace huiyin::intake
