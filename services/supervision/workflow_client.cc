#include "services/supervision/workflow_client.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "grpcpp/client_context.h"

namespace huiyin::supervision {
namespace {

constexpr int kAttempts = 3;
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(200);

}  // namespace

WorkflowAnswerReturner::WorkflowAnswerReturner(std::shared_ptr<grpc::Channel> channel,
                                               std::string internal_credential,
                                               absl::Duration timeout)
    : stub_(workflow::v1::WorkflowService::NewStub(std::move(channel))),
      credential_(std::move(internal_credential)),
      timeout_(timeout) {}

absl::StatusOr<workflow::v1::Answer> WorkflowAnswerReturner::ReturnAnswer(
    const Caller& caller, const workflow::v1::ReturnAnswerRequest& request) {
  absl::Duration backoff = kFirstBackoff;
  grpc::Status status;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    AttachCaller(context, caller, credential_);
    workflow::v1::Answer answer;
    status = stub_->ReturnAnswer(&context, request, &answer);
    if (status.ok()) return answer;
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    if (attempt < kAttempts) absl::SleepFor(backoff);
    backoff *= 2;
  }
  // Workflow's own errors (NOT_FOUND, FAILED_PRECONDITION …) carry details and pass through; a
  // bare transport failure says which dependency is down, not where it lives.
  if (status.error_details().empty() && (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                                         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)) {
    return absl::UnavailableError("workflow is unavailable; the answer was not returned, retry");
  }
  return FromGrpcStatus(status);
}

}  // namespace huiyin::supervision
