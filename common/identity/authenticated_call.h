// The shape of every unary gRPC handler: read the caller from metadata, run the core, map the
// status. Keeps adapters to one line per method.
//
//   grpc::Status GetItem(grpc::ServerContext* ctx, const GetItemRequest* req, Item* out) override {
//     return AuthenticatedCall(*ctx, credential_, out,
//                              [&](const Caller& c) { return core_.GetItem(c, *req); });
//   }
#pragma once

#include <utility>

#include "absl/status/statusor.h"
#include "common/identity/caller.h"
#include "common/status/errors.h"
#include "grpcpp/server_context.h"

namespace huiyin {

template <typename Response, typename Fn>
grpc::Status AuthenticatedCall(grpc::ServerContext& context, absl::string_view internal_credential,
                               Response* response, Fn&& fn) {
  auto caller = CallerFromMetadata(context.client_metadata(), internal_credential);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = std::forward<Fn>(fn)(*caller);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace huiyin
