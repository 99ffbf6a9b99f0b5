#include "common/pagination/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "common/status/errors.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "huiyin/common/v1/pagination.pb.h"

namespace huiyin {

uint64_t QueryHash(const google::protobuf::Message& query) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    query.SerializeToCodedStream(&out);
  }
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string EncodePageToken(uint64_t query_hash, int64_t after_key) {
  common::v1::PageCursor cursor;
  cursor.set_query_hash(query_hash);
  cursor.set_after_key(after_key);
  std::string out;
  absl::WebSafeBase64Escape(cursor.SerializeAsString(), &out);
  return out;
}

absl::StatusOr<int64_t> DecodePageToken(const std::string& token, uint64_t query_hash) {
  if (token.empty()) return 0;
  std::string bytes;
  common::v1::PageCursor cursor;
  if (!absl::WebSafeBase64Unescape(token, &bytes) || !cursor.ParseFromString(bytes) ||
      cursor.after_key() < 0) {
    return InvalidField("page_token", "is not a page token this service issued");
  }
  if (cursor.query_hash() != query_hash) {
    return InvalidField("page_token", "belongs to a query with other filters");
  }
  return cursor.after_key();
}

absl::StatusOr<int> EffectivePageSize(int requested, int default_size, int max_size) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return default_size;
  return std::min(requested, max_size);
}

}  // namespace huiyin
