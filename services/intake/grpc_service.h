// The gRPC adapter of intake: huiyin.intake.v1.IntakeService over IntakeCore. Nothing but
// conversion lives here (caller from metadata, absl::Status to grpc::Status).
#pragma once

#include <string>

#include "huiyin/intake/v1/intake.grpc.pb.h"
#include "services/intake/core.h"

namespace huiyin::intake {

class IntakeGrpcService final : public v1::IntakeService::Service {
 public:
  IntakeGrpcService(IntakeCore& core, std::string internal_credential)
      : core_(core), credential_(std::move(internal_credential)) {}

  grpc::Status SubmitItem(grpc::ServerContext* context, const v1::SubmitItemRequest* request,
                          v1::Item* response) override;
  grpc::Status GetItem(grpc::ServerContext* context, const v1::GetItemRequest* request,
                       v1::Item* response) override;
  grpc::Status ListItems(grpc::ServerContext* context, const v1::ListItemsRequest* request,
                         v1::ListItemsResponse* response) override;
  grpc::Status AcceptItem(grpc::ServerContext* context, const v1::AcceptItemRequest* request,
                          v1::Item* response) override;
  grpc::Status RejectItem(grpc::ServerContext* context, const v1::RejectItemRequest* request,
                          v1::Item* response) override;
  grpc::Status MergeItem(grpc::ServerContext* context, const v1::MergeItemRequest* request,
                         v1::MergeItemResponse* response) override;
  grpc::Status WithdrawItem(grpc::ServerContext* context, const v1::WithdrawItemRequest* request,
                            v1::Item* response) override;
  grpc::Status FindSimilar(grpc::ServerContext* context, const v1::FindSimilarRequest* request,
                           v1::FindSimilarResponse* response) override;
  grpc::Status SearchItems(grpc::ServerContext* context, const v1::SearchItemsRequest* request,
                           v1::SearchItemsResponse* response) override;

 private:
  IntakeCore& core_;
  std::string credential_;
};

}  // namespace huiyin::intake
