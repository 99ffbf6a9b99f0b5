#include "services/gateway/http_gateway.h"

#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/log.h"
#include "common/status/errors.h"
#include "common/tls/https_context.h"
#include "common/tls/tls_config.h"
#include "google/protobuf/message.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "prometheus/text_serializer.h"
#include "services/gateway/http_body.h"
#include "services/gateway/http_errors.h"
#include "services/gateway/openapi.h"
#include "services/gateway/transcoder.h"

namespace huiyin::gateway {
namespace {

constexpr char kJson[] = "application/json; charset=utf-8";
constexpr char kPrivate[] = "private, no-store";

std::string RequestIdFor(const httplib::Request& req) {
  std::string given = req.get_header_value("X-Request-Id");
  bool usable =
      !given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](char c) {
        return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.';
      });
  if (usable) return given;
  static thread_local absl::BitGen bitgen;
  return absl::StrCat(absl::Hex(absl::Uniform<uint64_t>(bitgen), absl::kZeroPad16),
                      absl::Hex(absl::Uniform<uint64_t>(bitgen), absl::kZeroPad16));
}

// httplib listens with a backlog of 5 (compiled into Debian's library), which drops
// connections under load. Linux lets a second listen() on the bound socket raise it.
void RaiseListenBacklog(int port) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  while (dirent* entry = readdir(dir)) {
    int fd = 0;
    if (!absl::SimpleAtoi(entry->d_name, &fd)) continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    int listening = 0;
    socklen_t optlen = sizeof listening;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) continue;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || !listening) continue;
    int bound = addr.ss_family == AF_INET ? ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port)
                : addr.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                    : -1;
    if (bound == port) listen(fd, 4096);
  }
  closedir(dir);
}

// HTTPS when the TLS section names a certificate for it (common/tls/https_context.h), else HTTP.
std::unique_ptr<httplib::Server> MakeHttpServer(const config::v1::TlsConfig& tls) {
  if (!HttpsEnabled(tls)) return std::make_unique<httplib::Server>();
  return std::make_unique<httplib::SSLServer>(
      [&tls](SSL_CTX& ctx) { return ConfigureHttpsContext(ctx, tls); });
}

// The id given to the request by the pre-routing handler (every response carries it).
std::string RequestIdOf(const httplib::Request& req, const httplib::Response& res) {
  std::string id = res.get_header_value("X-Request-Id");
  return id.empty() ? RequestIdFor(req) : id;
}

// If-Match → the etag a request carries: "*" matches any version (no etag), W/ and quotes go.
std::string EtagFromIfMatch(std::string value) {
  value = std::string(absl::StripAsciiWhitespace(value));
  if (value == "*") return "";
  if (value.rfind("W/", 0) == 0) value = value.substr(2);
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    value = value.substr(1, value.size() - 2);
  }
  return value;
}

std::multimap<std::string, std::string> QueryOf(const httplib::Request& req) {
  return {req.params.begin(), req.params.end()};
}

int HttpThreadsOf(const config::v1::GatewayConfig& gateway) {
  return std::max(4, gateway.http_threads());
}

constexpr char kDisclosureService[] = "huiyin.disclosure.v1.DisclosureService";

bool IsDisclosure(const Route& route) {
  return route.method->service()->full_name() == kDisclosureService;
}

// The resource's own etag, if the message has one.
std::string EtagOf(const google::protobuf::Message& message) {
  const auto* field = message.GetDescriptor()->FindFieldByName("etag");
  if (field == nullptr || field->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      field->is_repeated()) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

}  // namespace

HttpGateway::HttpGateway(config::v1::Config config, std::unique_ptr<Backends> backends,
                         std::unique_ptr<Authenticator> auth, RouteTable routes, const Clock& clock)
    : config_(std::move(config)),
      backends_(std::move(backends)),
      auth_(std::move(auth)),
      routes_(std::move(routes)),
      clock_(clock),
      limiter_(config_.gateway().rate_limit_per_second(), config_.gateway().rate_limit_burst()),
      admission_(MaxInFlightFor(config_.gateway(), HttpThreadsOf(config_.gateway()))),
      registry_(std::make_shared<prometheus::Registry>()) {
  for (absl::string_view origin : absl::StrSplit(config_.gateway().cors_allowed_origins(), ',')) {
    origin = absl::StripAsciiWhitespace(origin);
    if (!origin.empty()) cors_origins_.emplace_back(origin);
  }
  openapi_json_ = OpenApiDocument(routes_).dump(2);
  requests_ = &prometheus::BuildCounter()
                   .Name("huiyin_http_requests_total")
                   .Help("HTTP requests served by the gateway, by route template and status.")
                   .Register(*registry_);
  latency_ = &prometheus::BuildHistogram()
                  .Name("huiyin_http_request_seconds")
                  .Help("Time to answer an HTTP request, by route template.")
                  .Register(*registry_);
  auto& shed = prometheus::BuildCounter()
                   .Name("huiyin_http_shed_total")
                   .Help(
                       "Requests refused to protect the gateway and the backends: reason "
                       "\"overload\" (503, too many in flight) or \"rate_limit\" (429, one "
                       "client over its rate).")
                   .Register(*registry_);
  // Both series exist from the start, so that rates and alerts see a 0 rather than nothing.
  shed_overload_ = &shed.Add({{"reason", "overload"}});
  shed_rate_limit_ = &shed.Add({{"reason", "rate_limit"}});
  in_flight_ = &prometheus::BuildGauge()
                    .Name("huiyin_http_in_flight_requests")
                    .Help("Requests in flight to the backends now.")
                    .Register(*registry_)
                    .Add({});
}

HttpGateway::~HttpGateway() { Stop(); }

void HttpGateway::Observe(const std::string& route, const httplib::Request& req, int status,
                          absl::Time start) {
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  requests_->Add({{"route", route}, {"method", req.method}, {"code", std::to_string(status)}})
      .Increment();
  latency_
      ->Add({{"route", route}},
            prometheus::Histogram::BucketBoundaries{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                    0.25, 0.5, 1, 2.5, 5})
      .Observe(seconds);
}

void HttpGateway::Fail(httplib::Response& res, const absl::Status& status,
                       const std::string& request_id, int http_status) {
  res.status = http_status != 0 ? http_status : HttpStatusFor(status.code());
  res.set_content(ErrorBody(status, request_id, res.status), kJson);
}

bool HttpGateway::OriginAllowed(const httplib::Request& req) const {
  std::string origin = req.get_header_value("Origin");
  return origin.empty() ||
         std::find(cors_origins_.begin(), cors_origins_.end(), origin) != cors_origins_.end();
}

void HttpGateway::ApplyCors(const httplib::Request& req, httplib::Response& res) {
  std::string origin = req.get_header_value("Origin");
  if (origin.empty() || !OriginAllowed(req)) return;
  res.set_header("Access-Control-Allow-Origin", origin);
  res.set_header("Vary", "Origin");
  res.set_header("Access-Control-Expose-Headers",
                 "X-Request-Id, ETag, Last-Modified, Content-Disposition, Retry-After");
}

bool HttpGateway::Throttled(const std::string& client, httplib::Response& res,
                            const std::string& request_id) {
  absl::Duration wait = limiter_.Acquire(client, clock_.Now());
  if (wait <= absl::ZeroDuration()) return false;
  int64_t seconds = std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(wait, absl::Seconds(1))));
  res.set_header("Retry-After", std::to_string(seconds));
  Fail(res, absl::ResourceExhaustedError("too many requests from this client; retry later"),
       request_id);
  shed_rate_limit_->Increment();
  return true;
}

void HttpGateway::Shed(httplib::Response& res, const std::string& request_id) {
  shed_overload_->Increment();
  res.set_header("Retry-After", "1");
  Fail(res, absl::UnavailableError("the gateway is busy; retry later"), request_id);
}

void HttpGateway::AddBuiltinRoutes() {
  auto& s = *server_;
  // Every response, whatever answers it, carries the request id.
  s.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    res.set_header("X-Request-Id", RequestIdFor(req));
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s.Get("/healthz", [this](const httplib::Request& req, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", kJson);
    Observe("/healthz", req, 200, absl::Now());
  });
  s.Get("/readyz", [this](const httplib::Request& req, httplib::Response& res) {
    absl::Status s = backends_->CheckHealth(absl::Seconds(2));
    if (s.ok()) {
      res.set_content(R"({"status":"ready"})", kJson);
    } else {
      Fail(res, s, RequestIdOf(req, res));
    }
    Observe("/readyz", req, res.status, absl::Now());
  });
  s.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(prometheus::TextSerializer().Serialize(registry_->Collect()),
                    "text/plain; version=0.0.4; charset=utf-8");
  });
  s.Get("/openapi.json", [this](const httplib::Request& req, httplib::Response& res) {
    ApplyCors(req, res);
    Observe("/openapi.json", req, 200, absl::Now());
    res.set_content(openapi_json_, kJson);
  });
  auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
  s.Get(".*", handler);
  s.Post(".*", handler);
  s.Put(".*", handler);
  s.Patch(".*", handler);
  s.Delete(".*", handler);
  s.Options(".*", handler);
  // Errors httplib raises itself (413 body too large, 400 bad request line) get the same shape.
  s.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                  httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    std::string message =
        res.status == 413 ? absl::StrCat("request body is larger than ",
                                         config_.gateway().max_body_bytes(), " bytes")
                          : absl::StrCat("the request could not be read (HTTP ", res.status, ")");
    Fail(res, absl::Status(StatusCodeForHttp(res.status), message), RequestIdOf(req, res),
         res.status);
    Observe("unmatched", req, res.status, absl::Now());
    return httplib::Server::HandlerResponse::Handled;
  }));
}

void HttpGateway::Handle(const httplib::Request& req, httplib::Response& res) {
  absl::Time start = absl::Now();
  std::string request_id = RequestIdOf(req, res);
  bool preflight = req.method == "OPTIONS";
  auto match = routes_.Find(
      preflight ? req.get_header_value("Access-Control-Request-Method") : req.method, req.path);
  std::string route = match.route != nullptr ? match.route->path.pattern() : "unmatched";
  if (preflight) {
    if (!OriginAllowed(req) || req.get_header_value("Origin").empty() || match.route == nullptr) {
      Fail(res, PermissionDenied("origin or method not allowed"), request_id, 403);
    } else {
      ApplyCors(req, res);
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", match.route->http_method);
      res.set_header(
          "Access-Control-Allow-Headers",
          "Authorization, Content-Type, X-Api-Key, X-Request-Id, If-Match, If-None-Match");
      res.set_header("Access-Control-Max-Age", "600");
    }
  } else if (match.route == nullptr) {
    ApplyCors(req, res);
    if (!Throttled("ip:" + req.remote_addr, res, request_id)) {
      if (match.method_not_allowed) {
        res.set_header("Allow", absl::StrJoin(match.allowed_methods, ", "));
        Fail(res,
             absl::UnimplementedError(absl::StrCat(req.method, " is not allowed on ", req.path)),
             request_id, 405);
      } else {
        Fail(res, NotFound(req.path), request_id, 404);
      }
    }
  } else if (auto ticket = admission_.TryAdmit()) {
    ApplyCors(req, res);
    in_flight_->Increment();
    Transcode(match, req, res, request_id);
    in_flight_->Decrement();
  } else {
    ApplyCors(req, res);
    Shed(res, request_id);
  }
  Observe(route, req, res.status, start);
  LogInfo("http", {{"request_id", request_id},
                   {"method", req.method},
                   {"route", route},
                   {"status", res.status},
                   {"remote", req.remote_addr},
                   {"ms", absl::ToDoubleMilliseconds(absl::Now() - start)}});
}

void HttpGateway::Transcode(const RouteTable::Match& match, const httplib::Request& req,
                            httplib::Response& res, const std::string& request_id) {
  const Route& route = *match.route;
  auto caller = auth_->Authenticate(req.get_header_value("Authorization"),
                                    req.get_header_value("X-Api-Key"), clock_.Now());
  // Anonymous and failed attempts count against the address, so guessing keys is throttled too.
  bool known = caller.ok() && caller->has_value();
  if (Throttled(known ? (*caller)->principal() : "ip:" + req.remote_addr, res, request_id)) return;
  if (!caller.ok()) {
    res.set_header("WWW-Authenticate", "Bearer");
    return Fail(res, caller.status(), request_id);
  }
  if (!known && !route.allow_anonymous) {
    res.set_header("WWW-Authenticate", "Bearer");
    return Fail(res, Unauthenticated("a bearer token or an API key is required"), request_id);
  }
  const bool cacheable = Cacheable(route, req, known);
  const uint64_t version = cacheable ? public_cache_->version() : 0;
  const std::string cache_key = cacheable ? absl::StrCat(route.grpc_path, " ", req.target) : "";
  if (cacheable) {
    if (auto hit = public_cache_->Find(cache_key, version)) return ServePublic(*hit, req, res);
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(route.method->input_type())->New());
  std::unique_ptr<google::protobuf::Message> response(
      factory->GetPrototype(route.method->output_type())->New());
  if (auto s = BuildRequest(route, match.bindings, QueryOf(req), req.body, *request); !s.ok()) {
    return Fail(res, s, request_id);
  }
  const auto* etag_field = request->GetDescriptor()->FindFieldByName("etag");
  std::string if_match = EtagFromIfMatch(req.get_header_value("If-Match"));
  if (etag_field != nullptr && !if_match.empty()) {
    request->GetReflection()->SetString(request.get(), etag_field, if_match);
  }
  CallOptions options;
  options.caller = known ? &**caller : nullptr;
  options.internal_credential = config_.server().internal_credential();
  options.request_id = request_id;
  options.deadline = absl::Milliseconds(config_.gateway().backend_deadline_ms());
  absl::Status called =
      backends_->Call(*route.method, route.grpc_path, *request, *response, options);
  // A write to disclosure may change what the public sees: whoever made it reads the new state
  // at once, without waiting for the feed to show it.
  if (public_cache_ != nullptr && req.method != "GET" && IsDisclosure(route)) {
    public_cache_->Changed();
  }
  if (!called.ok()) {
    if (called.code() == absl::StatusCode::kUnavailable) res.set_header("Retry-After", "1");
    return Fail(res, called, request_id);
  }
  if (!known && req.method == "GET") {
    auto rendered = RenderPublic(*response);
    ServePublic(*rendered, req, res);
    if (cacheable) public_cache_->Insert(cache_key, version, std::move(rendered));
    return;
  }
  if (IsHttpBody(*route.method->output_type())) return WriteHttpBody(*response, known, res);
  WriteJson(*response, known, res);
}

bool HttpGateway::Cacheable(const Route& route, const httplib::Request& req,
                            bool authenticated) const {
  return public_cache_ != nullptr && !authenticated && req.method == "GET" &&
         route.allow_anonymous && IsDisclosure(route) && !req.has_header("If-Match");
}

std::string HttpGateway::PublicCacheControl() const {
  int seconds = config_.gateway().public_cache_seconds();
  return seconds > 0 ? absl::StrCat("public, max-age=", seconds) : "no-cache";
}

// What a person or system reads with its credential may hold personal data: no cache keeps it.
void HttpGateway::WriteHttpBody(const google::protobuf::Message& message, bool authenticated,
                                httplib::Response& res) const {
  common::v1::HttpBody body;
  body.CopyFrom(message);
  if (authenticated) body.set_cache_control(kPrivate);
  for (const auto& [name, value] : HttpBodyHeaders(body, PublicCacheControl())) {
    res.set_header(name, value);
  }
  res.status = 200;
  res.set_content(body.data(),
                  body.content_type().empty() ? "application/octet-stream" : body.content_type());
}

void HttpGateway::WriteJson(const google::protobuf::Message& response, bool authenticated,
                            httplib::Response& res) const {
  std::string etag = EtagOf(response);
  if (authenticated) res.set_header("Cache-Control", kPrivate);
  if (!etag.empty()) res.set_header("ETag", absl::StrCat("\"", etag, "\""));
  res.status = 200;
  res.set_content(ToJson(response), kJson);
}

// What the public reads may be cached anywhere and is revalidated by its validators (the
// resource's own etag, or a hash of the body).
std::shared_ptr<const PublicResponse> HttpGateway::RenderPublic(
    const google::protobuf::Message& response) const {
  auto out = std::make_shared<PublicResponse>();
  if (IsHttpBody(*response.GetDescriptor())) {
    common::v1::HttpBody body;
    body.CopyFrom(response);
    out->headers = HttpBodyHeaders(body, PublicCacheControl());
    out->etag = body.etag();
    if (body.has_last_modified()) {
      out->last_modified = absl::FromUnixSeconds(body.last_modified().seconds());
    }
    out->content_type =
        body.content_type().empty() ? "application/octet-stream" : body.content_type();
    out->body = std::move(*body.mutable_data());
    return out;
  }
  out->body = ToJson(response);
  out->etag = EtagOf(response);
  if (out->etag.empty()) out->etag = BodyEtag(out->body);
  out->content_type = kJson;
  out->headers = {{"Cache-Control", PublicCacheControl()},
                  {"ETag", absl::StrCat("\"", out->etag, "\"")}};
  return out;
}

void HttpGateway::ServePublic(const PublicResponse& response, const httplib::Request& req,
                              httplib::Response& res) {
  for (const auto& [name, value] : response.headers) res.set_header(name, value);
  if (NotModified(req.get_header_value("If-None-Match"), req.get_header_value("If-Modified-Since"),
                  response.etag, response.last_modified)) {
    res.status = 304;
    return;
  }
  res.status = 200;
  res.set_content(response.body, response.content_type);
}

void HttpGateway::StartPublicCache() {
  const auto& g = config_.gateway();
  const Backend* disclosure = nullptr;
  for (const auto& b : backends_->all()) {
    if (b.service->full_name() == kDisclosureService) disclosure = &b;
  }
  if (g.public_cache_bytes() <= 0 || disclosure == nullptr) return;
  public_cache_ = std::make_unique<PublicCache>(static_cast<size_t>(g.public_cache_bytes()));
  PublicVersionWatch::Options options;
  options.channel = disclosure->channel;
  options.internal_credential = config_.server().internal_credential();
  public_watch_ = std::make_unique<PublicVersionWatch>(options, *public_cache_);
  public_watch_->Start();
}

absl::Status HttpGateway::Start() {
  const auto& g = config_.gateway();
  server_ = MakeHttpServer(config_.tls());
  if (!server_->is_valid()) {
    return absl::InvalidArgumentError("cannot serve HTTPS with tls.https_* (the log says why)");
  }
  int threads = HttpThreadsOf(g);
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server_->set_tcp_nodelay(true);
  server_->set_keep_alive_max_count(100000);
  server_->set_keep_alive_timeout(60);
  server_->set_read_timeout(30, 0);
  server_->set_write_timeout(30, 0);
  server_->set_payload_max_length(static_cast<size_t>(g.max_body_bytes()));
  AddBuiltinRoutes();
  auto colon = g.http_address().rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(g.http_address().substr(colon + 1), &port)) {
    return absl::InvalidArgumentError("gateway.http_address must be HOST:PORT");
  }
  std::string host = g.http_address().substr(0, colon);
  port_ =
      port == 0 ? server_->bind_to_any_port(host) : (server_->bind_to_port(host, port) ? port : -1);
  if (port_ <= 0) return absl::UnavailableError("cannot listen on " + g.http_address());
  RaiseListenBacklog(port_);
  StartPublicCache();
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  LogInfo("listening", {{"http_address", g.http_address()},
                        {"port", port_},
                        {"https", HttpsEnabled(config_.tls())},
                        {"routes", routes_.routes().size()},
                        {"max_in_flight_requests", admission_.limit()}});
  return absl::OkStatus();
}

void HttpGateway::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  if (public_watch_) public_watch_->Stop();
}

}  // namespace huiyin::gateway
