// Opaque page tokens (AIP-158). A token carries the position after which the next page starts
// and a hash of the query it belongs to, so it cannot be used with other filters.
//
//   uint64_t hash = QueryHash(request_with_page_fields_cleared);
//   auto after = DecodePageToken(request.page_token(), hash);   // 0 for the first page
//   ...
//   response.set_next_page_token(EncodePageToken(hash, last_seq));
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace huiyin {

// Stable across processes and restarts (FNV-1a of the deterministic serialization).
uint64_t QueryHash(const google::protobuf::Message& query);
std::string EncodePageToken(uint64_t query_hash, int64_t after_key);
// 0 for an empty token; INVALID_ARGUMENT on field "page_token" when malformed or foreign.
absl::StatusOr<int64_t> DecodePageToken(const std::string& token, uint64_t query_hash);
// page_size: 0 means `default_size`; negative is INVALID_ARGUMENT; above `max_size` is capped.
absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size);

}  // namespace huiyin
