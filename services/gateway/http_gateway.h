// The HTTP/1.1 JSON server: routes from the route table transcoded onto the backends, and the
// gateway's own /healthz, /readyz, /metrics and /openapi.json.
//
// Per request: a request id (X-Request-Id, or made) in the response and every log line; CORS for
// the configured origins; authentication (bearer JWT or X-Api-Key); a per-client rate limit;
// a body limit; a bound on requests in flight to the backends (beyond it 503, see admission.h);
// a deadline on the backend call; If-Match → etag, etag → ETag.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "common/base/clock.h"
#include "huiyin/config/v1/config.pb.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "services/gateway/admission.h"
#include "services/gateway/auth.h"
#include "services/gateway/backends.h"
#include "services/gateway/public_cache.h"
#include "services/gateway/rate_limiter.h"
#include "services/gateway/route_table.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace huiyin::gateway {

class HttpGateway {
 public:
  HttpGateway(config::v1::Config config, std::unique_ptr<Backends> backends,
              std::unique_ptr<Authenticator> auth, RouteTable routes, const Clock& clock);
  ~HttpGateway();

  absl::Status Start();
  int port() const { return port_; }
  // Stops accepting and waits for requests in flight.
  void Stop();

 private:
  void Handle(const httplib::Request& req, httplib::Response& res);
  void Transcode(const RouteTable::Match& match, const httplib::Request& req,
                 httplib::Response& res, const std::string& request_id);
  void Fail(httplib::Response& res, const absl::Status& status, const std::string& request_id,
            int http_status = 0);
  bool OriginAllowed(const httplib::Request& req) const;
  // Adds CORS headers when the request comes from an allowed Origin.
  void ApplyCors(const httplib::Request& req, httplib::Response& res);
  // Answers 429 with Retry-After when `client` is over its rate.
  bool Throttled(const std::string& client, httplib::Response& res, const std::string& request_id);
  // Answers 503 with Retry-After, touching no backend, when too many requests are in flight.
  void Shed(httplib::Response& res, const std::string& request_id);
  // Responses to a caller with credentials, or to a write.
  void WriteHttpBody(const google::protobuf::Message& message, bool authenticated,
                     httplib::Response& res) const;
  void WriteJson(const google::protobuf::Message& response, bool authenticated,
                 httplib::Response& res) const;
  // What an anonymous GET gets: the same for every such caller, so it may be cached.
  std::shared_ptr<const PublicResponse> RenderPublic(
      const google::protobuf::Message& response) const;
  static void ServePublic(const PublicResponse& response, const httplib::Request& req,
                          httplib::Response& res);
  // Disclosure's anonymous reads: rendered once per version of the public side.
  bool Cacheable(const Route& route, const httplib::Request& req, bool authenticated) const;
  void StartPublicCache();
  std::string PublicCacheControl() const;
  void Observe(const std::string& route, const httplib::Request& req, int status, absl::Time start);
  void AddBuiltinRoutes();

  config::v1::Config config_;
  std::unique_ptr<Backends> backends_;
  std::unique_ptr<Authenticator> auth_;
  RouteTable routes_;
  const Clock& clock_;
  RateLimiter limiter_;
  AdmissionControl admission_;
  std::vector<std::string> cors_origins_;
  std::string openapi_json_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Counter* shed_overload_;
  prometheus::Counter* shed_rate_limit_;
  prometheus::Gauge* in_flight_;
  std::unique_ptr<PublicCache> public_cache_;  // null when turned off
  std::unique_ptr<PublicVersionWatch> public_watch_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace huiyin::gateway
