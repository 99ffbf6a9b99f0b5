// Test fixtures for intake: a core over a temporary database with a fake clock, callers in
// every role, and realistic items (texts written the way deputies and members write them).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/base/clock.h"
#include "common/base/ids.h"
#include "common/identity/caller.h"
#include "common/store/database.h"
#include "common/text/bigram_tokenizer.h"
#include "common/text/normalize.h"
#include "gtest/gtest.h"
#include "services/intake/core.h"
#include "services/intake/huiyin_intake_migrations.h"

namespace huiyin::intake::testing {

inline constexpr char kSession2025[] = "县第十八届人民代表大会第四次会议";
inline constexpr char kCppccSession2025[] = "政协县第十一届委员会第四次会议";

inline Caller CongressOffice() {
  return MakeCaller("persons/office-1", common::v1::ROLE_CONGRESS_OFFICE, "", "人大选联工委");
}
inline Caller CppccOffice() {
  return MakeCaller("persons/office-2", common::v1::ROLE_CPPCC_OFFICE, "", "政协提案委");
}
inline Caller Proposer(const std::string& person) {
  return MakeCaller(person, common::v1::ROLE_PROPOSER);
}
inline Caller UnitClerk() {
  return MakeCaller("persons/clerk-1", common::v1::ROLE_UNIT_CLERK, "units/housing", "住建局承办人");
}
inline Caller Public() { return MakeCaller("public", common::v1::ROLE_PUBLIC); }

inline v1::Proposer Person(const std::string& id, const std::string& name,
                           const std::string& group, const std::string& phone = "") {
  v1::Proposer p;
  p.set_person(id);
  p.set_name(name);
  p.set_group(group);
  p.set_phone(phone);
  return p;
}

inline v1::SubmitItemRequest Suggestion(const std::string& title, const std::string& body,
                                        const std::string& lead = "persons/wang",
                                        int year = 2025,
                                        const std::string& session = kSession2025) {
  v1::SubmitItemRequest r;
  auto* item = r.mutable_item();
  item->set_kind(v1::ITEM_KIND_SUGGESTION);
  item->set_session(session);
  item->set_year(year);
  item->set_title(title);
  item->set_body(body);
  *item->mutable_lead_proposer() = Person(lead, "王建国", "城关镇代表团", "13812345678");
  *item->add_co_proposers() = Person("persons/li", "李秀英", "城关镇代表团");
  item->set_category("城乡建设");
  item->set_channel(v1::CHANNEL_CONGRESS_SYSTEM);
  return r;
}

inline v1::SubmitItemRequest Proposal(const std::string& title, const std::string& body,
                                      const std::string& lead = "persons/zhao") {
  v1::SubmitItemRequest r = Suggestion(title, body, lead, 2025, kCppccSession2025);
  r.mutable_item()->set_kind(v1::ITEM_KIND_PROPOSAL);
  *r.mutable_item()->mutable_lead_proposer() = Person(lead, "赵敏", "经济界");
  r.mutable_item()->clear_co_proposers();
  r.mutable_item()->set_channel(v1::CHANNEL_CPPCC_ONLINE);
  return r;
}

// Texts for similarity: one topic three ways, and unrelated topics.
inline constexpr char kPropertyTitle[] = "关于加快推进老旧小区物业管理全覆盖的建议";
inline constexpr char kPropertyBody[] =
    "我县城区现有老旧小区四十余个，大多建于上世纪九十年代，没有物业服务企业管理，"
    "楼道堆放杂物，垃圾清运不及时，路灯损坏无人维修，私搭乱建和乱停车现象突出，"
    "居民意见很大。建议由住建局牵头，街道和社区配合，通过政府补贴、居民自治等方式"
    "引入专业物业服务，设立老旧小区物业管理专项资金，建立物业服务质量考核机制，"
    "力争三年内实现老旧小区物业管理全覆盖。";
inline constexpr char kPropertyReworded[] =
    "城区不少老旧小区至今没有物业管理，楼道杂物堆放、垃圾清运不及时、路灯坏了没人修，"
    "乱停车问题也很严重，群众反映强烈。希望住建局会同街道社区，采取财政补贴和居民自治"
    "相结合的办法，为老旧小区引进物业服务企业，并安排专项资金，建立考核机制，"
    "逐步做到物业管理全覆盖。";
inline constexpr char kPropertyRewordedTitle[] = "关于解决老旧小区无物业管理问题的建议";
// The first text in traditional characters, as a member in Hong Kong or Taiwan would type it.
inline constexpr char kPropertyTraditionalTitle[] = "關於加快推進老舊小區物業管理全覆蓋的建議";
inline constexpr char kPropertyTraditionalBody[] =
    "我縣城區現有老舊小區四十餘個，大多建於上世紀九十年代，沒有物業服務企業管理，"
    "樓道堆放雜物，垃圾清運不及時，路燈損壞無人維修，私搭亂建和亂停車現象突出，"
    "居民意見很大。建議由住建局牽頭，街道和社區配合，通過政府補貼、居民自治等方式"
    "引入專業物業服務，設立老舊小區物業管理專項資金，建立物業服務質量考核機制，"
    "力爭三年內實現老舊小區物業管理全覆蓋。";

struct Topic {
  const char* title;
  const char* body;
};
inline constexpr Topic kUnrelated[] = {
    {"关于改造提升城区农贸市场的建议",
     "城东农贸市场建成已有二十多年，棚顶漏雨，地面积水，排水不畅，摊位布局杂乱，"
     "生鲜区与熟食区混杂，食品安全隐患较大。建议市场监管局和商务局制定改造方案，"
     "对市场进行标准化改造，完善冷链和检测设施，规范摊位经营。"},
    {"关于保障农村饮用水安全的建议",
     "部分偏远村组仍依靠山泉水和浅井取水，水质未经检测，枯水季节经常断水。"
     "建议水利局加快农村供水管网延伸工程建设，推进城乡供水一体化，"
     "建立水质定期检测制度，落实管护责任和经费。"},
    {"关于缓解义务教育阶段教师结构性短缺的建议",
     "乡镇学校音乐、体育、美术和信息技术教师严重不足，一名教师兼教多门学科，"
     "城区学校大班额问题依然存在。建议教育局统筹调配编制，实行县管校聘，"
     "加大紧缺学科教师招聘力度，完善乡村教师生活补助政策。"},
    {"关于加强县城河道综合治理的建议",
     "流经县城的两条河道淤积严重，沿岸生活污水直排，夏季异味明显，"
     "汛期行洪能力不足。建议生态环境局和水利局联合开展河道清淤疏浚，"
     "完善截污纳管工程，落实河长制，建设滨河生态绿道。"},
    {"关于改善乡村道路通行条件的建议",
     "我镇多条通村公路路面破损，路基狭窄，会车困难，缺少安全防护设施，"
     "雨天泥泞难行，群众出行和农产品运输很不方便。建议交通运输局将其纳入农村公路"
     "提档升级计划，拓宽路面，增设错车道和安保设施。"},
};

class IntakeFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("huiyin-intake-" + std::to_string(::getpid()) + "-" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db"))
                .string();
    RemoveFiles();
    DatabaseOptions options;
    options.path = path_;
    options.on_connection = [](SQLite::Database& c) {
      return text::RegisterBigramTokenizer(c.getHandle());
    };
    auto db = Database::Open(options, kMigrations);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    core_ = std::make_unique<IntakeCore>(*db_, clock_, ids_, Normalizer(), IntakeOptions{});
    ASSERT_TRUE(core_->Start().ok());
  }

  void TearDown() override {
    core_.reset();
    db_.reset();
    RemoveFiles();
  }

  static const text::TextNormalizer& Normalizer() {
    static const auto* normalizer = text::TextNormalizer::Create()->release();
    return *normalizer;
  }

  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  v1::Item Submit(const v1::SubmitItemRequest& request, const Caller& caller = CongressOffice()) {
    auto item = core_->SubmitItem(caller, request);
    EXPECT_TRUE(item.ok()) << item.status();
    return item.ok() ? *item : v1::Item();
  }

  v1::Item Accept(const std::string& name, const Caller& caller = CongressOffice()) {
    v1::AcceptItemRequest r;
    r.set_name(name);
    auto item = core_->AcceptItem(caller, r);
    EXPECT_TRUE(item.ok()) << item.status();
    return item.ok() ? *item : v1::Item();
  }

  FakeClock clock_{absl::FromCivil(absl::CivilSecond(2025, 1, 20, 9, 0, 0), ChinaTimeZone())};
  SequentialIdGenerator ids_{"item"};
  std::string path_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<IntakeCore> core_;
};

}  // namespace huiyin::intake::testing
