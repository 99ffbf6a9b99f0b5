// The caller of a gRPC method, carried in metadata from the gateway or another service.
//
// Metadata "x-huiyin-caller-bin" holds a serialized huiyin.common.v1.Caller; it is believed only
// when "x-huiyin-internal-credential" matches the service's configured secret (compared in
// constant time). Without the credential a caller is the public; with a wrong one the call is
// refused (UNAUTHENTICATED), so a misconfigured peer is loud rather than silently anonymous.
//
//   auto caller = CallerFromMetadata(context->client_metadata(), config.internal_credential());
//   if (!caller.ok()) return ToGrpcStatus(caller.status());
//
//   grpc::ClientContext ctx;
//   AttachCaller(ctx, caller, credential);   // when calling another service on its behalf
#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/string_ref.h"
#include "huiyin/common/v1/identity.pb.h"

namespace huiyin {

inline constexpr char kCallerMetadataKey[] = "x-huiyin-caller-bin";
inline constexpr char kCredentialMetadataKey[] = "x-huiyin-internal-credential";

using common::v1::Caller;
using common::v1::Role;

absl::StatusOr<Caller> CallerFromMetadata(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    absl::string_view internal_credential);

void AttachCaller(grpc::ClientContext& context, const Caller& caller,
                  absl::string_view internal_credential);

Caller MakeCaller(std::string principal, Role role, std::string unit = "",
                  std::string display_name = "");

// "ROLE_CONGRESS_OFFICE" → "congress office", for messages people read.
std::string RoleLabel(Role role);

}  // namespace huiyin
