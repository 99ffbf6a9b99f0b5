#include "common/tls/peer_check.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/identity/caller.h"
#include "common/status/errors.h"
#include "grpcpp/security/auth_context.h"

namespace huiyin {

absl::Status CheckInternalCredentialPeer(bool presents_credential,
                                         absl::Span<const std::string> peer_names,
                                         const absl::flat_hash_set<std::string>& allowed) {
  if (!presents_credential) return absl::OkStatus();
  if (peer_names.empty()) {
    return Unauthenticated("the internal credential needs a verified client certificate");
  }
  for (const auto& name : peer_names) {
    if (allowed.contains(absl::AsciiStrToLower(name))) return absl::OkStatus();
  }
  return PermissionDenied(absl::StrCat(
      "the internal credential is accepted only from the gateway and the Huiyin services, not "
      "from a certificate naming ",
      absl::StrJoin(peer_names, ", ")));
}

grpc::Status InternalCredentialPeerCheck::Process(const InputMetadata& auth_metadata,
                                                  grpc::AuthContext* context, OutputMetadata*,
                                                  OutputMetadata*) {
  bool presents = auth_metadata.find(kCredentialMetadataKey) != auth_metadata.end();
  if (!presents) return grpc::Status::OK;
  std::vector<std::string> names;
  if (context != nullptr && context->IsPeerAuthenticated()) {
    for (const auto& name : context->GetPeerIdentity())
      names.emplace_back(name.data(), name.size());
  }
  absl::Status decision = CheckInternalCredentialPeer(presents, names, allowed_);
  if (decision.ok()) return grpc::Status::OK;
  // Only a code and a message survive gRPC's auth filter (no status details).
  return grpc::Status(static_cast<grpc::StatusCode>(decision.code()),
                      std::string(decision.message()));
}

}  // namespace huiyin
