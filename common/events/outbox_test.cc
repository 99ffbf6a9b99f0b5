#include "common/events/outbox.h"

#include <filesystem>

#include "common/events/huiyin_events_test_migrations.h"
#include "common/events/testing/fake_feed.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("huiyin-outbox-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path_);
    DatabaseOptions options;
    options.path = path_.string();
    auto db = Database::Open(options, testdata::kEventMigrations);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + "-wal");
    std::filesystem::remove(path_.string() + "-shm");
  }

  absl::Status Append(const std::string& subject, bool fail_after = false) {
    return db_->Write([&](SQLite::Database& tx) -> absl::Status {
      google::protobuf::StringValue payload;
      payload.set_value("立案 " + subject);
      auto e = outbox_.Append(tx, {subject, MakeCaller("persons/p-1", common::v1::ROLE_CPPCC_OFFICE),
                                   absl::FromUnixSeconds(1700000000), "理由", &payload});
      if (!e.ok()) return e.status();
      return fail_after ? absl::InvalidArgumentError("refused") : absl::OkStatus();
    });
  }

  std::vector<events::v1::Event> All() { return testing::AllEvents(*db_); }

  events::v1::VerifyChainResponse Verify() {
    events::v1::VerifyChainResponse r;
    EXPECT_TRUE(db_->Read([&](SQLite::Database& c) {
                    auto v = VerifyEventChain(c);
                    if (v.ok()) r = *v;
                    return v.status();
                  }).ok());
    return r;
  }

  std::filesystem::path path_;
  std::unique_ptr<Database> db_;
  Outbox outbox_{"intake"};
};

TEST_F(OutboxTest, NumbersEventsWithoutGapsEvenWhenAWriteFails) {
  ASSERT_TRUE(Append("items/a").ok());
  ASSERT_FALSE(Append("items/b", /*fail_after=*/true).ok());
  ASSERT_TRUE(Append("items/c").ok());
  auto events = All();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].sequence(), 1);
  EXPECT_EQ(events[1].sequence(), 2);
  EXPECT_EQ(events[1].subject(), "items/c");
  EXPECT_EQ(events[1].previous_hash(), events[0].hash());
  EXPECT_EQ(events[0].actor().role(), common::v1::ROLE_CPPCC_OFFICE);
  EXPECT_EQ(events[0].reason(), "理由");
  google::protobuf::StringValue payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.value(), "立案 items/a");
}

TEST_F(OutboxTest, IntactChainVerifies) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Append("items/" + std::to_string(i)).ok());
  auto r = Verify();
  EXPECT_EQ(r.events_checked(), 5);
  EXPECT_EQ(r.first_broken_sequence(), 0);
}

TEST_F(OutboxTest, TamperingShowsInTheChain) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Append("items/" + std::to_string(i)).ok());
  ASSERT_TRUE(db_->Write([](SQLite::Database& tx) {
                  tx.exec("UPDATE event_outbox SET event = x'0a0178' WHERE sequence = 3");
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(Verify().first_broken_sequence(), 3);
}

TEST_F(OutboxTest, DeletedEventShowsInTheChain) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Append("items/" + std::to_string(i)).ok());
  ASSERT_TRUE(db_->Write([](SQLite::Database& tx) {
                  tx.exec("DELETE FROM event_outbox WHERE sequence = 2");
                  return absl::OkStatus();
                }).ok());
  EXPECT_EQ(Verify().first_broken_sequence(), 2);
}

TEST_F(OutboxTest, RefusesAnEventWithoutAnActor) {
  auto append = [&](const common::v1::Caller& actor) {
    return db_->Write([&](SQLite::Database& tx) -> absl::Status {
      google::protobuf::StringValue payload;
      return outbox_.Append(tx, {"items/a", actor, absl::Now(), "", &payload}).status();
    });
  };
  EXPECT_EQ(append(common::v1::Caller()).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(append(MakeCaller("", common::v1::ROLE_SYSTEM)).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(append(MakeCaller("systems/x", common::v1::ROLE_UNSPECIFIED)).code(),
            absl::StatusCode::kInternal);
  EXPECT_TRUE(All().empty());
  EXPECT_TRUE(append(MakeCaller("systems/x", common::v1::ROLE_SYSTEM)).ok());
}

TEST_F(OutboxTest, CursorIsStoredPerSource) {
  ASSERT_TRUE(db_->Write([](SQLite::Database& tx) {
                  WriteCursor(tx, "intake", 41, absl::Now());
                  WriteCursor(tx, "intake", 42, absl::Now());
                  WriteCursor(tx, "workflow", 7, absl::Now());
                  return absl::OkStatus();
                }).ok());
  ASSERT_TRUE(db_->Read([](SQLite::Database& c) {
                  EXPECT_EQ(ReadCursor(c, "intake"), 42);
                  EXPECT_EQ(ReadCursor(c, "workflow"), 7);
                  EXPECT_EQ(ReadCursor(c, "disclosure"), 0);
                  return absl::OkStatus();
                }).ok());
}

}  // namespace
}  // namespace huiyin
