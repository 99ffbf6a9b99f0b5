#include "services/gateway/backends.h"

#include <future>

#include "absl/strings/str_cat.h"
#include "common/base/log.h"
#include "common/status/errors.h"
#include "common/tls/grpc_credentials.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "huiyin/assignment/v1/assignment.grpc.pb.h"
#include "huiyin/disclosure/v1/disclosure.grpc.pb.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"
#include "huiyin/supervision/v1/exports.grpc.pb.h"
#include "huiyin/supervision/v1/notices.grpc.pb.h"
#include "huiyin/supervision/v1/returns.grpc.pb.h"
#include "huiyin/supervision/v1/scores.grpc.pb.h"
#include "huiyin/supervision/v1/supervision.grpc.pb.h"
#include "huiyin/workflow/v1/workflow.grpc.pb.h"

namespace huiyin::gateway {

std::unique_ptr<Backends> Backends::Create(const config::v1::Config& config) {
  auto backends = std::make_unique<Backends>();
  auto add = [&](std::string name, const google::protobuf::ServiceDescriptor* service,
                 const std::string& address) {
    // One channel per process: services served by the same backend share it.
    std::shared_ptr<grpc::Channel> channel;
    for (const auto& b : backends->backends_) {
      if (b.address == address) channel = b.channel;
    }
    if (channel == nullptr) {
      grpc::ChannelArguments args;
      args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
      channel = ServiceChannel(address, config.tls(), args);
    }
    backends->backends_.push_back({std::move(name), service, address, std::move(channel)});
  };
  // One line per service behind the gateway.
  add("intake", intake::v1::Item::descriptor()->file()->FindServiceByName("IntakeService"),
      config.gateway().intake_address());
  add("assignment",
      assignment::v1::Unit::descriptor()->file()->FindServiceByName("AssignmentService"),
      config.gateway().assignment_address());
  add("workflow", workflow::v1::Task::descriptor()->file()->FindServiceByName("WorkflowService"),
      config.gateway().workflow_address());
  add("supervision",
      supervision::v1::LedgerEntry::descriptor()->file()->FindServiceByName("SupervisionService"),
      config.gateway().supervision_address());
  add("supervision-returns",
      supervision::v1::Verification::descriptor()->file()->FindServiceByName("ReturnService"),
      config.gateway().supervision_address());
  add("supervision-notices",
      supervision::v1::Notice::descriptor()->file()->FindServiceByName("NoticeService"),
      config.gateway().supervision_address());
  add("supervision-scores",
      supervision::v1::UnitScore::descriptor()->file()->FindServiceByName("ScoreService"),
      config.gateway().supervision_address());
  add("supervision-exports",
      supervision::v1::ExportFormat_descriptor()->file()->FindServiceByName("ExportService"),
      config.gateway().supervision_address());
  add("disclosure",
      disclosure::v1::Disclosure::descriptor()->file()->FindServiceByName("DisclosureService"),
      config.gateway().disclosure_address());
  return backends;
}

std::vector<const google::protobuf::ServiceDescriptor*> Backends::services() const {
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const auto& b : backends_) out.push_back(b.service);
  return out;
}

const Backend* Backends::For(const google::protobuf::ServiceDescriptor* service) const {
  for (const auto& b : backends_) {
    if (b.service == service) return &b;
  }
  return nullptr;
}

absl::Status Backends::Call(const google::protobuf::MethodDescriptor& method,
                            const std::string& grpc_path, const google::protobuf::Message& request,
                            google::protobuf::Message& response, const CallOptions& options) const {
  const Backend* backend = For(method.service());
  if (backend == nullptr)
    return absl::InternalError("no backend for " + method.service()->full_name());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + options.deadline));
  if (options.caller != nullptr) {
    AttachCaller(context, *options.caller, options.internal_credential);
  }
  if (!options.request_id.empty()) context.AddMetadata("x-request-id", options.request_id);

  std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::GenericStub stub(backend->channel);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, grpc_path, grpc::StubOptions(), &request_buffer, &response_buffer,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    // Our services always attach details; a bare UNAVAILABLE or DEADLINE_EXCEEDED comes from
    // the transport, and its text (addresses, socket errors) is for the log, not the client.
    bool transport = status.error_details().empty() &&
                     (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                      status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
    if (!transport) return FromGrpcStatus(status);
    LogWarn("backend call failed", {{"backend", backend->name},
                                    {"method", grpc_path},
                                    {"code", static_cast<int>(status.error_code())},
                                    {"error", status.error_message()}});
    return status.error_code() == grpc::StatusCode::UNAVAILABLE
               ? absl::UnavailableError(absl::StrCat(backend->name, " is unavailable; retry later"))
               : absl::DeadlineExceededError(absl::StrCat(backend->name, " did not answer in time"));
  }
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok())
    return absl::InternalError("unreadable backend response");
  std::string out;
  for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (!response.ParseFromString(out)) return absl::InternalError("unparsable backend response");
  return absl::OkStatus();
}

absl::Status Backends::CheckHealth(absl::Duration deadline) const {
  for (const auto& b : backends_) {
    auto stub = grpc::health::v1::Health::NewStub(b.channel);
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    grpc::health::v1::HealthCheckResponse response;
    grpc::Status s = stub->Check(&context, {}, &response);
    if (!s.ok() || response.status() != grpc::health::v1::HealthCheckResponse::SERVING) {
      LogWarn("backend not ready", {{"backend", b.name}, {"address", b.address},
                                    {"error", s.error_message()}});
      return absl::UnavailableError(absl::StrCat(b.name, " is not serving"));
    }
  }
  return absl::OkStatus();
}

}  // namespace huiyin::gateway
