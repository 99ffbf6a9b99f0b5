// The gRPC adapter of assignment: huiyin.assignment.v1.AssignmentService over AssignmentCore.
// Nothing but conversion lives here (caller from metadata, absl::Status to grpc::Status, the
// caller's deadline passed on to intake).
#pragma once

#include <string>

#include "huiyin/assignment/v1/assignment.grpc.pb.h"
#include "services/assignment/core.h"

namespace huiyin::assignment {

class AssignmentGrpcService final : public v1::AssignmentService::Service {
 public:
  AssignmentGrpcService(AssignmentCore& core, std::string internal_credential)
      : core_(core), credential_(std::move(internal_credential)) {}

  grpc::Status CreateUnit(grpc::ServerContext* context, const v1::CreateUnitRequest* request,
                          v1::Unit* response) override;
  grpc::Status GetUnit(grpc::ServerContext* context, const v1::GetUnitRequest* request,
                       v1::Unit* response) override;
  grpc::Status ListUnits(grpc::ServerContext* context, const v1::ListUnitsRequest* request,
                         v1::ListUnitsResponse* response) override;
  grpc::Status UpdateUnit(grpc::ServerContext* context, const v1::UpdateUnitRequest* request,
                          v1::Unit* response) override;
  grpc::Status ListWaitingItems(grpc::ServerContext* context,
                                const v1::ListWaitingItemsRequest* request,
                                v1::ListWaitingItemsResponse* response) override;
  grpc::Status AssignItem(grpc::ServerContext* context, const v1::AssignItemRequest* request,
                          v1::Assignment* response) override;
  grpc::Status AssignItems(grpc::ServerContext* context, const v1::AssignItemsRequest* request,
                           v1::AssignItemsResponse* response) override;
  grpc::Status GetAssignment(grpc::ServerContext* context, const v1::GetAssignmentRequest* request,
                             v1::Assignment* response) override;
  grpc::Status ListAssignments(grpc::ServerContext* context,
                               const v1::ListAssignmentsRequest* request,
                               v1::ListAssignmentsResponse* response) override;
  grpc::Status ObjectToAssignment(grpc::ServerContext* context,
                                  const v1::ObjectToAssignmentRequest* request,
                                  v1::Objection* response) override;
  grpc::Status ResolveObjection(grpc::ServerContext* context,
                                const v1::ResolveObjectionRequest* request,
                                v1::Assignment* response) override;
  grpc::Status RequestExtension(grpc::ServerContext* context,
                                const v1::RequestExtensionRequest* request,
                                v1::Extension* response) override;
  grpc::Status DecideExtension(grpc::ServerContext* context,
                               const v1::DecideExtensionRequest* request,
                               v1::Assignment* response) override;
  grpc::Status SuggestUnits(grpc::ServerContext* context, const v1::SuggestUnitsRequest* request,
                            v1::SuggestUnitsResponse* response) override;

 private:
  AssignmentCore& core_;
  std::string credential_;
};

}  // namespace huiyin::assignment
