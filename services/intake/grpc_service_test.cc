// The intake API over real gRPC: status codes and field violations reach the client, the caller
// is believed only with the internal credential.
#include "services/intake/grpc_service.h"

#include "common/events/feed_service.h"
#include "common/status/errors.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "services/intake/testing.h"

namespace huiyin::intake {
namespace {

constexpr char kCredential[] = "intake-test-credential";

class IntakeGrpcTest : public testing::IntakeFixture {
 protected:
  void SetUp() override {
    IntakeFixture::SetUp();
    service_ = std::make_unique<IntakeGrpcService>(*core_, kCredential);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = v1::IntakeService::NewStub(
        grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    server_->Shutdown();
    IntakeFixture::TearDown();
  }

  std::unique_ptr<grpc::ClientContext> As(const Caller& caller, const char* credential = kCredential) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    AttachCaller(*ctx, caller, credential);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return ctx;
  }

  std::unique_ptr<IntakeGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::IntakeService::Stub> stub_;
};

TEST_F(IntakeGrpcTest, SubmitAndAcceptOverTheWire) {
  v1::Item item;
  ASSERT_TRUE(stub_->SubmitItem(As(testing::CongressOffice()).get(),
                                testing::Suggestion(testing::kPropertyTitle, testing::kPropertyBody),
                                &item)
                  .ok());
  v1::AcceptItemRequest accept;
  accept.set_name(item.name());
  v1::Item accepted;
  ASSERT_TRUE(stub_->AcceptItem(As(testing::CongressOffice()).get(), accept, &accepted).ok());
  EXPECT_EQ(accepted.number_label(), "建议第1号");
}

TEST_F(IntakeGrpcTest, InvalidArgumentCarriesFieldViolations) {
  auto request = testing::Suggestion("", testing::kPropertyBody);
  v1::Item item;
  grpc::Status s = stub_->SubmitItem(As(testing::CongressOffice()).get(), request, &item);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  auto violations = FieldViolationsOf(FromGrpcStatus(s));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].first, "item.title");
}

TEST_F(IntakeGrpcTest, StatusCodesForEachKindOfRefusal) {
  v1::Item item;
  ASSERT_TRUE(stub_->SubmitItem(As(testing::CongressOffice()).get(),
                                testing::Suggestion(testing::kPropertyTitle, testing::kPropertyBody),
                                &item)
                  .ok());
  v1::AcceptItemRequest accept;
  accept.set_name("items/missing");
  v1::Item out;
  EXPECT_EQ(stub_->AcceptItem(As(testing::CongressOffice()).get(), accept, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  accept.set_name(item.name());
  EXPECT_EQ(stub_->AcceptItem(As(testing::CppccOffice()).get(), accept, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->AcceptItem(As(testing::CongressOffice()).get(), accept, &out).ok());
  EXPECT_EQ(stub_->AcceptItem(As(testing::CongressOffice()).get(), accept, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::RejectItemRequest reject;
  reject.set_name(item.name());
  reject.set_reason("重复");
  reject.set_etag("1");
  EXPECT_EQ(stub_->RejectItem(As(testing::CongressOffice()).get(), reject, &out).error_code(),
            grpc::StatusCode::ABORTED);
}

TEST_F(IntakeGrpcTest, CallerWithoutCredentialIsThePublicAndWrongCredentialIsRefused) {
  v1::Item item;
  grpc::ClientContext anonymous;
  EXPECT_EQ(stub_->SubmitItem(&anonymous,
                              testing::Suggestion(testing::kPropertyTitle, testing::kPropertyBody),
                              &item)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->SubmitItem(As(testing::CongressOffice(), "forged").get(),
                              testing::Suggestion(testing::kPropertyTitle, testing::kPropertyBody),
                              &item)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace huiyin::intake
