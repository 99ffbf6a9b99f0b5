#include "services/gateway/route_table.h"

#include <set>

#include "gtest/gtest.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"

namespace huiyin::gateway {
namespace {

RouteTable Intake() {
  auto table = RouteTable::Build(
      {intake::v1::Item::descriptor()->file()->FindServiceByName("IntakeService")});
  EXPECT_TRUE(table.ok()) << table.status();
  return *table;
}

TEST(RouteTable, ReadsEveryAnnotatedIntakeMethod) {
  std::set<std::string> routes;
  RouteTable table = Intake();
  for (const auto& r : table.routes()) routes.insert(r.http_method + " " + r.path.pattern());
  EXPECT_EQ(routes, (std::set<std::string>{
                        "POST /v1/items", "GET /v1/items", "GET /v1/{name=items/*}",
                        "POST /v1/{name=items/*}:accept", "POST /v1/{name=items/*}:reject",
                        "POST /v1/{name=items/*}:merge", "POST /v1/{name=items/*}:withdraw",
                        "GET /v1/{name=items/*}/similar", "GET /v1/items:search"}));
}

TEST(RouteTable, FindsByMethodAndPath) {
  RouteTable table = Intake();
  auto m = table.Find("POST", "/v1/items/abc:merge");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->grpc_path, "/huiyin.intake.v1.IntakeService/MergeItem");
  EXPECT_EQ(m.bindings[0].second, "items/abc");
  auto search = table.Find("GET", "/v1/items:search");
  ASSERT_NE(search.route, nullptr);
  EXPECT_EQ(search.route->method->name(), "SearchItems");
}

TEST(RouteTable, WrongMethodIsNotAllowedRatherThanNotFound) {
  RouteTable table = Intake();
  auto m = table.Find("DELETE", "/v1/items/abc");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.method_not_allowed);
  auto none = table.Find("GET", "/v1/units");
  EXPECT_FALSE(none.method_not_allowed);
}

}  // namespace
}  // namespace huiyin::gateway
