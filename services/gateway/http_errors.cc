#include "services/gateway/http_errors.h"

#include "absl/strings/str_cat.h"
#include "common/status/errors.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "nlohmann/json.hpp"

namespace huiyin::gateway {
namespace {

std::string CodeName(absl::StatusCode code) {
  std::string name = absl::StatusCodeToString(code);  // "INVALID_ARGUMENT" style
  for (char& c : name) c = c == ' ' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

// A status payload as JSON, if it is one of the detail types clients know.
nlohmann::json DetailJson(absl::string_view type_url, const absl::Cord& payload) {
  std::unique_ptr<google::protobuf::Message> detail;
  if (type_url == "type.googleapis.com/google.rpc.BadRequest") {
    detail = std::make_unique<google::rpc::BadRequest>();
  } else if (type_url == "type.googleapis.com/google.rpc.ErrorInfo") {
    detail = std::make_unique<google::rpc::ErrorInfo>();
  } else {
    return nullptr;
  }
  std::string json;
  if (!detail->ParseFromString(std::string(payload)) ||
      !google::protobuf::util::MessageToJsonString(*detail, &json).ok()) {
    return nullptr;
  }
  nlohmann::json out = nlohmann::json::parse(json, nullptr, false);
  if (out.is_discarded()) return nullptr;
  out["@type"] = std::string(type_url);
  return out;
}

}  // namespace

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    case absl::StatusCode::kAborted:
      return 412;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

absl::StatusCode StatusCodeForHttp(int http_status) {
  switch (http_status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 405:
      return absl::StatusCode::kUnimplemented;
    case 409:
      return absl::StatusCode::kFailedPrecondition;
    case 412:
      return absl::StatusCode::kAborted;
    case 413:
      return absl::StatusCode::kOutOfRange;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 503:
      return absl::StatusCode::kUnavailable;
    case 504:
      return absl::StatusCode::kDeadlineExceeded;
    default:
      return http_status < 500 ? absl::StatusCode::kInvalidArgument : absl::StatusCode::kInternal;
  }
}

std::string ErrorBody(const absl::Status& status, const std::string& request_id, int http_status) {
  nlohmann::json error = {{"code", http_status != 0 ? http_status : HttpStatusFor(status.code())},
                          {"status", CodeName(status.code())},
                          {"message", std::string(status.message())},
                          {"requestId", request_id}};
  nlohmann::json details = nlohmann::json::array();
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    nlohmann::json d = DetailJson(url, payload);
    if (!d.is_null()) details.push_back(std::move(d));
  });
  nlohmann::json violations = nlohmann::json::array();
  for (const auto& [field, description] : FieldViolationsOf(status)) {
    violations.push_back({{"field", field}, {"description", description}});
  }
  if (!violations.empty()) error["fieldViolations"] = violations;
  if (!details.empty()) error["details"] = details;
  return nlohmann::json({{"error", error}})
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace huiyin::gateway
