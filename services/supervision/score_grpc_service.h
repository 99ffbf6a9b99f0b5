// The gRPC adapter of unit scores: huiyin.supervision.v1.ScoreService over ScoreCore.
#pragma once

#include <string>
#include <utility>

#include "huiyin/supervision/v1/scores.grpc.pb.h"
#include "services/supervision/scores.h"

namespace huiyin::supervision {

class ScoreGrpcService final : public v1::ScoreService::Service {
 public:
  ScoreGrpcService(const ScoreCore& core, std::string internal_credential)
      : core_(core), credential_(std::move(internal_credential)) {}

  grpc::Status GetUnitScore(grpc::ServerContext* context, const v1::GetUnitScoreRequest* request,
                            v1::UnitScore* response) override;
  grpc::Status ListUnitScores(grpc::ServerContext* context,
                              const v1::ListUnitScoresRequest* request,
                              v1::ListUnitScoresResponse* response) override;

 private:
  const ScoreCore& core_;
  std::string credential_;
};

}  // namespace huiyin::supervision
