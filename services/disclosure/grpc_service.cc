#include "services/disclosure/grpc_service.h"

#include "common/identity/authenticated_call.h"

namespace huiyin::disclosure {

grpc::Status DisclosureGrpcService::GetDisclosure(grpc::ServerContext* context,
                                                  const v1::GetDisclosureRequest* request,
                                                  v1::Disclosure* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.GetDisclosure(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::ListDisclosures(grpc::ServerContext* context,
                                                    const v1::ListDisclosuresRequest* request,
                                                    v1::ListDisclosuresResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListDisclosures(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::MarkRedactions(grpc::ServerContext* context,
                                                   const v1::MarkRedactionsRequest* request,
                                                   v1::Disclosure* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.MarkRedactions(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::PublishDisclosure(grpc::ServerContext* context,
                                                      const v1::PublishDisclosureRequest* request,
                                                      v1::Disclosure* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.PublishDisclosure(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::WithholdDisclosure(grpc::ServerContext* context,
                                                       const v1::WithholdDisclosureRequest* request,
                                                       v1::Disclosure* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.WithholdDisclosure(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::CorrectDisclosure(grpc::ServerContext* context,
                                                      const v1::CorrectDisclosureRequest* request,
                                                      v1::Disclosure* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.CorrectDisclosure(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::RetractDisclosure(grpc::ServerContext* context,
                                                      const v1::RetractDisclosureRequest* request,
                                                      v1::Disclosure* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RetractDisclosure(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::ListDisclosureVersions(
    grpc::ServerContext* context, const v1::ListDisclosureVersionsRequest* request,
    v1::ListDisclosureVersionsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListDisclosureVersions(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::ListPublicDisclosures(
    grpc::ServerContext* context, const v1::ListPublicDisclosuresRequest* request,
    v1::ListPublicDisclosuresResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListPublicDisclosures(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::GetPublicDisclosure(
    grpc::ServerContext* context, const v1::GetPublicDisclosureRequest* request,
    v1::Disclosure* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.GetPublicDisclosure(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::RenderListPage(grpc::ServerContext* context,
                                                   const v1::RenderListPageRequest* request,
                                                   common::v1::HttpBody* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RenderListPage(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::RenderDetailPage(grpc::ServerContext* context,
                                                     const v1::RenderDetailPageRequest* request,
                                                     common::v1::HttpBody* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RenderDetailPage(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::RenderFeed(grpc::ServerContext* context,
                                               const v1::RenderFeedRequest* request,
                                               common::v1::HttpBody* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RenderFeed(caller, *request);
  });
}

grpc::Status DisclosureGrpcService::ExportOpenData(grpc::ServerContext* context,
                                                   const v1::ExportOpenDataRequest* request,
                                                   common::v1::HttpBody* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ExportOpenData(caller, *request);
  });
}

}  // namespace huiyin::disclosure
