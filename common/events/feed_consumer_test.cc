// The outbox feed and a consumer across a restart of either side: nothing missed, nothing twice.
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "SQLiteCpp/Statement.h"
#include "common/events/consumer.h"
#include "common/events/feed_service.h"
#include "common/events/huiyin_events_test_migrations.h"
#include "common/events/outbox.h"
#include "common/identity/caller.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace huiyin {
namespace {

constexpr char kCredential[] = "test-internal-credential";

std::vector<std::string>& TempPaths() {
  static std::vector<std::string> paths;
  return paths;
}

std::string TempPath(const std::string& name) {
  auto p = std::filesystem::temp_directory_path() /
           ("huiyin-feed-" + std::to_string(::getpid()) + "-" + name + ".db");
  std::filesystem::remove(p);
  TempPaths().push_back(p.string());
  return p.string();
}

// Removes the databases the tests made, with their WAL files.
class RemoveTempDatabases : public ::testing::Environment {
 public:
  void TearDown() override {
    for (const auto& p : TempPaths()) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p + suffix);
    }
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new RemoveTempDatabases);

std::unique_ptr<Database> OpenDb(const std::string& path) {
  DatabaseOptions options;
  options.path = path;
  auto db = Database::Open(options, testdata::kEventMigrations);
  EXPECT_TRUE(db.ok()) << db.status();
  return std::move(*db);
}

// The producing service: a database with an outbox, served over gRPC.
struct Producer {
  explicit Producer(const std::string& path, int port = 0) {
    db = OpenDb(path);
    feed = std::make_unique<EventFeedService>(*db, kCredential);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                             &bound_port);
    builder.RegisterService(feed.get());
    server = builder.BuildAndStart();
  }
  ~Producer() {
    feed->Stop();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    db->Close();
  }
  absl::Status Produce(int n) {
    for (int i = 0; i < n; ++i) {
      absl::Status s = db->Write([&](SQLite::Database& tx) -> absl::Status {
        tx.exec("INSERT INTO produced(subject) VALUES ('x')");
        std::string subject = "items/" + std::to_string(tx.getLastInsertRowid());
        google::protobuf::StringValue payload;
        payload.set_value(subject);
        return outbox
            .Append(tx, {subject, MakeCaller("persons/p", common::v1::ROLE_PROPOSER), absl::Now(),
                         "", &payload})
            .status();
      });
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  std::unique_ptr<Database> db;
  std::unique_ptr<EventFeedService> feed;
  std::unique_ptr<grpc::Server> server;
  Outbox outbox{"producer"};
  int bound_port = 0;
};

std::unique_ptr<EventConsumer> StartConsumer(Database& db, int port, const Clock& clock,
                                             int page_size = 37,
                                             absl::Duration batch_window = absl::Milliseconds(25)) {
  EventConsumerOptions options;
  options.source = "producer";
  options.channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  options.internal_credential = kCredential;
  options.self = MakeCaller("services/test-consumer", common::v1::ROLE_SYSTEM);
  options.page_size = page_size;  // 37: small pages, many transactions, many chances to go wrong
  options.batch_window = batch_window;
  options.max_wait = absl::Seconds(1);
  options.max_backoff = absl::Milliseconds(200);
  auto consumer = std::make_unique<EventConsumer>(
      options, db, clock, [](SQLite::Database& tx, const events::v1::Event& e) {
        SQLite::Statement insert(tx, "INSERT INTO effects(source_sequence, subject) VALUES (?, ?)");
        insert.bind(1, static_cast<int64_t>(e.sequence()));
        insert.bind(2, e.subject());
        insert.exec();
        return absl::OkStatus();
      });
  consumer->Start();
  return consumer;
}

bool WaitUntil(const std::function<bool()>& done, absl::Duration limit = absl::Seconds(30)) {
  absl::Time until = absl::Now() + limit;
  while (!done()) {
    if (absl::Now() > until) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

TEST(EventFeed, ConsumerAndProducerRestartsMissNothingAndApplyNothingTwice) {
  SystemClock clock;
  std::string producer_path = TempPath("producer"), consumer_path = TempPath("consumer");
  auto producer = std::make_unique<Producer>(producer_path);
  const int port = producer->bound_port;
  ASSERT_GT(port, 0);
  auto consumer_db = OpenDb(consumer_path);

  ASSERT_TRUE(producer->Produce(150).ok());
  auto consumer = StartConsumer(*consumer_db, port, clock);
  ASSERT_TRUE(WaitUntil([&] { return consumer->applied_sequence() >= 50; }));
  // The consumer stops mid-feed while the producer keeps writing.
  std::thread writer([&] { ASSERT_TRUE(producer->Produce(100).ok()); });
  consumer->Stop();
  consumer.reset();
  writer.join();
  consumer = StartConsumer(*consumer_db, port, clock);
  ASSERT_TRUE(WaitUntil([&] { return consumer->applied_sequence() >= 250; }));

  // The producer restarts on the same port; the consumer reconnects by itself.
  producer.reset();
  producer = std::make_unique<Producer>(producer_path, port);
  ASSERT_EQ(producer->bound_port, port);
  ASSERT_TRUE(producer->Produce(50).ok());
  ASSERT_TRUE(WaitUntil([&] { return consumer->applied_sequence() >= 300; }));
  consumer->Stop();

  ASSERT_TRUE(
      consumer_db
          ->Read([](SQLite::Database& c) {
            EXPECT_EQ(c.execAndGet("SELECT count(*) FROM effects").getInt(), 300);
            EXPECT_EQ(c.execAndGet("SELECT count(DISTINCT source_sequence) FROM effects").getInt(),
                      300);
            EXPECT_EQ(c.execAndGet("SELECT min(source_sequence) FROM effects").getInt(), 1);
            EXPECT_EQ(c.execAndGet("SELECT max(source_sequence) FROM effects").getInt(), 300);
            EXPECT_EQ(ReadCursor(c, "producer"), 300);
            return absl::OkStatus();
          })
          .ok());
}

TEST(EventFeed, ConsumerAppliesABusyFeedInFewTransactions) {
  SystemClock clock;
  Producer producer(TempPath("busy-producer"));
  std::atomic<int> commits{0};  // outlives the database, whose writer calls the listener
  auto consumer_db = OpenDb(TempPath("busy-consumer"));
  consumer_db->AddCommitListener([&] { ++commits; });
  auto consumer = StartConsumer(*consumer_db, producer.bound_port, clock, /*page_size=*/500,
                                /*batch_window=*/absl::Milliseconds(300));
  // One event every few milliseconds: without the window, about one transaction (and fsync)
  // each; with it, one per window.
  static constexpr int kEvents = 60;
  for (int i = 0; i < kEvents; ++i) {
    ASSERT_TRUE(producer.Produce(1).ok());
    absl::SleepFor(absl::Milliseconds(3));
  }
  ASSERT_TRUE(WaitUntil([&] { return consumer->applied_sequence() >= kEvents; }));
  consumer->Stop();
  EXPECT_LE(commits.load(), kEvents / 4);
  ASSERT_TRUE(
      consumer_db
          ->Read([](SQLite::Database& c) {
            EXPECT_EQ(c.execAndGet("SELECT count(DISTINCT source_sequence) FROM effects").getInt(),
                      kEvents);
            EXPECT_EQ(c.execAndGet("SELECT count(*) FROM effects").getInt(), kEvents);
            return absl::OkStatus();
          })
          .ok());
}

TEST(EventFeed, SubscribeStreamsTheBacklogThenNewEvents) {
  Producer producer(TempPath("stream"));
  ASSERT_TRUE(producer.Produce(3).ok());
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(producer.bound_port),
                                     grpc::InsecureChannelCredentials());
  auto stub = events::v1::EventFeed::NewStub(channel);
  grpc::ClientContext context;
  AttachCaller(context, MakeCaller("services/x", common::v1::ROLE_SYSTEM), kCredential);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  events::v1::SubscribeRequest request;
  request.set_after_sequence(1);
  auto reader = stub->Subscribe(&context, request);
  std::vector<int64_t> seen;
  events::v1::Event e;
  while (seen.size() < 2 && reader->Read(&e)) seen.push_back(e.sequence());
  std::thread later([&] { ASSERT_TRUE(producer.Produce(2).ok()); });
  while (seen.size() < 4 && reader->Read(&e)) seen.push_back(e.sequence());
  later.join();
  context.TryCancel();
  EXPECT_EQ(seen, (std::vector<int64_t>{2, 3, 4, 5}));
}

TEST(EventFeed, RefusesCallersWithoutTheCredential) {
  Producer producer(TempPath("refuse"));
  auto stub = events::v1::EventFeed::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(producer.bound_port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext anonymous;
  events::v1::ListEventsResponse response;
  EXPECT_EQ(stub->ListEvents(&anonymous, {}, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext wrong;
  AttachCaller(wrong, MakeCaller("services/x", common::v1::ROLE_SYSTEM), "guess");
  EXPECT_EQ(stub->ListEvents(&wrong, {}, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext unit;
  AttachCaller(unit, MakeCaller("persons/p", common::v1::ROLE_UNIT_CLERK, "units/u-1"),
               kCredential);
  EXPECT_EQ(stub->ListEvents(&unit, {}, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST(EventFeed, LongPollReturnsAsSoonAsAnEventCommits) {
  Producer producer(TempPath("longpoll"));
  auto stub = events::v1::EventFeed::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(producer.bound_port), grpc::InsecureChannelCredentials()));
  std::thread later([&] {
    absl::SleepFor(absl::Milliseconds(200));
    ASSERT_TRUE(producer.Produce(1).ok());
  });
  grpc::ClientContext context;
  AttachCaller(context, MakeCaller("services/x", common::v1::ROLE_SYSTEM), kCredential);
  events::v1::ListEventsRequest request;
  request.mutable_max_wait()->set_seconds(20);
  events::v1::ListEventsResponse response;
  ASSERT_TRUE(stub->ListEvents(&context, request, &response).ok());
  later.join();
  ASSERT_EQ(response.events_size(), 1);
  EXPECT_EQ(response.head_sequence(), 1);
}

}  // namespace
}  // namespace huiyin
