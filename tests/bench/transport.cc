#include "tests/bench/transport.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <utility>
#include <vector>

#include <httplib.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status/errors.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "nlohmann/json.hpp"
#include "services/gateway/auth.h"
#include "services/gateway/route_table.h"
#include "services/gateway/transcoder.h"
#include "tests/bench/harness.h"

namespace huiyin::bench {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

constexpr auto kCallDeadline = std::chrono::seconds(30);

bool Anonymous(const Caller& caller) {
  return caller.role() == common::v1::ROLE_PUBLIC || caller.role() == common::v1::ROLE_UNSPECIFIED;
}

// ---------------------------------------------------------------------------------------------
// gRPC: the generic stub carries the serialized request, so one code path serves every method.
class GrpcTransport final : public Transport {
 public:
  explicit GrpcTransport(std::string credential) : credential_(std::move(credential)) {}

  void AddService(const std::string& service, const std::string& address, int connections) {
    auto& stubs = stubs_[service];
    for (auto& channel : MakeChannels(address, connections)) {
      stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
    }
  }

  std::string name() const override { return "gRPC"; }

  absl::Status Call(int worker, const MethodDescriptor& method, const Caller& caller,
                    const Message& request, Message& response) override {
    auto it = stubs_.find(method.service()->full_name());
    if (it == stubs_.end()) {
      return absl::FailedPreconditionError(
          absl::StrCat("no address for ", method.service()->full_name()));
    }
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    if (!Anonymous(caller)) AttachCaller(context, caller, credential_);
    std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer sent(&slice, 1);
    grpc::ByteBuffer received;
    grpc::Status status;
    grpc::CompletionQueue queue;
    auto call = it->second[worker % it->second.size()]->PrepareUnaryCall(
        &context, absl::StrCat("/", method.service()->full_name(), "/", method.name()), sent,
        &queue);
    call->StartCall();
    call->Finish(&received, &status, this);
    void* tag = nullptr;
    bool ok = false;
    queue.Next(&tag, &ok);
    queue.Shutdown();
    while (queue.Next(&tag, &ok)) {
    }
    if (!status.ok()) return FromGrpcStatus(status);
    std::vector<grpc::Slice> slices;
    if (!received.Dump(&slices).ok()) return absl::DataLossError("unreadable response");
    std::string out;
    for (const auto& s : slices) out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    if (!response.ParseFromString(out)) return absl::DataLossError("unparsable response");
    return absl::OkStatus();
  }

 private:
  std::string credential_;
  std::map<std::string, std::vector<std::unique_ptr<grpc::GenericStub>>> stubs_;
};

// ---------------------------------------------------------------------------------------------
// REST through the gateway.

// The value of a string field named by a dotted path ("answer.name"), "" when unset.
std::string FieldValue(const Message& message, const std::string& path) {
  const Message* at = &message;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? dot : dot - start);
    const FieldDescriptor* field = at->GetDescriptor()->FindFieldByName(part);
    if (field == nullptr || field->is_repeated()) return "";
    if (dot == std::string::npos) {
      return field->cpp_type() == FieldDescriptor::CPPTYPE_STRING
                 ? at->GetReflection()->GetString(*at, field)
                 : "";
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return "";
    at = &at->GetReflection()->GetMessage(*at, field);
    start = dot + 1;
  }
}

// The route's path with its variables ("/v1/{name=tasks/*}:acknowledge") filled from the request.
std::string ExpandPath(const gateway::Route& route, const Message& request) {
  const std::string& pattern = route.path.pattern();
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    size_t close = pattern.find('}', i);
    std::string variable = pattern.substr(i + 1, close - i - 1);
    out += FieldValue(request, variable.substr(0, variable.find('=')));
    i = close;
  }
  return out;
}

// The query string of a GET: every set scalar field of the request not bound by the path, by
// its JSON name (as the gateway reads it).
std::string QueryString(const gateway::Route& route, const Message& request) {
  std::vector<std::string> bound = route.path.variables();
  std::vector<const FieldDescriptor*> fields;
  request.GetReflection()->ListFields(request, &fields);
  const auto* reflection = request.GetReflection();
  std::string query;
  for (const FieldDescriptor* f : fields) {
    if (f->is_repeated() || std::find(bound.begin(), bound.end(), f->name()) != bound.end()) {
      continue;
    }
    std::string value;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        value = reflection->GetString(request, f);
        break;
      case FieldDescriptor::CPPTYPE_INT32:
        value = absl::StrCat(reflection->GetInt32(request, f));
        break;
      case FieldDescriptor::CPPTYPE_INT64:
        value = absl::StrCat(reflection->GetInt64(request, f));
        break;
      case FieldDescriptor::CPPTYPE_BOOL:
        value = reflection->GetBool(request, f) ? "true" : "false";
        break;
      case FieldDescriptor::CPPTYPE_ENUM:
        value = reflection->GetEnum(request, f)->name();
        break;
      default:
        continue;
    }
    absl::StrAppend(&query, query.empty() ? "?" : "&", f->json_name(), "=", UrlEncode(value));
  }
  return query;
}

// The gateway's JSON error ({"error": {"status": "NOT_FOUND", "message": …}}) as a status.
absl::Status ErrorFromBody(int http_status, const std::string& body) {
  auto parsed = json::parse(body, nullptr, false);
  std::string name, message = body.substr(0, 300);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
    name = parsed["error"].value("status", "");
    message = parsed["error"].value("message", message);
  }
  for (int code = 0; code <= 16; ++code) {
    if (absl::StatusCodeToString(static_cast<absl::StatusCode>(code)) == name) {
      return absl::Status(static_cast<absl::StatusCode>(code), message);
    }
  }
  return absl::UnknownError(absl::StrCat("HTTP ", http_status, ": ", message));
}

class RestTransport final : public Transport {
 public:
  RestTransport(gateway::RouteTable routes, std::string secret,
                std::vector<std::unique_ptr<httplib::Client>> clients)
      : routes_(std::move(routes)), secret_(std::move(secret)), clients_(std::move(clients)) {
    for (const auto& route : routes_.routes()) by_method_.emplace(route.method, &route);
  }

  std::string name() const override { return "REST"; }

  absl::Status Call(int worker, const MethodDescriptor& method, const Caller& caller,
                    const Message& request, Message& response) override {
    auto route = by_method_.find(&method);
    if (route == by_method_.end()) {
      return absl::UnimplementedError(absl::StrCat(method.full_name(), " has no HTTP route"));
    }
    const gateway::Route& r = *route->second;
    httplib::Headers headers;
    if (!Anonymous(caller)) {
      auto bearer = Bearer(caller);
      if (!bearer.ok()) return bearer.status();
      headers.emplace("Authorization", *bearer);
    }
    std::string path = ExpandPath(r, request);
    if (r.http_method != "GET" && r.http_method != "POST" && r.http_method != "PATCH") {
      return absl::UnimplementedError(absl::StrCat("HTTP ", r.http_method, " in the bench"));
    }
    httplib::Client& client = *clients_[worker % clients_.size()];
    httplib::Result res = [&] {
      if (r.http_method == "GET") return client.Get(path + QueryString(r, request), headers);
      std::string body = r.body == "*" ? gateway::ToJson(request) : BodyField(r, request);
      if (r.http_method == "PATCH") return client.Patch(path, headers, body, "application/json");
      return client.Post(path, headers, body, "application/json");
    }();
    if (!res) {
      return absl::UnavailableError(absl::StrCat("HTTP: ", httplib::to_string(res.error())));
    }
    if (res->status != 200) return ErrorFromBody(res->status, res->body);
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    auto parsed = google::protobuf::util::JsonStringToMessage(res->body, &response, options);
    if (!parsed.ok()) return absl::DataLossError(absl::StrCat("response: ", parsed.ToString()));
    return absl::OkStatus();
  }

 private:
  static std::string BodyField(const gateway::Route& route, const Message& request) {
    const FieldDescriptor* f = request.GetDescriptor()->FindFieldByName(route.body);
    if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) return "{}";
    return gateway::ToJson(request.GetReflection()->GetMessage(request, f));
  }

  // "Bearer …" for the caller, minted once and kept for the run.
  absl::StatusOr<std::string> Bearer(const Caller& caller) {
    std::string key = absl::StrCat(caller.principal(), "|", caller.role(), "|", caller.unit());
    std::lock_guard<std::mutex> lock(mu_);
    auto it = tokens_.find(key);
    if (it != tokens_.end()) return it->second;
    gateway::TokenClaims claims;
    claims.subject = caller.principal();
    claims.role = caller.role();
    claims.unit = caller.unit();
    claims.name = caller.display_name();
    auto token = gateway::IssueHs256Token(claims, secret_, absl::Now(), absl::Hours(12));
    if (!token.ok()) return token.status();
    return tokens_[key] = "Bearer " + *token;
  }

  gateway::RouteTable routes_;
  std::map<const MethodDescriptor*, const gateway::Route*> by_method_;
  std::string secret_;
  std::vector<std::unique_ptr<httplib::Client>> clients_;
  std::mutex mu_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Transport>> MakeGrpcTransport(
    const std::map<std::string, std::string>& addresses, const std::string& credential,
    int connections) {
  auto transport = std::make_unique<GrpcTransport>(credential);
  for (const auto& [service, address] : addresses) {
    if (address.empty())
      return absl::InvalidArgumentError(absl::StrCat("no address for ", service));
    transport->AddService(service, address, connections);
  }
  return transport;
}

absl::StatusOr<std::unique_ptr<Transport>> MakeRestTransport(int port,
                                                             const std::string& jwt_secret,
                                                             int workers) {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const char* name :
       {"huiyin.intake.v1.IntakeService", "huiyin.assignment.v1.AssignmentService",
        "huiyin.workflow.v1.WorkflowService", "huiyin.supervision.v1.SupervisionService",
        "huiyin.disclosure.v1.DisclosureService"}) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    if (service == nullptr) return absl::InternalError(absl::StrCat(name, " is not linked in"));
    services.push_back(service);
  }
  auto routes = gateway::RouteTable::Build(services);
  if (!routes.ok()) return routes.status();
  return std::make_unique<RestTransport>(*std::move(routes), jwt_secret,
                                         MakeHttpClients(port, workers));
}

const google::protobuf::MethodDescriptor& ContractMethod(const std::string& full_name) {
  const auto* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
  if (method == nullptr) {
    std::cerr << "huiyin-bench: " << full_name << " is not linked in\n";
    std::abort();
  }
  return *method;
}

}  // namespace huiyin::bench
