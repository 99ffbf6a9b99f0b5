#include "common/identity/caller.h"

#include "gtest/gtest.h"

namespace huiyin {
namespace {

using Metadata = std::multimap<grpc::string_ref, grpc::string_ref>;

TEST(CallerFromMetadata, BelievesCallerOnlyWithTheCredential) {
  std::string encoded =
      MakeCaller("persons/p-1", common::v1::ROLE_CONGRESS_OFFICE, "", "李主任").SerializeAsString();
  Metadata md{{kCredentialMetadataKey, "s3cret"}, {kCallerMetadataKey, encoded}};
  auto caller = CallerFromMetadata(md, "s3cret");
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role(), common::v1::ROLE_CONGRESS_OFFICE);
  EXPECT_EQ(caller->display_name(), "李主任");
}

TEST(CallerFromMetadata, WithoutCredentialIsThePublic) {
  std::string encoded = MakeCaller("persons/p-1", common::v1::ROLE_CONGRESS_OFFICE).SerializeAsString();
  Metadata md{{kCallerMetadataKey, encoded}};
  auto caller = CallerFromMetadata(md, "s3cret");
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->role(), common::v1::ROLE_PUBLIC);
}

TEST(CallerFromMetadata, WrongCredentialIsUnauthenticated) {
  Metadata md{{kCredentialMetadataKey, "guess"}};
  EXPECT_EQ(CallerFromMetadata(md, "s3cret").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(CallerFromMetadata, UnconfiguredServiceTrustsNobody) {
  std::string encoded = MakeCaller("persons/p-1", common::v1::ROLE_CONGRESS_OFFICE).SerializeAsString();
  Metadata md{{kCredentialMetadataKey, ""}, {kCallerMetadataKey, encoded}};
  auto caller = CallerFromMetadata(md, "");
  ASSERT_TRUE(caller.ok());
  EXPECT_EQ(caller->role(), common::v1::ROLE_PUBLIC);
}

TEST(CallerFromMetadata, MalformedCallerIsUnauthenticated) {
  Metadata md{{kCredentialMetadataKey, "s3cret"}, {kCallerMetadataKey, "\xff\xff garbage"}};
  EXPECT_EQ(CallerFromMetadata(md, "s3cret").status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(RoleLabel, ReadsLikeWords) { EXPECT_EQ(RoleLabel(common::v1::ROLE_CPPCC_OFFICE), "cppcc office"); }

}  // namespace
}  // namespace huiyin
