// The gRPC adapter of huiyin.supervision.v1.NoticeService over NoticeDesk: nothing but
// conversion (caller from metadata, absl::Status to grpc::Status).
#pragma once

#include <string>
#include <utility>

#include "huiyin/supervision/v1/notices.grpc.pb.h"
#include "services/supervision/notices.h"

namespace huiyin::supervision {

class NoticeGrpcService final : public v1::NoticeService::Service {
 public:
  NoticeGrpcService(NoticeDesk& desk, std::string internal_credential)
      : desk_(desk), credential_(std::move(internal_credential)) {}

  grpc::Status CreateNotice(grpc::ServerContext* context, const v1::CreateNoticeRequest* request,
                            v1::Notice* response) override;
  grpc::Status GetNotice(grpc::ServerContext* context, const v1::GetNoticeRequest* request,
                         v1::Notice* response) override;
  grpc::Status ListNotices(grpc::ServerContext* context, const v1::ListNoticesRequest* request,
                           v1::ListNoticesResponse* response) override;
  grpc::Status AcknowledgeNotice(grpc::ServerContext* context,
                                 const v1::AcknowledgeNoticeRequest* request,
                                 v1::Notice* response) override;

 private:
  NoticeDesk& desk_;
  std::string credential_;
};

}  // namespace huiyin::supervision
