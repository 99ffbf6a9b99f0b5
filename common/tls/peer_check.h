// "The internal credential is refused from anyone but the gateway and the services": with mutual
// TLS on, a call carrying the internal credential (x-huiyin-internal-credential, which lets the
// caller assert a person's identity) is accepted only from a peer whose verified certificate
// names an allowed peer (tls.allowed_peer_names). Any other peer — a CA-signed certificate of
// another system — may still call as the public, without the credential.
//
// The check runs in gRPC's transport, before any handler, as the AuthMetadataProcessor of the
// server credentials (GrpcServerCredentials), so no service adapter can forget it.
#pragma once

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "grpcpp/security/auth_metadata_processor.h"

namespace huiyin {

// The decision: OK without the credential; with it, OK only if one of `peer_names` (the verified
// certificate's subjectAltNames, or its common name) is allowed (compared case-insensitively).
// UNAUTHENTICATED when the peer presented no certificate, PERMISSION_DENIED when it is not allowed.
absl::Status CheckInternalCredentialPeer(bool presents_credential,
                                         absl::Span<const std::string> peer_names,
                                         const absl::flat_hash_set<std::string>& allowed);

// CheckInternalCredentialPeer on every call, with the peer's names from its TLS auth context.
class InternalCredentialPeerCheck : public grpc::AuthMetadataProcessor {
 public:
  explicit InternalCredentialPeerCheck(absl::flat_hash_set<std::string> allowed)
      : allowed_(std::move(allowed)) {}

  // Cheap and without I/O: runs inline on gRPC's thread rather than on a pool.
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override;

 private:
  absl::flat_hash_set<std::string> allowed_;
};

}  // namespace huiyin
