#include "services/supervision/grpc_service.h"

#include "common/identity/authenticated_call.h"

namespace huiyin::supervision {

grpc::Status SupervisionGrpcService::GetLedgerEntry(grpc::ServerContext* context,
                                                    const v1::GetLedgerEntryRequest* request,
                                                    v1::LedgerEntry* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.GetLedgerEntry(caller, *request);
  });
}

grpc::Status SupervisionGrpcService::ListLedger(grpc::ServerContext* context,
                                                const v1::ListLedgerRequest* request,
                                                v1::ListLedgerResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListLedger(caller, *request);
  });
}

grpc::Status SupervisionGrpcService::GetFigures(grpc::ServerContext* context,
                                                const v1::GetFiguresRequest* request,
                                                v1::GetFiguresResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.GetFigures(caller, *request);
  });
}

grpc::Status SupervisionGrpcService::RebuildLedger(grpc::ServerContext* context,
                                                   const v1::RebuildLedgerRequest* request,
                                                   v1::RebuildLedgerResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RebuildLedger(caller, *request);
  });
}

grpc::Status ReturnGrpcService::ReturnAnswer(grpc::ServerContext* context,
                                             const v1::ReturnAnswerRequest* request,
                                             v1::ReturnAnswerResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return desk_.ReturnAnswer(caller, *request);
  });
}

grpc::Status ReturnGrpcService::ListReturns(grpc::ServerContext* context,
                                            const v1::ListReturnsRequest* request,
                                            v1::ListReturnsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return desk_.ListReturns(caller, *request);
  });
}

grpc::Status ReturnGrpcService::VerifyResult(grpc::ServerContext* context,
                                             const v1::VerifyResultRequest* request,
                                             v1::Verification* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return desk_.VerifyResult(caller, *request);
  });
}

grpc::Status ReturnGrpcService::ListVerifications(grpc::ServerContext* context,
                                                  const v1::ListVerificationsRequest* request,
                                                  v1::ListVerificationsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return desk_.ListVerifications(caller, *request);
  });
}

}  // namespace huiyin::supervision
