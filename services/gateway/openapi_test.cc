#include "services/gateway/openapi.h"

#include <set>

#include "gtest/gtest.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"

namespace huiyin::gateway {
namespace {

TEST(OpenApi, ListsExactlyTheServedRoutes) {
  auto table = RouteTable::Build(
      {intake::v1::Item::descriptor()->file()->FindServiceByName("IntakeService")});
  ASSERT_TRUE(table.ok());
  auto doc = OpenApiDocument(*table);
  std::set<std::string> documented, served;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, op] : operations.items()) documented.insert(method + " " + path);
  }
  for (const auto& r : table->routes()) {
    std::string method = r.http_method;
    for (char& c : method) c = static_cast<char>(std::tolower(c));
    served.insert(method + " " + r.path.OpenApiPath());
  }
  for (const auto& f : FixedRoutes()) served.insert("get " + f.path);
  EXPECT_EQ(documented, served);
}

TEST(OpenApi, DescribesBodiesParametersAndSchemas) {
  auto table = RouteTable::Build(
      {intake::v1::Item::descriptor()->file()->FindServiceByName("IntakeService")});
  auto doc = OpenApiDocument(*table);
  EXPECT_EQ(doc["openapi"], "3.0.3");
  auto submit = doc["paths"]["/v1/items"]["post"];
  EXPECT_EQ(submit["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/huiyin.intake.v1.SubmitItemRequest");
  auto search = doc["paths"]["/v1/items:search"]["get"];
  bool has_q = false;
  for (const auto& p : search["parameters"]) has_q |= p["name"] == "q";
  EXPECT_TRUE(has_q);
  auto accept = doc["paths"]["/v1/items/{item}:accept"]["post"];
  EXPECT_EQ(accept["parameters"][0]["name"], "item");
  auto item = doc["components"]["schemas"]["huiyin.intake.v1.Item"];
  EXPECT_EQ(item["properties"]["numberLabel"]["type"], "string");
  EXPECT_EQ(item["properties"]["submitTime"]["format"], "date-time");
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
}

}  // namespace
}  // namespace huiyin::gateway
