// Test helpers for services that follow other services' feeds.
//
//   FakeFeed intake("intake", TempPath("intake"), kCredential, CongressOffice());
//   intake.Publish("items/a", accepted);          // as the intake service would
//   options.channel = grpc::CreateChannel(intake.address(), ...);
//
//   auto submitted = PayloadsOf<intake::v1::ItemSubmitted>(AllEvents(*db_));
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/events/feed_service.h"
#include "common/events/huiyin_outbox_migrations.h"
#include "common/events/outbox.h"
#include "common/store/database.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace huiyin::testing {

// Another service as far as its feed goes: the shared outbox tables in a database of their own,
// served over gRPC on a free port of 127.0.0.1. Its files are removed when it goes.
class FakeFeed {
 public:
  FakeFeed(const std::string& source, std::string path, const std::string& credential,
           common::v1::Caller actor)
      : outbox_(source), path_(std::move(path)), actor_(std::move(actor)) {
    RemoveFiles();
    DatabaseOptions options;
    options.path = path_;
    auto db = Database::Open(options, kOutboxMigrations);
    EXPECT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    feed_ = std::make_unique<EventFeedService>(*db_, credential);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(feed_.get());
    server_ = builder.BuildAndStart();
  }
  ~FakeFeed() {
    feed_->Stop();
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    db_->Close();
    RemoveFiles();
  }

  void Publish(const std::string& subject, const google::protobuf::Message& payload) {
    ASSERT_TRUE(
        db_->Write([&](SQLite::Database& tx) {
             return outbox_.Append(tx, {subject, actor_, absl::Now(), "", &payload}).status();
           })
            .ok());
    ++published_;
  }
  // Events published so far: the sequence a consumer has applied once it caught up.
  int64_t published() const { return published_; }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  void RemoveFiles() const {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  Outbox outbox_;
  std::string path_;
  common::v1::Caller actor_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<EventFeedService> feed_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  int64_t published_ = 0;
};

// Every event of a database's outbox, oldest first.
inline std::vector<events::v1::Event> AllEvents(Database& db) {
  std::vector<events::v1::Event> out;
  EXPECT_TRUE(db.Read([&](SQLite::Database& c) {
                  auto e = ReadEventsAfter(c, 0, 1000000);
                  if (e.ok()) out = *std::move(e);
                  return e.status();
                }).ok());
  return out;
}

// The payloads of one type among `events`, in order.
template <typename Payload>
std::vector<Payload> PayloadsOf(const std::vector<events::v1::Event>& events) {
  std::vector<Payload> out;
  for (const auto& e : events) {
    Payload p;
    if (e.payload().UnpackTo(&p)) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace huiyin::testing
