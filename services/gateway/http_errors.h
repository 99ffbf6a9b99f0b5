// One JSON error shape for every error the gateway returns, whether a backend refused the call
// or the gateway itself did (401, 404, 405, 413, 429 …). It is Google's JSON error format with
// the request id and, for convenience, the field violations at the top:
//
//   {"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": "...",
//              "requestId": "3f2a…", "fieldViolations": [{"field": "item.title",
//              "description": "is required"}], "details": [{"@type": ".../google.rpc.BadRequest",
//              …}]}}
//
// gRPC → HTTP: INVALID_ARGUMENT 400, OUT_OF_RANGE 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
// NOT_FOUND 404, ALREADY_EXISTS 409, FAILED_PRECONDITION 409 (the resource is in a state that
// forbids the transition: a conflict with its current state), ABORTED 412 (a stale etag /
// If-Match: the resource changed since it was read), RESOURCE_EXHAUSTED 429, CANCELLED 499,
// UNIMPLEMENTED 501, UNAVAILABLE 503, DEADLINE_EXCEEDED 504, everything else 500.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace huiyin::gateway {

int HttpStatusFor(absl::StatusCode code);
// The HTTP status forced (e.g. 405, 413) or, when 0, derived from the status code.
std::string ErrorBody(const absl::Status& status, const std::string& request_id,
                      int http_status = 0);
// The gRPC code name of an HTTP status the gateway produced itself, for the body's "status".
absl::StatusCode StatusCodeForHttp(int http_status);

}  // namespace huiyin::gateway
