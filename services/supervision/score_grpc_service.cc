#include "services/supervision/score_grpc_service.h"

#include "common/identity/authenticated_call.h"

namespace huiyin::supervision {

grpc::Status ScoreGrpcService::GetUnitScore(grpc::ServerContext* context,
                                            const v1::GetUnitScoreRequest* request,
                                            v1::UnitScore* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.GetUnitScore(caller, *request);
  });
}

grpc::Status ScoreGrpcService::ListUnitScores(grpc::ServerContext* context,
                                              const v1::ListUnitScoresRequest* request,
                                              v1::ListUnitScoresResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListUnitScores(caller, *request);
  });
}

}  // namespace huiyin::supervision
