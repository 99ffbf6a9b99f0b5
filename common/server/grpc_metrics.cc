#include "common/server/grpc_metrics.h"

#include <chrono>
#include <string>

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"

namespace huiyin {
namespace {

using grpc::experimental::InterceptionHookPoints;

std::string CodeName(grpc::StatusCode code) {
  static const char* const kNames[] = {
      "OK",        "CANCELLED",          "UNKNOWN",         "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS",     "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "ABORTED",  "OUT_OF_RANGE",    "UNIMPLEMENTED",    "INTERNAL",
      "UNAVAILABLE", "DATA_LOSS",        "UNAUTHENTICATED"};
  int i = static_cast<int>(code);
  return i >= 0 && i < 17 ? kNames[i] : "UNKNOWN";
}

struct Families {
  prometheus::Family<prometheus::Counter>& handled;
  prometheus::Family<prometheus::Histogram>& latency;
  prometheus::Gauge& in_flight_gauge;
  std::atomic<int>& in_flight;
};

class MetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  MetricsInterceptor(Families& families, std::string method)
      : families_(families), method_(std::move(method)), start_(std::chrono::steady_clock::now()) {
    families_.in_flight_gauge.Set(++families_.in_flight);
  }
  ~MetricsInterceptor() override { families_.in_flight_gauge.Set(--families_.in_flight); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      families_.handled.Add({{"grpc_method", method_}, {"grpc_code", CodeName(status.error_code())}})
          .Increment();
      families_.latency
          .Add({{"grpc_method", method_}},
               prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                       0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
          .Observe(seconds);
    }
    methods->Proceed();
  }

 private:
  Families& families_;
  std::string method_;
  std::chrono::steady_clock::time_point start_;
};

class MetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  MetricsInterceptorFactory(prometheus::Registry& registry, std::atomic<int>& in_flight)
      : families_{prometheus::BuildCounter()
                      .Name("huiyin_grpc_server_handled_total")
                      .Help("gRPC calls completed on the server, by method and status code.")
                      .Register(registry),
                  prometheus::BuildHistogram()
                      .Name("huiyin_grpc_server_handling_seconds")
                      .Help("Time from receiving a gRPC call to sending its status.")
                      .Register(registry),
                  prometheus::BuildGauge()
                      .Name("huiyin_grpc_server_in_flight")
                      .Help("gRPC calls being served now.")
                      .Register(registry)
                      .Add({}),
                  in_flight} {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new MetricsInterceptor(families_, info->method());
  }

 private:
  Families families_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory(
    prometheus::Registry& registry, std::atomic<int>& in_flight) {
  return std::make_unique<MetricsInterceptorFactory>(registry, in_flight);
}

}  // namespace huiyin
