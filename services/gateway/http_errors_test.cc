#include "services/gateway/http_errors.h"

#include "common/status/errors.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace huiyin::gateway {
namespace {

TEST(HttpStatusFor, ConventionalMapping) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAborted), 412);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDeadlineExceeded), 504);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInternal), 500);
}

TEST(ErrorBody, OneShapeWithFieldViolationsAndRequestId) {
  auto body = nlohmann::json::parse(ErrorBody(InvalidField("item.title", "is required"), "req-1"));
  EXPECT_EQ(body["error"]["code"], 400);
  EXPECT_EQ(body["error"]["status"], "INVALID_ARGUMENT");
  EXPECT_EQ(body["error"]["requestId"], "req-1");
  EXPECT_EQ(body["error"]["fieldViolations"][0]["field"], "item.title");
  bool has_bad_request = false;
  for (const auto& d : body["error"]["details"]) {
    has_bad_request |= d["@type"] == "type.googleapis.com/google.rpc.BadRequest";
  }
  EXPECT_TRUE(has_bad_request);
}

TEST(ErrorBody, ForcedHttpStatus) {
  auto body = nlohmann::json::parse(ErrorBody(absl::OutOfRangeError("too large"), "r", 413));
  EXPECT_EQ(body["error"]["code"], 413);
}

}  // namespace
}  // namespace huiyin::gateway
