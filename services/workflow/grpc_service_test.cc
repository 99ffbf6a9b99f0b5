// Workflow over real gRPC and real feeds: intake's and assignment's events reach the store
// through two EventConsumers with their own cursors (unknown types skipped), and the rating
// refusals reach a client as PERMISSION_DENIED.
#include "services/workflow/grpc_service.h"

#include "common/events/consumer.h"
#include "common/events/testing/fake_feed.h"
#include "common/status/errors.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/workflow/testing.h"

namespace huiyin::workflow {
namespace {

using ::huiyin::testing::FakeFeed;
using testing::ClerkOf;
using testing::Proposer;

constexpr char kCredential[] = "workflow-test-credential";

class WorkflowGrpcTest : public testing::WorkflowFixture {
 protected:
  void SetUp() override {
    WorkflowFixture::SetUp();
    service_ = std::make_unique<WorkflowGrpcService>(*core_, kCredential);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::WorkflowService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                             grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    for (auto& c : consumers_) c->Stop();
    consumers_.clear();
    server_->Shutdown();
    WorkflowFixture::TearDown();
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
    bool intake = source == "intake";
    consumers_.push_back(std::make_unique<EventConsumer>(
        options, *db_, clock_, [this, intake](SQLite::Database& tx, const events::v1::Event& e) {
          return intake ? core_->ApplyIntakeEvent(tx, e) : core_->ApplyAssignmentEvent(tx, e);
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

  std::unique_ptr<WorkflowGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::WorkflowService::Stub> stub_;
  std::vector<std::unique_ptr<EventConsumer>> consumers_;
};

TEST_F(WorkflowGrpcTest, FeedsOfIntakeAndAssignmentMakeTasksThenOnlyTheLeadProposerRates) {
  FakeFeed intake("intake", db_.path() + "-intake.db", kCredential, testing::GovernmentOffice());
  FakeFeed assignment("assignment", db_.path() + "-assignment.db", kCredential,
                      testing::GovernmentOffice());
  intake::v1::ItemAccepted accepted;
  *accepted.mutable_item() = testing::AcceptedItem("g1");
  intake.Publish("items/g1", accepted);
  google::protobuf::StringValue unknown;  // a type workflow does not know: skipped
  unknown.set_value("items/g1");
  intake.Publish("items/g1", unknown);
  assignment::v1::UnitUpdated unit;
  *unit.mutable_unit() = testing::CountyUnits()[0];
  unit.mutable_unit()->mutable_members(2)->set_name("孙浩然");
  assignment.Publish(unit.unit().name(), unit);
  assignment::v1::ItemAssigned assigned;
  *assigned.mutable_assignment() =
      testing::Assignment("g1", assignment::v1::ASSIGNMENT_MODE_SOLE,
                          {testing::Assigned("housing", assignment::v1::UNIT_ROLE_LEAD)});
  assignment.Publish("items/g1/assignment", assigned);

  ASSERT_TRUE(WaitForApplied(Follow(intake, "intake"), 2));
  ASSERT_TRUE(WaitForApplied(Follow(assignment, "assignment"), 2));
  ASSERT_TRUE(db_->Read([](SQLite::Database& c) {
                   EXPECT_EQ(ReadCursor(c, "intake"), 2);
                   EXPECT_EQ(ReadCursor(c, "assignment"), 2);
                   return absl::OkStatus();
                 })
                  .ok());

  v1::ListTasksRequest list;
  v1::ListTasksResponse tasks;
  ASSERT_TRUE(stub_->ListTasks(As(ClerkOf("housing")).get(), list, &tasks).ok());
  ASSERT_EQ(tasks.tasks_size(), 1);
  v1::Task task = Acknowledge(tasks.tasks(0), "housing");
  EXPECT_EQ(task.responsible().clerk_name(), "孙浩然");  // the member as UnitUpdated left him
  SetToday(2025, 6, 20);
  v1::Answer answer = IssueThrough(task, "housing", testing::GoodAnswer());
  // The draft's pre-check used the body intake's feed brought.
  EXPECT_EQ(answer.findings_size(), 0);

  v1::EvaluateAnswerRequest rate;
  rate.set_name(answer.name());
  rate.set_rating(v1::RATING_SATISFIED);
  for (const Caller& caller :
       {ClerkOf("housing"), testing::HeadOf("housing"), testing::CongressOffice(),
        testing::SupervisionOffice(), Proposer("persons/li"), Proposer("persons/zhang")}) {
    v1::Answer out;
    EXPECT_EQ(stub_->EvaluateAnswer(As(caller).get(), rate, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << caller.principal();
  }
  v1::Answer rated;
  grpc::Status ok = stub_->EvaluateAnswer(As(Proposer("persons/wang")).get(), rate, &rated);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(rated.evaluation().proposer(), "persons/wang");
  v1::Answer again;
  EXPECT_EQ(stub_->EvaluateAnswer(As(Proposer("persons/wang")).get(), rate, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace huiyin::workflow
