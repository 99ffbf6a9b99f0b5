#include "services/workflow/grpc_service.h"

#include "common/identity/authenticated_call.h"

namespace huiyin::workflow {

grpc::Status WorkflowGrpcService::GetTask(grpc::ServerContext* context,
                                          const v1::GetTaskRequest* request, v1::Task* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return core_.GetTask(caller, *request); });
}

grpc::Status WorkflowGrpcService::ListTasks(grpc::ServerContext* context,
                                            const v1::ListTasksRequest* request,
                                            v1::ListTasksResponse* response) {
  return AuthenticatedCall(*context, credential_, response,
                           [&](const Caller& caller) { return core_.ListTasks(caller, *request); });
}

grpc::Status WorkflowGrpcService::AcknowledgeTask(grpc::ServerContext* context,
                                                  const v1::AcknowledgeTaskRequest* request,
                                                  v1::Task* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.AcknowledgeTask(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::SubmitPlan(grpc::ServerContext* context,
                                             const v1::SubmitPlanRequest* request,
                                             v1::Task* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.SubmitPlan(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::RecordContact(grpc::ServerContext* context,
                                                const v1::RecordContactRequest* request,
                                                v1::Contact* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.RecordContact(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::SendOpinion(grpc::ServerContext* context,
                                              const v1::SendOpinionRequest* request,
                                              v1::Opinion* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.SendOpinion(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::ReviewOpinion(grpc::ServerContext* context,
                                                const v1::ReviewOpinionRequest* request,
                                                v1::Opinion* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ReviewOpinion(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::DraftAnswer(grpc::ServerContext* context,
                                              const v1::DraftAnswerRequest* request,
                                              v1::Answer* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.DraftAnswer(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::UpdateDraft(grpc::ServerContext* context,
                                              const v1::UpdateDraftRequest* request,
                                              v1::Answer* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.UpdateDraft(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::PrecheckAnswer(grpc::ServerContext* context,
                                                 const v1::PrecheckAnswerRequest* request,
                                                 v1::PrecheckAnswerResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.PrecheckAnswer(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::ReviewAnswer(grpc::ServerContext* context,
                                               const v1::ReviewAnswerRequest* request,
                                               v1::Answer* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ReviewAnswer(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::SignAnswer(grpc::ServerContext* context,
                                             const v1::SignAnswerRequest* request,
                                             v1::Answer* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.SignAnswer(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::IssueAnswer(grpc::ServerContext* context,
                                              const v1::IssueAnswerRequest* request,
                                              v1::Answer* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.IssueAnswer(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::EvaluateAnswer(grpc::ServerContext* context,
                                                 const v1::EvaluateAnswerRequest* request,
                                                 v1::Answer* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.EvaluateAnswer(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::ReturnAnswer(grpc::ServerContext* context,
                                               const v1::ReturnAnswerRequest* request,
                                               v1::Answer* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ReturnAnswer(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::FulfillCommitment(grpc::ServerContext* context,
                                                    const v1::FulfillCommitmentRequest* request,
                                                    v1::Commitment* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.FulfillCommitment(caller, *request);
  });
}

grpc::Status WorkflowGrpcService::ListOpenCommitments(grpc::ServerContext* context,
                                                      const v1::ListOpenCommitmentsRequest* request,
                                                      v1::ListOpenCommitmentsResponse* response) {
  return AuthenticatedCall(*context, credential_, response, [&](const Caller& caller) {
    return core_.ListOpenCommitments(caller, *request);
  });
}

}  // namespace huiyin::workflow
