// The gRPC adapter of exports: huiyin.supervision.v1.ExportService over ExportCore.
#pragma once

#include <string>
#include <utility>

#include "huiyin/supervision/v1/exports.grpc.pb.h"
#include "services/supervision/exports.h"

namespace huiyin::supervision {

class ExportGrpcService final : public v1::ExportService::Service {
 public:
  ExportGrpcService(const ExportCore& core, std::string internal_credential)
      : core_(core), credential_(std::move(internal_credential)) {}

  grpc::Status ExportLedger(grpc::ServerContext* context, const v1::ExportLedgerRequest* request,
                            common::v1::HttpBody* response) override;
  grpc::Status ExportFigures(grpc::ServerContext* context, const v1::ExportFiguresRequest* request,
                             common::v1::HttpBody* response) override;
  grpc::Status ExportUnitScores(grpc::ServerContext* context,
                                const v1::ExportUnitScoresRequest* request,
                                common::v1::HttpBody* response) override;

 private:
  const ExportCore& core_;
  std::string credential_;
};

}  // namespace huiyin::supervision
