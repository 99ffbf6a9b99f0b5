// The TLS section of the configuration (huiyin.config.v1.TlsConfig): whether it turns mutual TLS
// between the processes or HTTPS on the gateway on, and the check every binary runs at start so
// that a half-set section stops it with the field to fix instead of failing handshakes later.
//
//   if (auto s = CheckTlsConfig(config.tls()); !s.ok()) {
//     std::cerr << s.message();  // "tls.private_key_file: does not match tls.cert_chain_file"
//     return 2;
//   }
//   if (MutualTlsEnabled(config.tls())) ...
#pragma once

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "huiyin/config/v1/config.pb.h"

namespace huiyin {

bool MutualTlsEnabled(const config::v1::TlsConfig& tls);
bool HttpsEnabled(const config::v1::TlsConfig& tls);

// OK when the section is off or whole: every file named is readable PEM, each key matches its
// certificate, each certificate is valid at `now`, and the mutual-TLS certificate is issued by
// a CA of ca_file. Otherwise INVALID_ARGUMENT whose message starts with the field
// ("tls.ca_file: …").
absl::Status CheckTlsConfig(const config::v1::TlsConfig& tls, absl::Time now = absl::Now());

// The contents of a PEM file named by `field` (e.g. "tls.ca_file"); the error names the field.
absl::StatusOr<std::string> ReadPemFile(const std::string& path, absl::string_view field);

// tls.allowed_peer_names as a set: trimmed, lower-case, empty entries dropped.
absl::flat_hash_set<std::string> AllowedPeerNames(const config::v1::TlsConfig& tls);

}  // namespace huiyin
