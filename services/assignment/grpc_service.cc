#include "services/assignment/grpc_service.h"

#include "absl/time/clock.h"
#include "common/identity/authenticated_call.h"

namespace huiyin::assignment {

grpc::Status AssignmentGrpcService::CreateUnit(grpc::ServerContext* context,
                                               const v1::CreateUnitRequest* request,
                                               v1::Unit* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.CreateUnit(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::GetUnit(grpc::ServerContext* context,
                                            const v1::GetUnitRequest* request, v1::Unit* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return core_.GetUnit(caller, *request); });
}

grpc::Status AssignmentGrpcService::ListUnits(grpc::ServerContext* context,
                                              const v1::ListUnitsRequest* request,
                                              v1::ListUnitsResponse* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return core_.ListUnits(caller, *request); });
}

grpc::Status AssignmentGrpcService::UpdateUnit(grpc::ServerContext* context,
                                               const v1::UpdateUnitRequest* request,
                                               v1::Unit* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.UpdateUnit(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::ListWaitingItems(grpc::ServerContext* context,
                                                     const v1::ListWaitingItemsRequest* request,
                                                     v1::ListWaitingItemsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListWaitingItems(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::AssignItem(grpc::ServerContext* context,
                                               const v1::AssignItemRequest* request,
                                               v1::Assignment* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.AssignItem(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::AssignItems(grpc::ServerContext* context,
                                                const v1::AssignItemsRequest* request,
                                                v1::AssignItemsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.AssignItems(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::GetAssignment(grpc::ServerContext* context,
                                                  const v1::GetAssignmentRequest* request,
                                                  v1::Assignment* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.GetAssignment(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::ListAssignments(grpc::ServerContext* context,
                                                    const v1::ListAssignmentsRequest* request,
                                                    v1::ListAssignmentsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListAssignments(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::ObjectToAssignment(grpc::ServerContext* context,
                                                       const v1::ObjectToAssignmentRequest* request,
                                                       v1::Objection* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ObjectToAssignment(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::ResolveObjection(grpc::ServerContext* context,
                                                     const v1::ResolveObjectionRequest* request,
                                                     v1::Assignment* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ResolveObjection(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::RequestExtension(grpc::ServerContext* context,
                                                     const v1::RequestExtensionRequest* request,
                                                     v1::Extension* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RequestExtension(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::DecideExtension(grpc::ServerContext* context,
                                                    const v1::DecideExtensionRequest* request,
                                                    v1::Assignment* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.DecideExtension(caller, *request);
  });
}

grpc::Status AssignmentGrpcService::SuggestUnits(grpc::ServerContext* context,
                                                 const v1::SuggestUnitsRequest* request,
                                                 v1::SuggestUnitsResponse* response) {
  // The caller's deadline bounds the call to intake (an infinite one is capped by the client).
  const absl::Time deadline = absl::FromChrono(context->deadline());
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.SuggestUnits(caller, *request, deadline);
  });
}

}  // namespace huiyin::assignment
