// Per-method gRPC server metrics, recorded by an interceptor:
//   huiyin_grpc_server_handled_total{grpc_method, grpc_code}
//   huiyin_grpc_server_handling_seconds{grpc_method}   (histogram)
// Labels carry method names and status codes, never ids.
#pragma once

#include <memory>

#include "grpcpp/support/server_interceptor.h"
#include "prometheus/registry.h"

namespace huiyin {

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> MakeMetricsInterceptorFactory(
    prometheus::Registry& registry);

}  // namespace huiyin
