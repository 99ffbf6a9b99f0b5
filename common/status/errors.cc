#include "common/status/errors.h"

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "huiyin/common/v1/errors.pb.h"
#include "common/base/log.h"

namespace huiyin {
namespace {

constexpr char kBadRequestUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kDomain[] = "huiyin.gov";

absl::Status WithInfo(absl::Status status, common::v1::ErrorReason reason,
                      std::vector<std::pair<std::string, std::string>> metadata = {}) {
  google::rpc::ErrorInfo info;
  info.set_reason(common::v1::ErrorReason_Name(reason));
  info.set_domain(kDomain);
  for (auto& [k, v] : metadata) (*info.mutable_metadata())[k] = v;
  status.SetPayload(kErrorInfoUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

}  // namespace

void FieldViolations::Add(std::string field, std::string description) {
  violations_.emplace_back(std::move(field), std::move(description));
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad_request;
  std::string message = "invalid request:";
  for (const auto& [field, description] : violations_) {
    auto* v = bad_request.add_field_violations();
    v->set_field(field);
    v->set_description(description);
    absl::StrAppend(&message, " ", field, ": ", description, ";");
  }
  message.pop_back();
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestUrl, absl::Cord(bad_request.SerializeAsString()));
  return WithInfo(std::move(status), common::v1::INVALID_FIELD);
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

absl::Status NotFound(absl::string_view resource) {
  return WithInfo(absl::NotFoundError(absl::StrCat(resource, " not found")),
                  common::v1::NOT_FOUND, {{"resource", std::string(resource)}});
}

absl::Status AlreadyExists(absl::string_view resource, absl::string_view message) {
  return WithInfo(absl::AlreadyExistsError(message), common::v1::ALREADY_EXISTS,
                  {{"resource", std::string(resource)}});
}

absl::Status WrongState(absl::string_view resource, absl::string_view state,
                        absl::string_view message) {
  return WithInfo(absl::FailedPreconditionError(absl::StrCat(resource, " is ", state, ": ", message)),
                  common::v1::WRONG_STATE,
                  {{"resource", std::string(resource)}, {"state", std::string(state)}});
}

absl::Status EtagMismatch(absl::string_view resource) {
  return WithInfo(absl::AbortedError(absl::StrCat(
                      resource, " was changed by someone else; read it again and retry")),
                  common::v1::ETAG_MISMATCH, {{"resource", std::string(resource)}});
}

absl::Status PermissionDenied(absl::string_view message) {
  return WithInfo(absl::PermissionDeniedError(message), common::v1::PERMISSION_DENIED);
}

absl::Status Unauthenticated(absl::string_view message) {
  return WithInfo(absl::UnauthenticatedError(message), common::v1::UNAUTHENTICATED);
}

std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status) {
  std::vector<std::pair<std::string, std::string>> out;
  auto payload = status.GetPayload(kBadRequestUrl);
  if (!payload) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : bad_request.field_violations()) out.emplace_back(v.field(), v.description());
  return out;
}

std::string ReasonOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoUrl);
  google::rpc::ErrorInfo info;
  if (!payload || !info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  std::string message(status.message());
  absl::Status carried = status;
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown) {
    LogError("internal error", {{"error", status.ToString()}});
    message = "internal error";
    carried = WithInfo(absl::InternalError(message), common::v1::INTERNAL);
  }
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(message);
  carried.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    auto* any = rpc_status.add_details();
    any->set_type_url(std::string(url));
    any->set_value(std::string(payload));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() && rpc_status.ParseFromString(status.error_details())) {
    for (const auto& any : rpc_status.details()) out.SetPayload(any.type_url(), absl::Cord(any.value()));
  }
  return out;
}

}  // namespace huiyin
