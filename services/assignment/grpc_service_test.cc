// The assignment API over real gRPC: status codes and field violations reach the client, the
// caller is believed only with the internal credential, the caller's deadline reaches intake.
#include "services/assignment/grpc_service.h"

#include "common/status/errors.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/assignment/testing.h"

namespace huiyin::assignment {
namespace {

using testing::Clerk;
using testing::GovernmentOffice;
using testing::Sole;

constexpr char kCredential[] = "assignment-test-credential";

class AssignmentGrpcTest : public testing::AssignmentFixture {
 protected:
  void SetUp() override {
    AssignmentFixture::SetUp();
    service_ = std::make_unique<AssignmentGrpcService>(*core_, kCredential);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::AssignmentService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                               grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    server_->Shutdown();
    AssignmentFixture::TearDown();
  }

  std::unique_ptr<grpc::ClientContext> As(const Caller& caller,
                                          const char* credential = kCredential) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    AttachCaller(*ctx, caller, credential);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  std::unique_ptr<AssignmentGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::AssignmentService::Stub> stub_;
};

TEST_F(AssignmentGrpcTest, AssignOverTheWireWithFieldViolations) {
  Arrive("a1");
  v1::Assignment out;
  grpc::Status refused = stub_->AssignItem(As(GovernmentOffice()).get(),
                                           testing::Request(Sole("items/a1", "units/grain")), &out);
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violations = FieldViolationsOf(FromGrpcStatus(refused));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].first, "plan.units[0].unit");
  ASSERT_TRUE(stub_
                  ->AssignItem(As(GovernmentOffice()).get(),
                               testing::Request(Sole("items/a1", "units/housing")), &out)
                  .ok());
  EXPECT_EQ(out.current_deadline().date(), "2025-06-10");
}

TEST_F(AssignmentGrpcTest, StatusCodesForEachKindOfRefusal) {
  Arrive("a1");
  v1::Assignment assignment;
  ASSERT_TRUE(stub_
                  ->AssignItem(As(GovernmentOffice()).get(),
                               testing::Request(Sole("items/a1", "units/housing")), &assignment)
                  .ok());
  EXPECT_EQ(stub_
                ->AssignItem(As(GovernmentOffice()).get(),
                             testing::Request(Sole("items/a1", "units/housing")), &assignment)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::GetAssignmentRequest get;
  get.set_name("items/nothing/assignment");
  EXPECT_EQ(stub_->GetAssignment(As(GovernmentOffice()).get(), get, &assignment).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->GetAssignment(As(Clerk("units/market")).get(), get, &assignment).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::Unit unit;
  EXPECT_EQ(stub_->CreateUnit(As(GovernmentOffice()).get(), testing::CountyUnits()[0], &unit)
                .error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  v1::UpdateUnitRequest update;
  *update.mutable_unit() = testing::CountyUnits()[0].unit();
  update.mutable_unit()->set_name("units/housing");
  update.mutable_unit()->set_etag("9");
  EXPECT_EQ(stub_->UpdateUnit(As(GovernmentOffice()).get(), update, &unit).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(AssignmentGrpcTest, CallerWithoutCredentialIsThePublicAndWrongCredentialIsRefused) {
  v1::ListUnitsResponse units;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->ListUnits(&anonymous, {}, &units).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->ListUnits(As(Clerk("units/housing"), "forged").get(), {}, &units).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(stub_->ListUnits(As(Clerk("units/housing")).get(), {}, &units).ok());
  EXPECT_EQ(units.units_size(), 6);
}

TEST_F(AssignmentGrpcTest, SuggestUnitsPassesTheCallersDeadlineToIntake) {
  Arrive("a1");
  v1::SuggestUnitsRequest request;
  request.set_item("items/a1");
  v1::SuggestUnitsResponse response;
  absl::Time before = absl::Now();
  ASSERT_TRUE(stub_->SuggestUnits(As(GovernmentOffice()).get(), request, &response).ok());
  EXPECT_GT(similar_.last_deadline, before + absl::Seconds(9));
  EXPECT_LT(similar_.last_deadline, absl::Now() + absl::Seconds(11));
  ASSERT_EQ(response.suggestions_size(), 2);  // the two units listing 城乡建设, equal, by name
  EXPECT_EQ(response.suggestions(0).unit(), "units/chengguan");
  EXPECT_EQ(response.suggestions(1).unit(), "units/housing");
}

}  // namespace
}  // namespace huiyin::assignment
