// Domain errors as absl::Status values, and their mapping to gRPC status at the adapter.
//
// The core returns these; the gRPC adapter calls ToGrpcStatus, which turns the payloads into
// google.rpc.Status details (BadRequest field violations, ErrorInfo) that every client can read.
//
//   FieldViolations v;
//   if (title.empty()) v.Add("item.title", "标题不能为空 / title is required");
//   if (auto s = v.ToStatus(); !s.ok()) return s;          // INVALID_ARGUMENT
//   return WrongState("items/x", "ITEM_STATE_ACCEPTED", "only submitted items can be merged");
#pragma once

#include <string>
#include "absl/strings/string_view.h"
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace huiyin {

// Collects every wrong field of a request, so the caller learns them all at once.
class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  bool empty() const { return violations_.empty(); }
  // OK when nothing was added; otherwise INVALID_ARGUMENT naming every field.
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

absl::Status InvalidField(std::string field, std::string description);
absl::Status NotFound(absl::string_view resource);
absl::Status AlreadyExists(absl::string_view resource, absl::string_view message);
// FAILED_PRECONDITION for a transition from the wrong state.
absl::Status WrongState(absl::string_view resource, absl::string_view state, absl::string_view message);
absl::Status EtagMismatch(absl::string_view resource);
absl::Status PermissionDenied(absl::string_view message);
absl::Status Unauthenticated(absl::string_view message);

// The field violations carried by a status (empty if none); for tests and logs.
std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status);
// The ErrorInfo reason carried by a status ("WRONG_STATE"), empty if none.
std::string ReasonOf(const absl::Status& status);

// absl → gRPC with google.rpc.Status details. INTERNAL and UNKNOWN lose their message (logged
// instead): no internals reach a client.
grpc::Status ToGrpcStatus(const absl::Status& status);
// gRPC → absl, keeping the details as payloads (for clients of other services).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace huiyin
