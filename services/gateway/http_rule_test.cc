#include "services/gateway/http_rule.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace huiyin::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(PathTemplate, BindsAResourceNameAndAVerb) {
  auto t = PathTemplate::Parse("/v1/{name=items/*}:accept");
  ASSERT_TRUE(t.ok()) << t.status();
  auto b = t->Match("/v1/items/k3v9:accept");
  ASSERT_TRUE(b);
  EXPECT_THAT(*b, ElementsAre(Pair("name", "items/k3v9")));
  EXPECT_FALSE(t->Match("/v1/items/k3v9"));
  EXPECT_FALSE(t->Match("/v1/items/k3v9:reject"));
  EXPECT_FALSE(t->Match("/v1/units/k3v9:accept"));
}

TEST(PathTemplate, LiteralWithVerbIsNotAnItem) {
  auto search = PathTemplate::Parse("/v1/items:search");
  auto get = PathTemplate::Parse("/v1/{name=items/*}");
  EXPECT_TRUE(search->Match("/v1/items:search"));
  EXPECT_FALSE(get->Match("/v1/items:search"));
  EXPECT_TRUE(get->Match("/v1/items/abc"));
  EXPECT_FALSE(get->Match("/v1/items/abc/similar"));
}

TEST(PathTemplate, DoubleStarTakesTheRest) {
  auto t = PathTemplate::Parse("/v1/{path=files/**}");
  auto b = t->Match("/v1/files/a/b/c");
  ASSERT_TRUE(b);
  EXPECT_THAT(*b, ElementsAre(Pair("path", "files/a/b/c")));
}

TEST(PathTemplate, RefusesBadTemplates) {
  EXPECT_FALSE(PathTemplate::Parse("v1/items").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/{name=items/*").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/**/x").ok());
}

// Found by tests/fuzz/http_rule_fuzz: a ':' inside a segment made everything after it the verb,
// and a brace or ':' inside a variable (or its field) a literal no path has, so such templates
// parsed but could never match a path.
TEST(PathTemplate, RefusesAVerbThatIsNotALiteral) {
  EXPECT_FALSE(PathTemplate::Parse("/v1/items:a/b").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1:x/{name=items/*}").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/items:").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/{parent=unit{/*}/tasks").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/{name=items/a:b}").ok());
  EXPECT_FALSE(PathTemplate::Parse("/v1/{na*me:/v1/{name=items/*}:resolve").ok());
  EXPECT_TRUE(PathTemplate::Parse("/v1/{name=items/*}:accept").ok());
}

TEST(PathTemplate, OpenApiPathNamesTheParameterAfterTheCollection) {
  EXPECT_EQ(PathTemplate::Parse("/v1/{name=items/*}:accept")->OpenApiPath(),
            "/v1/items/{item}:accept");
  EXPECT_EQ(PathTemplate::Parse("/v1/{name=items/*}/similar")->OpenApiPath(),
            "/v1/items/{item}/similar");
  EXPECT_EQ(PathTemplate::Parse("/v1/items")->OpenApiPath(), "/v1/items");
  EXPECT_EQ(PathTemplate::Parse("/v1/{name=items/*/assignment/objections/*}:resolve")->OpenApiPath(),
            "/v1/items/{item}/assignment/objections/{objection}:resolve");
  EXPECT_EQ(PathTemplate::Parse("/v1/{unit.name=units/*}")->OpenApiPath(), "/v1/units/{unit}");
}

}  // namespace
}  // namespace huiyin::gateway
