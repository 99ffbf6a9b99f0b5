#include "common/status/errors.h"

#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(FieldViolations, NamesEveryWrongFieldInOneError) {
  FieldViolations v;
  v.Add("item.title", "required");
  v.Add("item.year", "must be between 2000 and 2100");
  absl::Status s = v.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FieldViolationsOf(s), ElementsAre(Pair("item.title", "required"),
                                                Pair("item.year", "must be between 2000 and 2100")));
  EXPECT_EQ(ReasonOf(s), "INVALID_FIELD");
}

TEST(FieldViolations, EmptyIsOk) { EXPECT_TRUE(FieldViolations().ToStatus().ok()); }

TEST(ToGrpcStatus, CarriesBadRequestDetailsToClients) {
  grpc::Status g = ToGrpcStatus(InvalidField("item.body", "too long"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status rpc;
  ASSERT_TRUE(rpc.ParseFromString(g.error_details()));
  bool found = false;
  for (const auto& any : rpc.details()) {
    google::rpc::BadRequest br;
    if (any.UnpackTo(&br)) {
      found = true;
      EXPECT_EQ(br.field_violations(0).field(), "item.body");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_THAT(FieldViolationsOf(FromGrpcStatus(g)), ElementsAre(Pair("item.body", "too long")));
}

TEST(ToGrpcStatus, HidesInternalDetails) {
  grpc::Status g = ToGrpcStatus(absl::InternalError("sqlite: disk I/O error at /var/lib/x.db"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(g.error_message(), "internal error");
  EXPECT_EQ(g.error_details().find("/var/lib"), std::string::npos);
}

TEST(ToGrpcStatus, WrongStateIsFailedPreconditionWithTheState) {
  grpc::Status g = ToGrpcStatus(WrongState("items/a", "ITEM_STATE_ACCEPTED", "already accepted"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(ReasonOf(FromGrpcStatus(g)), "WRONG_STATE");
}

}  // namespace
}  // namespace huiyin
