#include "services/gateway/transcoder.h"

#include "common/status/errors.h"
#include "gtest/gtest.h"
#include "huiyin/intake/v1/intake.grpc.pb.h"

namespace huiyin::gateway {
namespace {

class TranscoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto table = RouteTable::Build(
        {intake::v1::Item::descriptor()->file()->FindServiceByName("IntakeService")});
    ASSERT_TRUE(table.ok());
    table_ = *std::move(table);
  }
  absl::Status Build(const std::string& method, const std::string& path,
                     const std::multimap<std::string, std::string>& query, const std::string& body,
                     google::protobuf::Message& out) {
    auto m = table_.Find(method, path);
    EXPECT_NE(m.route, nullptr) << path;
    return BuildRequest(*m.route, m.bindings, query, body, out);
  }
  static std::string FirstField(const absl::Status& s) {
    auto v = FieldViolationsOf(s);
    return v.empty() ? "" : v[0].first;
  }
  RouteTable table_;
};

TEST_F(TranscoderTest, BodyInLowerCamelCaseAndEnumsByName) {
  intake::v1::SubmitItemRequest r;
  ASSERT_TRUE(
      Build(
          "POST", "/v1/items", {},
          R"({"requestId":"r-1","item":{"kind":"ITEM_KIND_PROPOSAL","title":"关于扶持小微企业的提案",
                        "leadProposer":{"person":"persons/zhao","name":"赵敏"},"fromMotion":false}})",
          r)
          .ok());
  EXPECT_EQ(r.request_id(), "r-1");
  EXPECT_EQ(r.item().kind(), intake::v1::ITEM_KIND_PROPOSAL);
  EXPECT_EQ(r.item().lead_proposer().name(), "赵敏");
}

TEST_F(TranscoderTest, PathNamesTheResourceWhateverTheBodySays) {
  intake::v1::AcceptItemRequest r;
  ASSERT_TRUE(
      Build("POST", "/v1/items/abc:accept", {}, R"({"name":"items/other","etag":"3"})", r).ok());
  EXPECT_EQ(r.name(), "items/abc");
  EXPECT_EQ(r.etag(), "3");
}

TEST_F(TranscoderTest, QueryParametersByJsonOrFieldName) {
  intake::v1::SearchItemsRequest r;
  ASSERT_TRUE(Build("GET", "/v1/items:search",
                    {{"q", "物业"}, {"year", "2025"}, {"kind", "ITEM_KIND_SUGGESTION"}}, "", r)
                  .ok());
  EXPECT_EQ(r.query(), "物业");
  EXPECT_EQ(r.year(), 2025);
  intake::v1::FindSimilarRequest s;
  ASSERT_TRUE(Build("GET", "/v1/items/abc/similar", {{"limit", "5"}}, "", s).ok());
  EXPECT_EQ(s.name(), "items/abc");
  EXPECT_EQ(s.limit(), 5);
}

TEST_F(TranscoderTest, EachKindOfBadInputNamesWhatIsWrong) {
  intake::v1::SubmitItemRequest submit;
  EXPECT_EQ(FirstField(Build("POST", "/v1/items", {}, "{not json", submit)), "body");
  // The parser's own field path is passed on: the caller learns which field is wrong.
  EXPECT_EQ(FirstField(Build("POST", "/v1/items", {}, R"({"item":{"year":"twenty"}})", submit)),
            "item.year");
  EXPECT_EQ(
      FirstField(Build("POST", "/v1/items", {}, R"({"item":{"kind":"ITEM_KIND_MOTION"}})", submit)),
      "item.kind");
  EXPECT_EQ(FirstField(Build("POST", "/v1/items", {}, R"({"unknownField":1})", submit)), "body");
  EXPECT_EQ(FirstField(Build("POST", "/v1/items", {}, "{\"requestId\":\"\xff\xfe\"}", submit)),
            "body");
  intake::v1::ListItemsRequest list;
  EXPECT_EQ(FirstField(Build("GET", "/v1/items", {{"year", "next"}}, "", list)), "year");
  EXPECT_EQ(FirstField(Build("GET", "/v1/items", {{"state", "ITEM_STATE_LOST"}}, "", list)),
            "state");
  EXPECT_EQ(FirstField(Build("GET", "/v1/items", {{"colour", "red"}}, "", list)), "colour");
}

TEST_F(TranscoderTest, ResponsesUseTheJsonMapping) {
  intake::v1::Item item;
  item.set_number_label("建议第1号");
  item.set_state(intake::v1::ITEM_STATE_ACCEPTED);
  std::string json = ToJson(item);
  EXPECT_NE(json.find("\"numberLabel\":\"建议第1号\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"state\":\"ITEM_STATE_ACCEPTED\""), std::string::npos) << json;
}

// Found by tests/fuzz/gateway_request_fuzz: a description quoting bytes that are not UTF-8 (a
// query value, or the JSON parser's excerpt cut inside a character) could not be carried in
// google.rpc.BadRequest, and the error named no field.
TEST_F(TranscoderTest, NamesTheFieldEvenWhenTheInputQuotedIsNotUtf8) {
  intake::v1::ListItemsRequest list;
  auto s = Build("GET", "/v1/items", {{"pageSize", "1\xE7\x89"}}, "", list);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FirstField(s), "pageSize");
  intake::v1::SubmitItemRequest submit;
  s = Build("POST", "/v1/items", {}, "{\"item\": {\"title\": \"物业\" \"x\": 1}}", submit);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(FirstField(s).empty());
}

}  // namespace
}  // namespace huiyin::gateway
