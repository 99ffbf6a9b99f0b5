#include "services/supervision/notice_grpc_service.h"

#include "common/identity/authenticated_call.h"

namespace huiyin::supervision {

grpc::Status NoticeGrpcService::CreateNotice(grpc::ServerContext* context,
                                             const v1::CreateNoticeRequest* request,
                                             v1::Notice* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return desk_.CreateNotice(caller, *request);
  });
}

grpc::Status NoticeGrpcService::GetNotice(grpc::ServerContext* context,
                                          const v1::GetNoticeRequest* request,
                                          v1::Notice* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return desk_.GetNotice(caller, *request); });
}

grpc::Status NoticeGrpcService::ListNotices(grpc::ServerContext* context,
                                            const v1::ListNoticesRequest* request,
                                            v1::ListNoticesResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return desk_.ListNotices(caller, *request);
  });
}

grpc::Status NoticeGrpcService::AcknowledgeNotice(grpc::ServerContext* context,
                                                  const v1::AcknowledgeNoticeRequest* request,
                                                  v1::Notice* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return desk_.AcknowledgeNotice(caller, *request);
  });
}

}  // namespace huiyin::supervision
