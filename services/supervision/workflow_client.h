// The client of workflow: ReturnAnswer over gRPC as supervision's AnswerReturner. It calls on
// behalf of the supervision officer who decided (their caller travels in metadata with the
// internal credential), with a deadline per attempt, and retries UNAVAILABLE a few times with
// backoff — safe because every request carries a request_id that workflow deduplicates.
//
//   WorkflowAnswerReturner workflow(ServiceChannel(address, config.tls()), credential,
//                                   absl::Milliseconds(5000));
#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "huiyin/workflow/v1/workflow.grpc.pb.h"
#include "services/supervision/returns.h"

namespace huiyin::supervision {

class WorkflowAnswerReturner final : public AnswerReturner {
 public:
  WorkflowAnswerReturner(std::shared_ptr<grpc::Channel> channel, std::string internal_credential,
                         absl::Duration timeout);

  absl::StatusOr<workflow::v1::Answer> ReturnAnswer(
      const Caller& caller, const workflow::v1::ReturnAnswerRequest& request) override;

 private:
  std::unique_ptr<workflow::v1::WorkflowService::Stub> stub_;
  std::string credential_;
  absl::Duration timeout_;
};

}  // namespace huiyin::supervision
