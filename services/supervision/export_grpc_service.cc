#include "services/supervision/export_grpc_service.h"

#include "common/identity/authenticated_call.h"

namespace huiyin::supervision {

grpc::Status ExportGrpcService::ExportLedger(grpc::ServerContext* context,
                                             const v1::ExportLedgerRequest* request,
                                             common::v1::HttpBody* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ExportLedger(caller, *request);
  });
}

grpc::Status ExportGrpcService::ExportFigures(grpc::ServerContext* context,
                                              const v1::ExportFiguresRequest* request,
                                              common::v1::HttpBody* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ExportFigures(caller, *request);
  });
}

grpc::Status ExportGrpcService::ExportUnitScores(grpc::ServerContext* context,
                                                 const v1::ExportUnitScoresRequest* request,
                                                 common::v1::HttpBody* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ExportUnitScores(caller, *request);
  });
}

}  // namespace huiyin::supervision
