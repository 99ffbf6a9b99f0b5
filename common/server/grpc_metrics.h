// Per-method gRPC server metrics, recorded by an interceptor:
//   huiyin_grpc_server_handled_total{grpc_method, grpc_code}
//   huiyin_grpc_server_handling_seconds{grpc_method}   (histogram)
//   huiyin_grpc_server_in_flight                      (gauge)
// Labels carry method names and status codes, never ids.
#pragma once

#include <atomic>
#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "prometheus/registry.h"

namespace huiyin {

// `in_flight` counts calls between their arrival and their end (the drain waits for zero).
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory(
    prometheus::Registry& registry, std::atomic<int>& in_flight);

}  // namespace huiyin
