// The client of intake's FindSimilar: who it says it is, and the deadline it keeps.
#include "services/assignment/intake_client.h"

#include "common/identity/caller.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace huiyin::assignment {
namespace {

constexpr char kCredential[] = "client-test-credential";

class FakeIntake final : public intake::v1::IntakeService::Service {
 public:
  grpc::Status FindSimilar(grpc::ServerContext* context,
                           const intake::v1::FindSimilarRequest* request,
                           intake::v1::FindSimilarResponse* response) override {
    auto caller = CallerFromMetadata(context->client_metadata(), kCredential);
    if (caller.ok()) seen_caller = *caller;
    seen_deadline = absl::FromChrono(context->deadline());
    seen_name = request->name();
    absl::Time until = absl::Now() + delay;
    while (absl::Now() < until && !context->IsCancelled()) absl::SleepFor(absl::Milliseconds(5));
    auto* s = response->add_recurring();
    s->set_name("items/old-12");
    s->set_score(0.82);
    return grpc::Status::OK;
  }

  absl::Duration delay;
  Caller seen_caller;
  absl::Time seen_deadline;
  std::string seen_name;
};

class IntakeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&intake_);
    server_ = builder.BuildAndStart();
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now()); }

  FakeIntake intake_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(IntakeClientTest, CallsAsTheAssignmentSystemWithItsOwnTimeout) {
  IntakeSimilarItems similar(channel_, kCredential, absl::Seconds(3));
  absl::Time before = absl::Now();
  auto found = similar.FindSimilar("items/new", absl::Now() + absl::Seconds(30));
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->recurring(0).name(), "items/old-12");
  EXPECT_EQ(intake_.seen_name, "items/new");
  EXPECT_EQ(intake_.seen_caller.principal(), "services/assignment");
  EXPECT_EQ(intake_.seen_caller.role(), common::v1::ROLE_SYSTEM);
  EXPECT_LT(intake_.seen_deadline, before + absl::Seconds(4));  // the 3 s timeout, not the 30 s
}

TEST_F(IntakeClientTest, TheCallersSoonerDeadlineWins) {
  IntakeSimilarItems similar(channel_, kCredential, absl::Seconds(30));
  absl::Time before = absl::Now();
  ASSERT_TRUE(similar.FindSimilar("items/new", before + absl::Seconds(2)).ok());
  EXPECT_LT(intake_.seen_deadline, before + absl::Seconds(3));
}

TEST_F(IntakeClientTest, ASlowIntakeIsCutOffAtTheDeadline) {
  intake_.delay = absl::Seconds(5);
  IntakeSimilarItems similar(channel_, kCredential, absl::Milliseconds(200));
  absl::Time before = absl::Now();
  auto found = similar.FindSimilar("items/new", absl::InfiniteFuture());
  EXPECT_EQ(found.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_LT(absl::Now() - before, absl::Seconds(2));
}

}  // namespace
}  // namespace huiyin::assignment
