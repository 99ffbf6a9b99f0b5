// Intake's feed end to end: a real EventFeedService over a producer database that writes intake's
// events, and the EventConsumer applying them to assignment's store, across a restart.
#include "common/events/consumer.h"
#include "common/events/testing/fake_feed.h"
#include "gmock/gmock.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "huiyin/assignment/v1/assignment_events.pb.h"
#include "services/assignment/intake_client.h"
#include "services/assignment/testing.h"

namespace huiyin::assignment {
namespace {

using testing::AcceptedItem;
using ::testing::ElementsAre;
using testing::GovernmentOffice;

constexpr char kCredential[] = "feed-test-credential";

// Intake's feed, with the one fact assignment cares about.
class FakeIntakeFeed : public ::huiyin::testing::FakeFeed {
 public:
  explicit FakeIntakeFeed(const std::string& path)
      : FakeFeed("intake", path, kCredential, testing::CongressOffice()) {}
  void Accept(const intake::v1::Item& item) {
    intake::v1::ItemAccepted accepted;
    *accepted.mutable_item() = item;
    Publish(item.name(), accepted);
  }
};

class IntakeFeedTest : public testing::AssignmentFixture {
 protected:
  void TearDown() override {
    consumer_.reset();
    intake_.reset();  // removes its database
    AssignmentFixture::TearDown();
  }
  void StartConsumer() {
    EventConsumerOptions options;
    options.source = "intake";
    options.channel = grpc::CreateChannel(intake_->address(), grpc::InsecureChannelCredentials());
    options.internal_credential = kCredential;
    options.self = MakeCaller(kServicePrincipal, common::v1::ROLE_SYSTEM);
    options.page_size = 2;  // several pages, several transactions
    options.max_wait = absl::Seconds(1);
    options.max_backoff = absl::Milliseconds(200);
    consumer_ = std::make_unique<EventConsumer>(
        options, *db_, clock_, [this](SQLite::Database& tx, const events::v1::Event& e) {
          return core_->ApplyIntakeEvent(tx, e);
        });
    consumer_->Start();
  }
  bool WaitForApplied(int64_t sequence) {
    absl::Time until = absl::Now() + absl::Seconds(20);
    while (consumer_->applied_sequence() < sequence) {
      if (absl::Now() > until) return false;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return true;
  }
  std::vector<std::string> Waiting() {
    std::vector<std::string> out;
    auto waiting = core_->ListWaitingItems(GovernmentOffice(), {});
    EXPECT_TRUE(waiting.ok()) << waiting.status();
    for (const auto& item : waiting->items()) out.push_back(item.item());
    return out;
  }

  std::string intake_path_;
  std::unique_ptr<FakeIntakeFeed> intake_;
  std::unique_ptr<EventConsumer> consumer_;
};

TEST_F(IntakeFeedTest, AcceptedAndMergedItemsArriveOnceAcrossARestart) {
  intake_path_ = db_.path() + "-intake.db";
  intake_ = std::make_unique<FakeIntakeFeed>(intake_path_);
  intake::v1::ItemSubmitted submitted;  // not for assignment
  *submitted.mutable_item() = AcceptedItem("s1", "关于加强县城河道综合治理的建议", "生态环境", 0);
  intake_->Publish("items/s1", submitted);
  intake::v1::Item a1 =
      AcceptedItem("a1", "关于加快推进老旧小区物业管理全覆盖的建议", "城乡建设", 1);
  intake_->Accept(a1);
  intake_->Accept(AcceptedItem("a2", "关于改善乡村道路通行条件的建议", "交通", 2));
  google::protobuf::StringValue future;  // a type assignment does not know yet
  future.set_value("items/a2");
  intake_->Publish("items/a2", future);
  intake::v1::ItemMerged merged;
  merged.mutable_item()->set_name("items/m1");
  *merged.mutable_target() = a1;
  merged.mutable_target()->add_co_proposers()->set_person("persons/zhou");
  intake_->Publish("items/m1", merged);

  StartConsumer();
  ASSERT_TRUE(WaitForApplied(5));
  EXPECT_THAT(Waiting(), ElementsAre("items/a1", "items/a2"));
  consumer_->Stop();

  intake_->Accept(AcceptedItem("a3", "关于缓解义务教育阶段教师结构性短缺的建议", "教育", 3));
  StartConsumer();
  ASSERT_TRUE(WaitForApplied(6));
  consumer_->Stop();
  EXPECT_THAT(Waiting(), ElementsAre("items/a1", "items/a2", "items/a3"));
  EXPECT_EQ(EventsOf<v1::ItemAwaitingAssignment>().size(), 3u);
  Assign(testing::Sole("items/a1", "units/housing"));
  auto zhou = core_->GetAssignment(testing::Proposer("persons/zhou"), [] {
    v1::GetAssignmentRequest r;
    r.set_name("items/a1/assignment");
    return r;
  }());
  EXPECT_TRUE(zhou.ok()) << zhou.status();  // a proposer of the merged item
  ASSERT_TRUE(db_->Read([](SQLite::Database& c) {
                   EXPECT_EQ(ReadCursor(c, "intake"), 6);
                   return absl::OkStatus();
                 })
                  .ok());
}

}  // namespace
}  // namespace huiyin::assignment
