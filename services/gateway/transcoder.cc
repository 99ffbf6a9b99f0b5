#include "services/gateway/transcoder.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/errors.h"
#include "common/text/unicode.h"
#include "google/protobuf/util/json_util.h"

namespace huiyin::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// InvalidField for a parameter or body field: names and messages may quote the client's bytes
// (the JSON parser cuts its excerpt anywhere), and a field violation that is not UTF-8 cannot
// be carried in google.rpc.BadRequest, so the client would not learn which field is wrong.
absl::Status BadParameter(const std::string& field, const std::string& description) {
  return InvalidField(text::ToValidUtf8(field), text::ToValidUtf8(description));
}

const FieldDescriptor* FindField(const google::protobuf::Descriptor& d, absl::string_view name) {
  const FieldDescriptor* f = d.FindFieldByName(std::string(name));
  if (f != nullptr) return f;
  for (int i = 0; i < d.field_count(); ++i) {
    if (d.field(i)->json_name() == name) return d.field(i);
  }
  return nullptr;
}

absl::Status SetScalar(Message& m, const FieldDescriptor& f, const std::string& value,
                       const std::string& path) {
  const auto* r = m.GetReflection();
  bool repeated = f.is_repeated();
  auto bad = [&](const char* expected) {
    return BadParameter(path, absl::StrCat("\"", value, "\" is not ", expected));
  };
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      if (!text::IsValidUtf8(value)) return BadParameter(path, "is not valid UTF-8");
      repeated ? r->AddString(&m, &f, value) : r->SetString(&m, &f, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      repeated ? r->AddInt32(&m, &f, v) : r->SetInt32(&m, &f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      repeated ? r->AddInt64(&m, &f, v) : r->SetInt64(&m, &f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a non-negative integer");
      if (f.cpp_type() == FieldDescriptor::CPPTYPE_UINT32) {
        repeated ? r->AddUInt32(&m, &f, static_cast<uint32_t>(v))
                 : r->SetUInt32(&m, &f, static_cast<uint32_t>(v));
      } else {
        repeated ? r->AddUInt64(&m, &f, v) : r->SetUInt64(&m, &f, v);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      if (f.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r->AddDouble(&m, &f, v) : r->SetDouble(&m, &f, v);
      } else {
        repeated ? r->AddFloat(&m, &f, static_cast<float>(v))
                 : r->SetFloat(&m, &f, static_cast<float>(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      repeated ? r->AddBool(&m, &f, v) : r->SetBool(&m, &f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f.enum_type()->FindValueByName(value);
      int number = 0;
      if (e == nullptr && absl::SimpleAtoi(value, &number))
        e = f.enum_type()->FindValueByNumber(number);
      if (e == nullptr) return bad(absl::StrCat("a value of ", f.enum_type()->name()).c_str());
      repeated ? r->AddEnum(&m, &f, e) : r->SetEnum(&m, &f, e);
      return absl::OkStatus();
    }
    default:
      return BadParameter(path, "cannot be set from a URL");
  }
}

}  // namespace

absl::Status SetFieldByPath(Message& message, const std::string& path, const std::string& value) {
  Message* m = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FindField(*m->GetDescriptor(), parts[i]);
    if (f == nullptr) return BadParameter(path, "is not a parameter of this method");
    if (i + 1 == parts.size()) {
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        return BadParameter(path, "names a message; give one of its fields");
      }
      return SetScalar(*m, *f, value, path);
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) {
      return BadParameter(path, "is not a parameter of this method");
    }
    m = m->GetReflection()->MutableMessage(m, f);
  }
  return absl::OkStatus();
}

absl::Status BuildRequest(const Route& route, const PathTemplate::Bindings& bindings,
                          const std::multimap<std::string, std::string>& query,
                          const std::string& body, Message& request) {
  if (!route.body.empty()) {
    if (!text::IsValidUtf8(body)) return BadParameter("body", "is not valid UTF-8");
    std::string json = body.empty() ? "{}" : body;
    Message* target = &request;
    if (route.body != "*") {
      const FieldDescriptor* f = request.GetDescriptor()->FindFieldByName(route.body);
      if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        return absl::InternalError("route body names no message field");
      }
      target = request.GetReflection()->MutableMessage(&request, f);
    }
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    auto status = google::protobuf::util::JsonStringToMessage(json, target, options);
    if (!status.ok()) {
      // The parser names the offending field as "(item.year): …"; point at it when it does.
      std::string message(status.message());
      std::string field = "body";
      if (message.size() > 2 && message[0] == '(' && message.find(')') != std::string::npos) {
        field = message.substr(1, message.find(')') - 1);
        if (route.body != "*") field = absl::StrCat(route.body, ".", field);
      }
      return BadParameter(field, absl::StrCat("is not valid ", target->GetDescriptor()->name(),
                                              " JSON: ", message));
    }
  }
  for (const auto& [name, value] : query) {
    if (!route.body.empty() && route.body == "*") {
      return BadParameter(name, "query parameters are not taken where the body is the request");
    }
    if (auto s = SetFieldByPath(request, name, value); !s.ok()) return s;
  }
  // Path variables last: the URL names the resource, whatever the body says.
  for (const auto& [field, value] : bindings) {
    if (auto s = SetFieldByPath(request, field, value); !s.ok()) return s;
  }
  return absl::OkStatus();
}

std::string ToJson(const Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

}  // namespace huiyin::gateway
