// The gRPC adapter of workflow: huiyin.workflow.v1.WorkflowService over WorkflowCore. Nothing
// but conversion lives here (caller from metadata, absl::Status to grpc::Status).
#pragma once

#include <string>

#include "huiyin/workflow/v1/workflow.grpc.pb.h"
#include "services/workflow/core.h"

namespace huiyin::workflow {

class WorkflowGrpcService final : public v1::WorkflowService::Service {
 public:
  WorkflowGrpcService(WorkflowCore& core, std::string internal_credential)
      : core_(core), credential_(std::move(internal_credential)) {}

  grpc::Status GetTask(grpc::ServerContext* context, const v1::GetTaskRequest* request,
                       v1::Task* response) override;
  grpc::Status ListTasks(grpc::ServerContext* context, const v1::ListTasksRequest* request,
                         v1::ListTasksResponse* response) override;
  grpc::Status AcknowledgeTask(grpc::ServerContext* context,
                               const v1::AcknowledgeTaskRequest* request,
                               v1::Task* response) override;
  grpc::Status SubmitPlan(grpc::ServerContext* context, const v1::SubmitPlanRequest* request,
                          v1::Task* response) override;
  grpc::Status RecordContact(grpc::ServerContext* context, const v1::RecordContactRequest* request,
                             v1::Contact* response) override;
  grpc::Status SendOpinion(grpc::ServerContext* context, const v1::SendOpinionRequest* request,
                           v1::Opinion* response) override;
  grpc::Status ReviewOpinion(grpc::ServerContext* context, const v1::ReviewOpinionRequest* request,
                             v1::Opinion* response) override;
  grpc::Status DraftAnswer(grpc::ServerContext* context, const v1::DraftAnswerRequest* request,
                           v1::Answer* response) override;
  grpc::Status UpdateDraft(grpc::ServerContext* context, const v1::UpdateDraftRequest* request,
                           v1::Answer* response) override;
  grpc::Status PrecheckAnswer(grpc::ServerContext* context,
                              const v1::PrecheckAnswerRequest* request,
                              v1::PrecheckAnswerResponse* response) override;
  grpc::Status ReviewAnswer(grpc::ServerContext* context, const v1::ReviewAnswerRequest* request,
                            v1::Answer* response) override;
  grpc::Status SignAnswer(grpc::ServerContext* context, const v1::SignAnswerRequest* request,
                          v1::Answer* response) override;
  grpc::Status IssueAnswer(grpc::ServerContext* context, const v1::IssueAnswerRequest* request,
                           v1::Answer* response) override;
  grpc::Status EvaluateAnswer(grpc::ServerContext* context,
                              const v1::EvaluateAnswerRequest* request,
                              v1::Answer* response) override;
  grpc::Status ReturnAnswer(grpc::ServerContext* context, const v1::ReturnAnswerRequest* request,
                            v1::Answer* response) override;
  grpc::Status FulfillCommitment(grpc::ServerContext* context,
                                 const v1::FulfillCommitmentRequest* request,
                                 v1::Commitment* response) override;
  grpc::Status ListOpenCommitments(grpc::ServerContext* context,
                                   const v1::ListOpenCommitmentsRequest* request,
                                   v1::ListOpenCommitmentsResponse* response) override;

 private:
  WorkflowCore& core_;
  std::string credential_;
};

}  // namespace huiyin::workflow
