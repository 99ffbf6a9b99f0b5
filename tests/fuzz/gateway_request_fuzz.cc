// The gateway's reading of a request (services/gateway), from the raw bytes of an HTTP/1.1
// request: cpp-httplib parses it as the gateway's server does (request line, headers, percent-
// decoding of the path, the query string, the body), then the gateway's own steps run as
// HttpGateway::Transcode runs them, up to the backend call: the route from the table the gateway
// builds from the services' annotations, authentication (an HS256 secret and one API key), and
// the request message from path variables, query parameters and the JSON body.
//
// Properties: a 405 lists only other methods; authentication answers OK or UNAUTHENTICATED, and a
// caller comes only from a token whose HS256 signature verifies or from the configured key;
// building the request answers OK or INVALID_ARGUMENT naming a field; an accepted request prints
// as JSON that parses back to the same message, and carries the resource its path names.
#include <openssl/hmac.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "google/protobuf/util/field_comparator.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "httplib.h"
#include "services/gateway/auth.h"
#include "services/gateway/backends.h"
#include "services/gateway/http_body.h"
#include "services/gateway/route_table.h"
#include "services/gateway/transcoder.h"
#include "tests/fuzz/fuzz_checks.h"

namespace huiyin::gateway {
namespace {

// tests/fuzz/corpus/gateway_request_fuzz holds tokens signed with this secret, valid at kNow.
constexpr char kSecret[] = "huiyin-fuzz-hs256-secret-0123456789abcdef";
constexpr char kApiKey[] = "cppcc-online-fuzz-key";
const absl::Time kNow = absl::FromUnixSeconds(1795000000);  // 2026-11-18

// The request's bytes in, the response's bytes out.
class BytesStream : public httplib::Stream {
 public:
  explicit BytesStream(std::string_view in) : in_(in) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size = std::min(size, in_.size());
    std::copy_n(in_.data(), size, ptr);
    in_.remove_prefix(size);
    return static_cast<ssize_t>(size);
  }
  ssize_t write(const char*, size_t size) override { return static_cast<ssize_t>(size); }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 40000;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = "127.0.0.1";
    port = 8080;
  }
  socket_t socket() const override { return INVALID_SOCKET; }

 private:
  std::string_view in_;
};

struct Gateway {
  RouteTable routes;
  std::unique_ptr<Authenticator> auth;
};

const Gateway& TheGateway() {
  static const Gateway* gateway = [] {
    config::v1::Config config;
    auto routes = RouteTable::Build(Backends::Create(config)->services());
    if (!routes.ok()) std::abort();
    char keys[] = "/tmp/huiyin-fuzz-keys-XXXXXX";
    int fd = mkstemp(keys);
    if (fd < 0) std::abort();
    close(fd);
    std::ofstream(keys) << R"({"sha256": ")" << Sha256Hex(kApiKey)
                        << R"(", "principal": "systems/cppcc", "role": "ROLE_SYSTEM"})" << "\n";
    config.mutable_gateway()->set_jwt_hs256_secret(kSecret);
    config.mutable_gateway()->set_api_keys_file(keys);
    auto auth = Authenticator::Create(config.gateway());
    unlink(keys);
    if (!auth.ok()) std::abort();
    return new Gateway{*std::move(routes), *std::move(auth)};
  }();
  return *gateway;
}

bool SignatureVerifies(const std::string& token) {
  const size_t last_dot = token.rfind('.');
  if (last_dot == std::string::npos) return false;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kSecret, sizeof kSecret - 1,
       reinterpret_cast<const unsigned char*>(token.data()), last_dot, mac, &length);
  std::string signature;
  return absl::WebSafeBase64Unescape(token.substr(last_dot + 1), &signature) &&
         signature == std::string(reinterpret_cast<const char*>(mac), length);
}

void CheckAuthentication(const httplib::Request& req) {
  const std::string authorization = req.get_header_value("Authorization");
  const std::string api_key = req.get_header_value("X-Api-Key");
  auto caller = TheGateway().auth->Authenticate(authorization, api_key, kNow);
  if (!caller.ok()) {
    FUZZ_CHECK(caller.status().code() == absl::StatusCode::kUnauthenticated,
               "authentication answered " + caller.status().ToString());
    return;
  }
  if (!caller->has_value()) {
    FUZZ_CHECK(authorization.empty() && api_key.empty(), "a credential was taken for none");
    return;
  }
  const Caller& who = **caller;
  FUZZ_CHECK(!who.principal().empty() && who.role() != common::v1::ROLE_UNSPECIFIED,
             "an authenticated caller has no principal or role");
  if (!api_key.empty()) {
    FUZZ_CHECK(api_key == kApiKey, "an unknown API key was accepted");
  } else {
    std::string token = authorization.substr(7);
    token = std::string(absl::StripAsciiWhitespace(token));
    FUZZ_CHECK(SignatureVerifies(token), "a token was accepted without a valid signature");
  }
}

// The string value at a dotted field path, as SetFieldByPath would have set it.
const std::string* StringAt(const google::protobuf::Message& message, const std::string& path) {
  const google::protobuf::Message* m = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto* f = m->GetDescriptor()->FindFieldByName(parts[i]);
    if (f == nullptr || f->is_repeated()) return nullptr;
    if (i + 1 == parts.size()) {
      if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) return nullptr;
      static thread_local std::string scratch;
      scratch = m->GetReflection()->GetString(*m, f);
      return &scratch;
    }
    m = &m->GetReflection()->GetMessage(*m, f);
  }
  return nullptr;
}

void CheckRequest(const RouteTable::Match& match, const httplib::Request& req) {
  const Route& route = *match.route;
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(route.method->input_type())->New());
  std::multimap<std::string, std::string> query(req.params.begin(), req.params.end());
  const absl::Status built = BuildRequest(route, match.bindings, query, req.body, *request);
  fuzz::CheckValidation(built, {""}, "BuildRequest " + route.grpc_path);
  if (!built.ok()) return;

  for (const auto& [field, value] : match.bindings) {
    const std::string* bound = StringAt(*request, field);
    FUZZ_CHECK(bound == nullptr || *bound == value,
               "the request does not carry the resource its path names: " + field);
  }
  const std::string json = ToJson(*request);
  std::unique_ptr<google::protobuf::Message> again(request->New());
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, again.get());
  FUZZ_CHECK(parsed.ok(), "the request's own JSON does not parse: " + json);
  google::protobuf::util::DefaultFieldComparator nan_is_nan;
  nan_is_nan.set_treat_nan_as_equal(true);
  google::protobuf::util::MessageDifferencer differencer;
  differencer.set_field_comparator(&nan_is_nan);
  FUZZ_CHECK(differencer.Compare(*request, *again),
             "JSON → protobuf → JSON changed the request: " + json);
}

void Handle(const httplib::Request& req, httplib::Response& res) {
  const Gateway& gateway = TheGateway();
  const RouteTable::Match match = gateway.routes.Find(req.method, req.path);
  if (match.route == nullptr) {
    if (match.method_not_allowed) {
      FUZZ_CHECK(!match.allowed_methods.empty(), "405 without an allowed method");
      for (const auto& m : match.allowed_methods) {
        FUZZ_CHECK(m != req.method, "405 for a method the path allows: " + m);
      }
    }
    res.status = match.method_not_allowed ? 405 : 404;
    return;
  }
  FUZZ_CHECK(match.route->http_method == req.method, "a route of another method matched");
  CheckAuthentication(req);
  CheckRequest(match, req);
  (void)NotModified(req.get_header_value("If-None-Match"), req.get_header_value("If-Modified-Since"),
                    "3f2a9c", kNow);
  res.status = 200;
}

// httplib's request parser is reached through its server's protected process_request.
class FuzzServer : public httplib::Server {
 public:
  FuzzServer() {
    Get(".*", Handle);
    Post(".*", Handle);
    Put(".*", Handle);
    Patch(".*", Handle);
    Delete(".*", Handle);
    set_payload_max_length(1 << 20);
  }
  void Serve(std::string_view bytes) {
    BytesStream stream(bytes);
    bool closed = false;
    process_request(stream, /*close_connection=*/true, closed, nullptr);
  }
};

}  // namespace
}  // namespace huiyin::gateway

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* server = new huiyin::gateway::FuzzServer();
  server->Serve(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
