#include "services/gateway/auth.h"

#include <jwt.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "nlohmann/json.hpp"

namespace huiyin::gateway {
namespace {

// Leeway for clocks of different machines.
constexpr absl::Duration kClockSkew = absl::Seconds(30);

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// The "alg" of a token's header, read before any verification to pick the key.
std::string HeaderAlgorithm(const std::string& token) {
  std::string header_b64 = token.substr(0, token.find('.'));
  std::string header;
  if (!absl::WebSafeBase64Unescape(header_b64, &header)) return "";
  auto json = nlohmann::json::parse(header, nullptr, false);
  if (!json.is_object() || !json.contains("alg") || !json["alg"].is_string()) return "";
  return json["alg"].get<std::string>();
}

absl::StatusOr<std::string> Issue(const TokenClaims& claims, jwt_alg_t alg, const std::string& key,
                                  absl::Time now, absl::Duration ttl) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  jwt_add_grant(jwt.get(), "sub", claims.subject.c_str());
  jwt_add_grant(jwt.get(), "role", common::v1::Role_Name(claims.role).c_str());
  if (!claims.unit.empty()) jwt_add_grant(jwt.get(), "unit", claims.unit.c_str());
  if (!claims.name.empty()) jwt_add_grant(jwt.get(), "name", claims.name.c_str());
  if (!claims.issuer.empty()) jwt_add_grant(jwt.get(), "iss", claims.issuer.c_str());
  jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(now));
  jwt_add_grant_int(jwt.get(), "nbf", absl::ToUnixSeconds(now));
  jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(now + ttl));
  if (jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    return absl::InvalidArgumentError("the signing key is not usable");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("cannot sign the token");
  std::string out(encoded);
  free(encoded);  // libjwt 1.10 allocates with malloc and has no jwt_free_str
  return out;
}

}  // namespace

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(
    const config::v1::GatewayConfig& config) {
  auto auth = std::unique_ptr<Authenticator>(new Authenticator());
  auth->hs256_secret_ = config.jwt_hs256_secret();
  if (!config.jwt_hs256_secret_file().empty()) {
    auto secret = ReadFile(config.jwt_hs256_secret_file());
    if (!secret.ok()) return secret.status();
    auth->hs256_secret_ = std::string(absl::StripAsciiWhitespace(*secret));
  }
  if (!auth->hs256_secret_.empty() && auth->hs256_secret_.size() < 32) {
    return absl::InvalidArgumentError("the HS256 secret must have at least 32 bytes");
  }
  if (!config.jwt_rs256_public_key_file().empty()) {
    auto key = ReadFile(config.jwt_rs256_public_key_file());
    if (!key.ok()) return key.status();
    auth->rs256_public_key_ = *key;
  }
  auth->issuer_ = config.jwt_issuer();
  if (!config.api_keys_file().empty()) {
    auto text = ReadFile(config.api_keys_file());
    if (!text.ok()) return text.status();
    int line_number = 0;
    for (absl::string_view line : absl::StrSplit(*text, '\n')) {
      ++line_number;
      line = absl::StripAsciiWhitespace(line);
      if (line.empty() || line[0] == '#') continue;
      auto json = nlohmann::json::parse(line, nullptr, false);
      Role role;
      if (!json.is_object() || !json.value("sha256", "").size() ||
          !common::v1::Role_Parse(json.value("role", ""), &role) ||
          json.value("principal", "").empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(config.api_keys_file(), " line ", line_number,
                         ": needs sha256, principal and a role name"));
      }
      auth->api_keys_[absl::AsciiStrToLower(json.value("sha256", ""))] = MakeCaller(
          json.value("principal", ""), role, json.value("unit", ""), json.value("name", ""));
    }
  }
  return auth;
}

absl::StatusOr<std::optional<Caller>> Authenticator::Authenticate(const std::string& authorization,
                                                                  const std::string& api_key,
                                                                  absl::Time now) const {
  if (!api_key.empty()) {
    auto caller = VerifyApiKey(api_key);
    if (!caller.ok()) return caller.status();
    return std::optional<Caller>(*caller);
  }
  if (authorization.empty()) return std::optional<Caller>();
  absl::string_view value = authorization;
  if (!absl::ConsumePrefix(&value, "Bearer ") && !absl::ConsumePrefix(&value, "bearer ")) {
    return Unauthenticated("Authorization must be \"Bearer <token>\"");
  }
  auto caller = VerifyToken(std::string(absl::StripAsciiWhitespace(value)), now);
  if (!caller.ok()) return caller.status();
  return std::optional<Caller>(*caller);
}

absl::StatusOr<Caller> Authenticator::VerifyApiKey(const std::string& key) const {
  auto it = api_keys_.find(Sha256Hex(key));
  if (it == api_keys_.end()) return Unauthenticated("unknown API key");
  return it->second;
}

absl::StatusOr<Caller> Authenticator::VerifyToken(const std::string& token, absl::Time now) const {
  std::string alg = HeaderAlgorithm(token);
  const std::string* key = nullptr;
  jwt_alg_t expected = JWT_ALG_NONE;
  if (alg == "HS256" && !hs256_secret_.empty()) {
    key = &hs256_secret_;
    expected = JWT_ALG_HS256;
  } else if (alg == "RS256" && !rs256_public_key_.empty()) {
    key = &rs256_public_key_;
    expected = JWT_ALG_RS256;
  } else {
    return Unauthenticated("token is malformed or signed with an algorithm not accepted here");
  }
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                 static_cast<int>(key->size())) != 0 ||
      raw == nullptr) {
    return Unauthenticated("token signature does not verify");
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(jwt.get()) != expected) return Unauthenticated("token algorithm mismatch");
  errno = 0;
  long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno != 0) return Unauthenticated("token has no exp");
  if (now > absl::FromUnixSeconds(exp) + kClockSkew) return Unauthenticated("token has expired");
  errno = 0;
  long nbf = jwt_get_grant_int(jwt.get(), "nbf");
  if (errno == 0 && now + kClockSkew < absl::FromUnixSeconds(nbf)) {
    return Unauthenticated("token is not valid yet");
  }
  auto grant = [&](const char* name) {
    const char* v = jwt_get_grant(jwt.get(), name);
    return v == nullptr ? std::string() : std::string(v);
  };
  if (!issuer_.empty() && grant("iss") != issuer_)
    return Unauthenticated("token issuer not accepted");
  Role role;
  if (!common::v1::Role_Parse(grant("role"), &role) || role == common::v1::ROLE_UNSPECIFIED) {
    return Unauthenticated("token has no valid role claim");
  }
  if (grant("sub").empty()) return Unauthenticated("token has no sub claim");
  return MakeCaller(grant("sub"), role, grant("unit"), grant("name"));
}

absl::StatusOr<std::string> IssueHs256Token(const TokenClaims& claims, const std::string& secret,
                                            absl::Time now, absl::Duration ttl) {
  return Issue(claims, JWT_ALG_HS256, secret, now, ttl);
}

absl::StatusOr<std::string> IssueRs256Token(const TokenClaims& claims,
                                            const std::string& private_key_pem, absl::Time now,
                                            absl::Duration ttl) {
  return Issue(claims, JWT_ALG_RS256, private_key_pem, now, ttl);
}

}  // namespace huiyin::gateway
