// Supervision over real gRPC and real feeds: intake's, assignment's and workflow's events reach
// the ledger and the figure counters through three EventConsumers with their own cursors
// (unknown types skipped), and a proposer's read is refused with PERMISSION_DENIED.
#include "services/supervision/grpc_service.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/events/consumer.h"
#include "common/events/testing/fake_feed.h"
#include "common/identity/caller.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "huiyin/intake/v1/intake_events.pb.h"
#include "huiyin/workflow/v1/workflow_events.pb.h"
#include "services/supervision/huiyin_supervision_migrations.h"

namespace huiyin::supervision {
namespace {

using ::huiyin::testing::FakeFeed;

constexpr char kCredential[] = "supervision-test-credential";

std::string TempPath(const std::string& what) {
  return (std::filesystem::temp_directory_path() /
          ("huiyin-supervision-grpc-" + std::to_string(::getpid()) + "-" + what + ".db"))
      .string();
}

void RemoveFiles(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

Caller Office() {
  return MakeCaller("persons/sup-1", common::v1::ROLE_SUPERVISION_OFFICE, "", "县政府督查室");
}

class SupervisionGrpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempPath("store");
    RemoveFiles(path_);
    DatabaseOptions options;
    options.path = path_;
    auto db = Database::Open(options, kMigrations);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    core_ = std::make_unique<SupervisionCore>(*db_, clock_, WorkingDayCalendar::ChinaMainland(),
                                              SupervisionOptions{});
    service_ = std::make_unique<SupervisionGrpcService>(*core_, kCredential);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::SupervisionService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    for (auto& c : consumers_) c->Stop();
    consumers_.clear();
    server_->Shutdown();
    core_.reset();
    db_.reset();
    RemoveFiles(path_);
  }

  std::unique_ptr<grpc::ClientContext> As(const Caller& caller) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    AttachCaller(*ctx, caller, kCredential);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  EventConsumer& Follow(const FakeFeed& feed, const std::string& source) {
    EventConsumerOptions options;
    options.source = source;
    options.channel = grpc::CreateChannel(feed.address(), grpc::InsecureChannelCredentials());
    options.internal_credential = kCredential;
    options.self = MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM);
    options.max_wait = absl::Seconds(1);
    options.max_backoff = absl::Milliseconds(200);
    consumers_.push_back(std::make_unique<EventConsumer>(
        options, *db_, clock_, [this, source](SQLite::Database& tx, const events::v1::Event& e) {
          if (source == "intake") return core_->ApplyIntakeEvent(tx, e);
          if (source == "assignment") return core_->ApplyAssignmentEvent(tx, e);
          return core_->ApplyWorkflowEvent(tx, e);
        }));
    consumers_.back()->Start();
    return *consumers_.back();
  }

  static bool WaitForApplied(const EventConsumer& consumer, int64_t sequence) {
    absl::Time until = absl::Now() + absl::Seconds(20);
    while (consumer.applied_sequence() < sequence) {
      if (absl::Now() > until) return false;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return true;
  }

  std::string path_;
  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2026, 7, 15, 10, 0, 0), ChinaTimeZone())};
  std::unique_ptr<Database> db_;
  std::unique_ptr<SupervisionCore> core_;
  std::unique_ptr<SupervisionGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::SupervisionService::Stub> stub_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
};

TEST_F(SupervisionGrpcTest, ThreeFeedsFillTheLedgerAndTheFigures) {
  FakeFeed intake("intake", TempPath("feed-intake"), kCredential, Office());
  FakeFeed assignment("assignment", TempPath("feed-assignment"), kCredential, Office());
  FakeFeed workflow("workflow", TempPath("feed-workflow"), kCredential, Office());
  assignment::v1::ItemSummary summary;
  summary.set_item("items/i1");
  summary.set_kind(intake::v1::ITEM_KIND_SUGGESTION);
  summary.set_session("县第十八届人民代表大会第五次会议");
  summary.set_year(2026);
  summary.set_title("关于解放路老旧小区改造的建议");
  summary.set_category("城乡建设");

  intake::v1::ItemAccepted accepted;
  accepted.mutable_item()->set_name("items/i1");
  accepted.mutable_item()->set_year(2026);
  accepted.mutable_item()->set_title(summary.title());
  intake.Publish("items/i1", accepted);
  assignment::v1::UnitCreated unit;  // not the ledger's business: skipped
  unit.mutable_unit()->set_name("units/housing");
  assignment.Publish("units/housing", unit);
  assignment::v1::ItemAssigned assigned;
  *assigned.mutable_assignment()->mutable_item() = summary;
  assignment.Publish("items/i1", assigned);
  workflow::v1::Task task;
  task.set_name("tasks/t1");
  *task.mutable_item() = summary;
  task.set_unit("units/housing");
  task.set_role(assignment::v1::UNIT_ROLE_LEAD);
  task.set_state(workflow::v1::TASK_STATE_WAITING_ACKNOWLEDGEMENT);
  task.set_deadline("2026-06-30");
  workflow::v1::TaskCreated created;
  *created.mutable_task() = task;
  workflow.Publish("tasks/t1", created);
  task.set_state(workflow::v1::TASK_STATE_ANSWERED);
  auto* answer = task.add_answers();
  answer->set_state(workflow::v1::ANSWER_STATE_ISSUED);
  answer->set_answer_class(workflow::v1::ANSWER_CLASS_A);
  answer->mutable_issue_time()->set_seconds(absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(2026, 6, 20, 10, 0, 0), ChinaTimeZone())));
  workflow::v1::AnswerIssued issued;
  *issued.mutable_task() = task;
  workflow.Publish("tasks/t1", issued);

  ASSERT_TRUE(WaitForApplied(Follow(intake, "intake"), intake.published()));
  ASSERT_TRUE(WaitForApplied(Follow(assignment, "assignment"), assignment.published()));
  ASSERT_TRUE(WaitForApplied(Follow(workflow, "workflow"), workflow.published()));

  v1::GetLedgerEntryRequest get;
  get.set_name("ledger/i1");
  v1::LedgerEntry entry;
  auto status = stub_->GetLedgerEntry(As(Office()).get(), get, &entry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(entry.stage(), v1::STAGE_ANSWERED);
  EXPECT_EQ(entry.timeline_size(), 4);  // accepted, assigned, created, issued; the unit skipped

  v1::GetFiguresRequest request;
  request.set_year(2026);
  request.set_group_by(v1::GROUP_BY_UNIT);
  v1::GetFiguresResponse figures;
  status = stub_->GetFigures(As(Office()).get(), request, &figures);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(figures.rows_size(), 1);
  EXPECT_EQ(figures.rows(0).group(), "units/housing");
  EXPECT_EQ(figures.rows(0).counts().assigned(), 1);
  EXPECT_EQ(figures.rows(0).counts().answered_on_time(), 1);
  EXPECT_DOUBLE_EQ(figures.rows(0).figures().answer_rate(), 1.0);
  EXPECT_DOUBLE_EQ(figures.rows(0).figures().resolution_rate(), 1.0);

  status = stub_->GetFigures(As(MakeCaller("persons/p-1", common::v1::ROLE_PROPOSER)).get(),
                             request, &figures);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  for (auto& c : consumers_) c->Stop();  // before the feeds go away
}

}  // namespace
}  // namespace huiyin::supervision
