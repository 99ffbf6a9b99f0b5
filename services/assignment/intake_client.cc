#include "services/assignment/intake_client.h"

#include <algorithm>

#include "common/identity/caller.h"
#include "common/status/errors.h"
#include "grpcpp/client_context.h"

namespace huiyin::assignment {
namespace {

// Enough to find every unit worth suggesting; intake caps it at 50.
constexpr int kSimilarLimit = 20;

}  // namespace

IntakeSimilarItems::IntakeSimilarItems(std::shared_ptr<grpc::Channel> channel,
                                       std::string internal_credential, absl::Duration timeout)
    : stub_(intake::v1::IntakeService::NewStub(std::move(channel))),
      credential_(std::move(internal_credential)),
      timeout_(timeout) {}

absl::StatusOr<intake::v1::FindSimilarResponse> IntakeSimilarItems::FindSimilar(
    const std::string& item, absl::Time deadline) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(std::min(deadline, absl::Now() + timeout_)));
  AttachCaller(context, MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM, "", "交办服务"),
               credential_);
  intake::v1::FindSimilarRequest request;
  request.set_name(item);
  request.set_limit(kSimilarLimit);
  intake::v1::FindSimilarResponse response;
  grpc::Status status = stub_->FindSimilar(&context, request, &response);
  if (!status.ok()) return FromGrpcStatus(status);
  return response;
}

}  // namespace huiyin::assignment
