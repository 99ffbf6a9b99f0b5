// One call of a method of Huiyin's contracts, either over gRPC straight to the service (the
// internal credential and the caller in metadata, as another service or a trusted system calls)
// or over REST through the gateway (the caller's HS256 JWT, as a browser or an office's system
// calls). The route, body and query of the REST call come from the method's google.api.http rule
// in the compiled descriptors, as the gateway reads them, so the synthetic year (year.h) is
// written once for both transports and cannot drift from the contracts.
//
//   auto grpc = MakeGrpcTransport({{"huiyin.intake.v1.IntakeService", "127.0.0.1:7101"}},
//                                 credential, 8);
//   intake::v1::Item item;
//   absl::Status s = (*grpc)->Call(worker,
//   ContractMethod("huiyin.intake.v1.IntakeService.SubmitItem"),
//                                  proposer, request, item);
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/identity/caller.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace huiyin::bench {

class Transport {
 public:
  virtual ~Transport() = default;
  // "gRPC" or "REST", for the names of rows.
  virtual std::string name() const = 0;
  // Calls `method` as `caller` (anonymously when the caller's role is ROLE_PUBLIC). `worker`
  // picks the connection, so that concurrent workers do not queue behind one another's calls.
  virtual absl::Status Call(int worker, const google::protobuf::MethodDescriptor& method,
                            const Caller& caller, const google::protobuf::Message& request,
                            google::protobuf::Message& response) = 0;
};

// `addresses`: service full name ("huiyin.intake.v1.IntakeService") → "host:port". Calls of
// worker w go over connection w % `connections` of the method's service.
absl::StatusOr<std::unique_ptr<Transport>> MakeGrpcTransport(
    const std::map<std::string, std::string>& addresses, const std::string& credential,
    int connections);

// One keep-alive connection to the gateway on 127.0.0.1:`port` per worker (`workers` of them);
// tokens are minted with `jwt_secret` once per caller and reused.
absl::StatusOr<std::unique_ptr<Transport>> MakeRestTransport(int port,
                                                             const std::string& jwt_secret,
                                                             int workers);

// A method of the contracts by full name ("huiyin.workflow.v1.WorkflowService.AcknowledgeTask");
// aborts when it is not linked in, which is a bug of the bench, not of the run.
const google::protobuf::MethodDescriptor& ContractMethod(const std::string& full_name);

}  // namespace huiyin::bench
