// The gRPC adapter of supervision: huiyin.supervision.v1.SupervisionService over SupervisionCore.
// Nothing but conversion lives here (caller from metadata, absl::Status to grpc::Status).
#pragma once

#include <string>
#include <utility>

#include "huiyin/supervision/v1/supervision.grpc.pb.h"
#include "huiyin/supervision/v1/returns.grpc.pb.h"
#include "services/supervision/core.h"
#include "services/supervision/returns.h"

namespace huiyin::supervision {

class SupervisionGrpcService final : public v1::SupervisionService::Service {
 public:
  SupervisionGrpcService(SupervisionCore& core, std::string internal_credential)
      : core_(core), credential_(std::move(internal_credential)) {}

  grpc::Status GetLedgerEntry(grpc::ServerContext* context,
                              const v1::GetLedgerEntryRequest* request,
                              v1::LedgerEntry* response) override;
  grpc::Status ListLedger(grpc::ServerContext* context, const v1::ListLedgerRequest* request,
                          v1::ListLedgerResponse* response) override;
  grpc::Status GetFigures(grpc::ServerContext* context, const v1::GetFiguresRequest* request,
                          v1::GetFiguresResponse* response) override;
  grpc::Status RebuildLedger(grpc::ServerContext* context, const v1::RebuildLedgerRequest* request,
                             v1::RebuildLedgerResponse* response) override;

 private:
  SupervisionCore& core_;
  std::string credential_;
};

// huiyin.supervision.v1.ReturnService over ReturnDesk.
class ReturnGrpcService final : public v1::ReturnService::Service {
 public:
  ReturnGrpcService(ReturnDesk& desk, std::string internal_credential)
      : desk_(desk), credential_(std::move(internal_credential)) {}

  grpc::Status ReturnAnswer(grpc::ServerContext* context, const v1::ReturnAnswerRequest* request,
                            v1::ReturnAnswerResponse* response) override;
  grpc::Status ListReturns(grpc::ServerContext* context, const v1::ListReturnsRequest* request,
                           v1::ListReturnsResponse* response) override;
  grpc::Status VerifyResult(grpc::ServerContext* context, const v1::VerifyResultRequest* request,
                            v1::Verification* response) override;
  grpc::Status ListVerifications(grpc::ServerContext* context,
                                 const v1::ListVerificationsRequest* request,
                                 v1::ListVerificationsResponse* response) override;

 private:
  ReturnDesk& desk_;
  std::string credential_;
};

}  // namespace huiyin::supervision
