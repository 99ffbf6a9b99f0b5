// Disclosure over real gRPC and real feeds: intake's and workflow's events reach a published
// record through two EventConsumers (unknown types skipped); the public reads it with no
// credential at all; office methods refuse the public and a wrong credential.
#include "services/disclosure/grpc_service.h"

#include <memory>
#include <string>

#include "common/events/consumer.h"
#include "common/events/testing/fake_feed.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "services/disclosure/testing.h"

namespace huiyin::disclosure {
namespace {

using ::huiyin::testing::FakeFeed;
using testing::At;

constexpr char kCredential[] = "disclosure-test-credential";

class DisclosureGrpcTest : public testing::DisclosureTest {
 protected:
  void SetUp() override {
    testing::DisclosureTest::SetUp();
    service_ = std::make_unique<DisclosureGrpcService>(*core_, kCredential);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::DisclosureService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                               grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    server_->Shutdown();
    testing::DisclosureTest::TearDown();
  }

  std::unique_ptr<DisclosureGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::DisclosureService::Stub> stub_;
};

TEST_F(DisclosureGrpcTest, FeedsPublishARecordThePublicReadsWithoutCredentials) {
  const auto office = testing::GovernmentOffice();
  FakeFeed intake("intake", path_ + "-intake", kCredential, office);
  FakeFeed workflow("workflow", path_ + "-workflow", kCredential, office);
  const auto item = testing::MakeItem("g1");
  intake::v1::ItemAccepted accepted;
  *accepted.mutable_item() = item;
  intake.Publish(item.name(), accepted);
  assignment::v1::UnitCreated unknown;  // a type disclosure does not know: skipped
  workflow.Publish("units/x", unknown);
  auto task = testing::MakeTask(item);
  clock_.Set(At(2025, 6, 20, 16));
  testing::IssueAnswer(task, clock_.Now());
  workflow::v1::AnswerIssued issued;
  *issued.mutable_task() = task;
  workflow.Publish(task.name(), issued);

  const Caller self = MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM);
  auto options = [&](const char* source, const FakeFeed& feed) {
    EventConsumerOptions o = FeedOptions(source, feed.address(), {}, kCredential, self);
    o.max_wait = absl::Milliseconds(200);
    return o;
  };
  EventConsumer intake_feed(options("intake", intake), *db_, clock_,
                            [&](SQLite::Database& tx, const events::v1::Event& e) {
                              return core_->ApplyIntakeEvent(tx, e);
                            });
  intake_feed.Start();
  while (intake_feed.applied_sequence() < intake.published()) std::this_thread::yield();
  EventConsumer workflow_feed(options("workflow", workflow), *db_, clock_,
                              [&](SQLite::Database& tx, const events::v1::Event& e) {
                                return core_->ApplyWorkflowEvent(tx, e);
                              });
  workflow_feed.Start();
  while (workflow_feed.applied_sequence() < workflow.published()) std::this_thread::yield();
  intake_feed.Stop();
  workflow_feed.Stop();

  grpc::ClientContext anonymous;
  v1::GetPublicDisclosureRequest get;
  get.set_name("disclosures/g1");
  v1::Disclosure record;
  ASSERT_TRUE(stub_->GetPublicDisclosure(&anonymous, get, &record).ok());
  EXPECT_EQ(record.title(), testing::kTitle);
  EXPECT_EQ(record.proposers(0).name(), "王建国");

  grpc::ClientContext page_context;
  v1::RenderDetailPageRequest page_request;
  page_request.set_name("disclosures/g1");
  common::v1::HttpBody page;
  ASSERT_TRUE(stub_->RenderDetailPage(&page_context, page_request, &page).ok());
  EXPECT_EQ(page.content_type(), "text/html; charset=utf-8");

  grpc::ClientContext denied;
  v1::GetDisclosureRequest office_get;
  office_get.set_name("disclosures/g1");
  EXPECT_EQ(stub_->GetDisclosure(&denied, office_get, &record).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::ClientContext forged;
  AttachCaller(forged, office, "a-wrong-credential");
  EXPECT_EQ(stub_->GetDisclosure(&forged, office_get, &record).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  grpc::ClientContext trusted;
  AttachCaller(trusted, office, kCredential);
  ASSERT_TRUE(stub_->GetDisclosure(&trusted, office_get, &record).ok());
  EXPECT_EQ(record.state(), v1::DISCLOSURE_STATE_PUBLISHED);
  EXPECT_EQ(record.redactions_size(), 2);
}

}  // namespace
}  // namespace huiyin::disclosure
