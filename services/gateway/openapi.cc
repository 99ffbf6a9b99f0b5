#include "services/gateway/openapi.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.pb.h"
#include "services/gateway/http_body.h"

namespace huiyin::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using nlohmann::json;

std::string SchemaName(const Descriptor& d) { return d.full_name(); }

json Ref(const Descriptor& d) {
  return {{"$ref", absl::StrCat("#/components/schemas/", SchemaName(d))}};
}

json WellKnown(const Descriptor& d) {
  const std::string& n = d.full_name();
  if (n == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
  if (n == "google.protobuf.Duration") return {{"type", "string"}, {"example", "1.5s"}};
  if (n == "google.protobuf.Any") {
    return {{"type", "object"},
            {"properties", {{"@type", {{"type", "string"}}}}},
            {"additionalProperties", true}};
  }
  if (n == "google.protobuf.Struct") return {{"type", "object"}, {"additionalProperties", true}};
  return nullptr;
}

class SchemaBuilder {
 public:
  json FieldSchema(const FieldDescriptor& f) {
    json item;
    switch (f.type()) {
      case FieldDescriptor::TYPE_STRING:
        item = {{"type", "string"}};
        break;
      case FieldDescriptor::TYPE_BYTES:
        item = {{"type", "string"}, {"format", "byte"}};
        break;
      case FieldDescriptor::TYPE_BOOL:
        item = {{"type", "boolean"}};
        break;
      case FieldDescriptor::TYPE_DOUBLE:
      case FieldDescriptor::TYPE_FLOAT:
        item = {{"type", "number"}};
        break;
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_FIXED64:
      case FieldDescriptor::TYPE_SFIXED64:
        // The protobuf JSON mapping writes 64-bit integers as strings.
        item = {{"type", "string"}, {"format", "int64"}};
        break;
      case FieldDescriptor::TYPE_ENUM: {
        json values = json::array();
        for (int i = 0; i < f.enum_type()->value_count(); ++i) {
          values.push_back(f.enum_type()->value(i)->name());
        }
        item = {{"type", "string"}, {"enum", values}};
        break;
      }
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP: {
        const Descriptor& d = *f.message_type();
        if (d.options().map_entry()) {
          return {{"type", "object"},
                  {"additionalProperties", FieldSchema(*d.FindFieldByName("value"))}};
        }
        json known = WellKnown(d);
        item = known.is_null() ? Ref(Add(d)) : known;
        break;
      }
      default:
        item = {{"type", "integer"}, {"format", "int32"}};
    }
    if (f.is_repeated()) return {{"type", "array"}, {"items", item}};
    return item;
  }

  const Descriptor& Add(const Descriptor& d) {
    if (!seen_.insert(d.full_name()).second) return d;
    json properties = json::object();
    for (int i = 0; i < d.field_count(); ++i) {
      properties[d.field(i)->json_name()] = FieldSchema(*d.field(i));
    }
    schemas_[SchemaName(d)] = {{"type", "object"}, {"properties", properties}};
    return d;
  }

  json schemas() const { return schemas_; }

 private:
  std::set<std::string> seen_;
  json schemas_ = json::object();
};

// Query parameters of a route without a body: the request's scalar fields not bound by the
// path, and the scalar fields of its message fields one level down ("draft.title").
void AddQueryParameters(const Descriptor& d, const std::string& prefix,
                        const std::set<std::string>& bound, SchemaBuilder& schemas,
                        json& parameters, int depth) {
  for (int i = 0; i < d.field_count(); ++i) {
    const FieldDescriptor& f = *d.field(i);
    std::string name = prefix + f.json_name();
    if (bound.count(prefix + f.name())) continue;
    if (f.type() == FieldDescriptor::TYPE_MESSAGE) {
      if (depth == 0 && WellKnown(*f.message_type()).is_null() && !f.is_repeated()) {
        AddQueryParameters(*f.message_type(), name + ".", bound, schemas, parameters, depth + 1);
      }
      continue;
    }
    parameters.push_back(
        {{"name", name}, {"in", "query"}, {"required", false}, {"schema", schemas.FieldSchema(f)}});
  }
}

json ErrorSchema() {
  json violation = {
      {"type", "object"},
      {"properties", {{"field", {{"type", "string"}}}, {"description", {{"type", "string"}}}}}};
  return {{"type", "object"},
          {"properties",
           {{"error",
             {{"type", "object"},
              {"properties",
               {{"code", {{"type", "integer"}}},
                {"status", {{"type", "string"}}},
                {"message", {{"type", "string"}}},
                {"requestId", {{"type", "string"}}},
                {"fieldViolations", {{"type", "array"}, {"items", violation}}},
                {"details",
                 {{"type", "array"},
                  {"items", {{"type", "object"}, {"additionalProperties", true}}}}}}}}}}}};
}

json Responses(const std::string& content_type, const json& ok_schema) {
  json error = {
      {"description", "Error (see the error shape)"},
      {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
  return {{"200", {{"description", "OK"}, {"content", {{content_type, {{"schema", ok_schema}}}}}}},
          {"default", error}};
}

// An HttpBody method answers with its own media type (HTML, Atom, CSV, a workbook).
json ResponsesOf(const google::protobuf::MethodDescriptor& method, SchemaBuilder& schemas) {
  if (IsHttpBody(*method.output_type())) {
    return Responses("*/*", {{"type", "string"}, {"format", "binary"}});
  }
  return Responses("application/json", Ref(schemas.Add(*method.output_type())));
}

}  // namespace

const std::vector<FixedRoute>& FixedRoutes() {
  static const std::vector<FixedRoute> routes = {
      {"GET", "/healthz", "The gateway process is up"},
      {"GET", "/readyz", "Every backend answers its health check"},
      {"GET", "/metrics", "Prometheus metrics of the gateway"},
      {"GET", "/openapi.json", "This description"}};
  return routes;
}

json OpenApiDocument(const RouteTable& table) {
  SchemaBuilder schemas;
  json paths = json::object();
  for (const Route& route : table.routes()) {
    const auto* method = route.method;
    std::set<std::string> bound;
    json parameters = json::array();
    auto openapi_path = route.path.OpenApiPath();
    for (const auto& field : route.path.variables()) {
      bound.insert(field);
    }
    // Path parameters in the order they appear: {item} etc.
    for (size_t pos = openapi_path.find('{'); pos != std::string::npos;
         pos = openapi_path.find('{', pos + 1)) {
      std::string name = openapi_path.substr(pos + 1, openapi_path.find('}', pos) - pos - 1);
      parameters.push_back(
          {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    json operation = {{"operationId", method->name()},
                      {"summary", absl::StrCat(method->service()->name(), ".", method->name())},
                      {"tags", {method->service()->name()}},
                      {"responses", ResponsesOf(*method, schemas)}};
    if (route.body.empty()) {
      AddQueryParameters(*method->input_type(), "", bound, schemas, parameters, 0);
    } else {
      const Descriptor* body = method->input_type();
      if (route.body != "*") body = body->FindFieldByName(route.body)->message_type();
      operation["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", Ref(schemas.Add(*body))}}}}}};
    }
    if (!parameters.empty()) operation["parameters"] = parameters;
    json security = {{{"bearerAuth", json::array()}}, {{"apiKey", json::array()}}};
    if (route.allow_anonymous) security.push_back(json::object());
    operation["security"] = security;
    paths[openapi_path][absl::AsciiStrToLower(route.http_method)] = operation;
  }
  for (const auto& fixed : FixedRoutes()) {
    paths[fixed.path][absl::AsciiStrToLower(fixed.method)] = {
        {"operationId", fixed.path.substr(1)},
        {"summary", fixed.summary},
        {"tags", {"Gateway"}},
        {"security", json::array({json::object()})},
        {"responses",
         {{"200", {{"description", "OK"}}},
          {"default", {{"description", "Not ready or failed"}}}}}};
  }
  json components = {{"schemas", schemas.schemas()}};
  components["schemas"]["Error"] = ErrorSchema();
  components["securitySchemes"] = {
      {"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
      {"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-Api-Key"}}}};
  return {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Huiyin (回音) API"},
        {"version", "v1"},
        {"description",
         "Deputies' suggestions and CPPCC members' proposals: intake, assignment, handling, "
         "supervision and disclosure. Errors share one JSON shape (components.schemas.Error)."}}},
      {"paths", paths},
      {"components", components}};
}

}  // namespace huiyin::gateway
