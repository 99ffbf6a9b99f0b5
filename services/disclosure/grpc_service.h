// The gRPC adapter of disclosure: huiyin.disclosure.v1.DisclosureService over DisclosureCore.
// Nothing but conversion lives here (caller from metadata, absl::Status to grpc::Status).
#pragma once

#include <string>
#include <utility>

#include "huiyin/disclosure/v1/disclosure.grpc.pb.h"
#include "services/disclosure/core.h"

namespace huiyin::disclosure {

class DisclosureGrpcService final : public v1::DisclosureService::Service {
 public:
  DisclosureGrpcService(DisclosureCore& core, std::string internal_credential)
      : core_(core), credential_(std::move(internal_credential)) {}

  grpc::Status GetDisclosure(grpc::ServerContext* context, const v1::GetDisclosureRequest* request,
                             v1::Disclosure* response) override;
  grpc::Status ListDisclosures(grpc::ServerContext* context,
                               const v1::ListDisclosuresRequest* request,
                               v1::ListDisclosuresResponse* response) override;
  grpc::Status MarkRedactions(grpc::ServerContext* context,
                              const v1::MarkRedactionsRequest* request,
                              v1::Disclosure* response) override;
  grpc::Status PublishDisclosure(grpc::ServerContext* context,
                                 const v1::PublishDisclosureRequest* request,
                                 v1::Disclosure* response) override;
  grpc::Status WithholdDisclosure(grpc::ServerContext* context,
                                  const v1::WithholdDisclosureRequest* request,
                                  v1::Disclosure* response) override;
  grpc::Status CorrectDisclosure(grpc::ServerContext* context,
                                 const v1::CorrectDisclosureRequest* request,
                                 v1::Disclosure* response) override;
  grpc::Status RetractDisclosure(grpc::ServerContext* context,
                                 const v1::RetractDisclosureRequest* request,
                                 v1::Disclosure* response) override;
  grpc::Status ListDisclosureVersions(grpc::ServerContext* context,
                                      const v1::ListDisclosureVersionsRequest* request,
                                      v1::ListDisclosureVersionsResponse* response) override;
  grpc::Status ListPublicDisclosures(grpc::ServerContext* context,
                                     const v1::ListPublicDisclosuresRequest* request,
                                     v1::ListPublicDisclosuresResponse* response) override;
  grpc::Status GetPublicDisclosure(grpc::ServerContext* context,
                                   const v1::GetPublicDisclosureRequest* request,
                                   v1::Disclosure* response) override;
  grpc::Status RenderListPage(grpc::ServerContext* context,
                              const v1::RenderListPageRequest* request,
                              common::v1::HttpBody* response) override;
  grpc::Status RenderDetailPage(grpc::ServerContext* context,
                                const v1::RenderDetailPageRequest* request,
                                common::v1::HttpBody* response) override;
  grpc::Status RenderFeed(grpc::ServerContext* context, const v1::RenderFeedRequest* request,
                          common::v1::HttpBody* response) override;
  grpc::Status ExportOpenData(grpc::ServerContext* context,
                              const v1::ExportOpenDataRequest* request,
                              common::v1::HttpBody* response) override;

 private:
  DisclosureCore& core_;
  std::string credential_;
};

}  // namespace huiyin::disclosure
