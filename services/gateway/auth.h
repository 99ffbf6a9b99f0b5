// Who is calling the gateway: people by bearer JWT (HS256 and/or RS256, via libjwt), systems by
// API key (stored as SHA-256 hashes). The result is the Caller passed on to the services.
//
//   auto auth = Authenticator::Create(config.gateway());
//   auto caller = (*auth)->Authenticate(authorization_header, api_key_header, now);
//   // nullopt: no credential at all; UNAUTHENTICATED: a credential that does not hold.
//
// Token claims: sub (the person, "persons/p-1024"), role (a huiyin.common.v1.Role name),
// unit ("units/u-17", optional), name (optional), exp (required), nbf and iss (checked when
// present / configured). The algorithm is chosen by the key configured for it, never by the token:
// an HS256 token is checked only against the HS256 secret and an RS256 one only against the
// public key, so a token cannot pick its own verification.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/identity/caller.h"
#include "huiyin/config/v1/config.pb.h"

namespace huiyin::gateway {

class Authenticator {
 public:
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(
      const config::v1::GatewayConfig& config);

  absl::StatusOr<std::optional<Caller>> Authenticate(const std::string& authorization,
                                                     const std::string& api_key,
                                                     absl::Time now) const;

  bool has_keys() const { return !hs256_secret_.empty() || !rs256_public_key_.empty(); }

 private:
  absl::StatusOr<Caller> VerifyToken(const std::string& token, absl::Time now) const;
  absl::StatusOr<Caller> VerifyApiKey(const std::string& key) const;

  std::string hs256_secret_;
  std::string rs256_public_key_;
  std::string issuer_;
  absl::flat_hash_map<std::string, Caller> api_keys_;  // sha256 hex → system
};

struct TokenClaims {
  std::string subject;
  Role role = common::v1::ROLE_UNSPECIFIED;
  std::string unit;
  std::string name;
  std::string issuer;
};

// An HS256 token valid from `now` for `ttl` (huiyin-token and tests).
absl::StatusOr<std::string> IssueHs256Token(const TokenClaims& claims, const std::string& secret,
                                            absl::Time now, absl::Duration ttl);
// An RS256 token signed with a PEM private key.
absl::StatusOr<std::string> IssueRs256Token(const TokenClaims& claims,
                                            const std::string& private_key_pem, absl::Time now,
                                            absl::Duration ttl);

std::string Sha256Hex(const std::string& data);

}  // namespace huiyin::gateway
