#include "tests/bench/year.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/base/clock.h"
#include "huiyin/assignment/v1/assignment.pb.h"
#include "huiyin/disclosure/v1/disclosure.pb.h"
#include "huiyin/intake/v1/intake.pb.h"
#include "huiyin/supervision/v1/supervision.pb.h"
#include "huiyin/workflow/v1/workflow.pb.h"
#include "tests/bench/transport.h"

namespace huiyin::bench {
namespace {

namespace av1 = assignment::v1;
namespace dv1 = disclosure::v1;
namespace iv1 = intake::v1;
namespace sv1 = supervision::v1;
namespace wv1 = workflow::v1;
using common::v1::Role;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

// The items' year (the figures checked are this year's). Dates are counted from today, over the
// placeholder calendar the stack loads past the shipped years
// (deploy/local/placeholder_calendar.py).
constexpr int kYear = 2026;

// The contract's methods the year calls.
struct Contract {
  const MethodDescriptor& create_unit = M("assignment.v1.AssignmentService.CreateUnit");
  const MethodDescriptor& submit = M("intake.v1.IntakeService.SubmitItem");
  const MethodDescriptor& accept = M("intake.v1.IntakeService.AcceptItem");
  const MethodDescriptor& assign = M("assignment.v1.AssignmentService.AssignItem");
  const MethodDescriptor& list_tasks = M("workflow.v1.WorkflowService.ListTasks");
  const MethodDescriptor& acknowledge = M("workflow.v1.WorkflowService.AcknowledgeTask");
  const MethodDescriptor& plan = M("workflow.v1.WorkflowService.SubmitPlan");
  const MethodDescriptor& contact = M("workflow.v1.WorkflowService.RecordContact");
  const MethodDescriptor& opinion = M("workflow.v1.WorkflowService.SendOpinion");
  const MethodDescriptor& review_opinion = M("workflow.v1.WorkflowService.ReviewOpinion");
  const MethodDescriptor& draft = M("workflow.v1.WorkflowService.DraftAnswer");
  const MethodDescriptor& review = M("workflow.v1.WorkflowService.ReviewAnswer");
  const MethodDescriptor& sign = M("workflow.v1.WorkflowService.SignAnswer");
  const MethodDescriptor& issue = M("workflow.v1.WorkflowService.IssueAnswer");
  const MethodDescriptor& evaluate = M("workflow.v1.WorkflowService.EvaluateAnswer");
  const MethodDescriptor& public_record = M("disclosure.v1.DisclosureService.GetPublicDisclosure");
  const MethodDescriptor& records = M("disclosure.v1.DisclosureService.ListDisclosures");
  const MethodDescriptor& figures = M("supervision.v1.SupervisionService.GetFigures");

  static const MethodDescriptor& M(const std::string& name) {
    return ContractMethod("huiyin." + name);
  }
};

// The steps of an item's life, each with its row.
enum Step {
  kSubmit,
  kAccept,
  kAssign,
  kAcknowledge,
  kPlan,
  kContact,
  kOpinion,
  kOpinionReview,
  kDraft,
  kReview,
  kSign,
  kIssue,
  kEvaluate,
  kDisclose,
  kSteps
};

struct StepRow {
  const char* name;
  const char* note;
};
const StepRow kStepRows[kSteps] = {
    {"submit", "SubmitItem: the congress's and CPPCC's systems over gRPC, the proposer over REST"},
    {"accept", "AcceptItem (立案) by the congress or CPPCC office"},
    {"assign",
     "AssignItem (交办) by the government office; polls until assignment has read the "
     "accepted item from intake's feed"},
    {"acknowledge",
     "ListTasks + AcknowledgeTask (签收, 三级负责) by each unit's clerk, lead and "
     "co-handler; polls until workflow has made the task from assignment's feed"},
    {"plan", "SubmitPlan (办理方案) by the lead unit's clerk"},
    {"contact", "RecordContact: 办前, 办中 and 办后 见面, three per item"},
    {"co-handler opinion", "SendOpinion (协办意见) by the co-handling unit's clerk"},
    {"opinion review", "ReviewOpinion by the lead unit's clerk"},
    {"answer draft", "DraftAnswer (复函, class A/B/C, pre-checked)"},
    {"answer review", "ReviewAnswer (审核) by the deputy head named at acknowledgement"},
    {"sign", "SignAnswer (审签) by the head, then the leading official for a key item"},
    {"issue", "IssueAnswer (答复) by the clerk"},
    {"evaluate", "EvaluateAnswer (测评) by the lead proposer"},
    {"disclose",
     "GetPublicDisclosure, anonymous; polls until the public record shows the answer "
     "and its rating"},
};

// ---------------------------------------------------------------------------------------------
// The people of the year.

// A bureau of every county, by the category it handles (the categories of the item templates).
struct Bureau {
  const char* name;
  const char* category;
  const char* section;
};
const Bureau kBureaus[] = {
    {"住房和城乡建设局", "城乡建设", "城建股"},
    {"民政局", "社会管理", "社会事务股"},
    {"农业农村局", "农村基础设施", "农村建设股"},
    {"生态环境分局", "生态环境", "环境管理股"},
    {"卫生健康局", "民生保障", "医政股"},
    {"发展和改革局", "产业发展", "产业股"},
    {"教育局", "教育", "基础教育股"},
    {"交通运输局", "交通", "公路股"},
};
constexpr int kBureauCount = sizeof kBureaus / sizeof kBureaus[0];
const char* kCounties[] = {"临江县", "青山县", "白河县", "石门县", "清水县", "长宁县", "安平县",
                           "永和县", "新丰县", "龙泉县", "桃源县", "柳城县", "东山县", "西峡县",
                           "北川县", "南岭县", "丰乐县", "广安县", "太平县", "平山县", "建宁县",
                           "宁远县", "金溪县", "玉山县", "泰和县", "兴国县", "宜章县", "汝城县",
                           "桂东县", "嘉禾县", "临武县", "蓝山县", "江华县", "双峰县", "新化县",
                           "隆回县", "洞口县", "绥宁县", "城步县", "会同县"};
constexpr int kCountyCount = sizeof kCounties / sizeof kCounties[0];
const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                           "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
const char* kGivenNames[] = {"建华", "秀英", "志强", "丽娟", "海涛", "春梅", "国平", "晓燕",
                             "文斌", "红霞", "德明", "桂兰", "立新", "玉芳", "永红", "静"};

std::string PersonName(int64_t n) {
  return absl::StrCat(kSurnames[n % 20], kGivenNames[(n / 20) % 16]);
}

struct UnitPeople {
  std::string id;    // the {unit} of units/{unit}
  std::string name;  // "units/…"
  std::string display_name;
  std::string section;
  int bureau = 0;
  Caller head, deputy, clerk;
};

const Caller kCongressOffice =
    MakeCaller("persons/p-9005", common::v1::ROLE_CONGRESS_OFFICE, "", "县人大常委会选联工委 孙敏");
const Caller kCppccOffice =
    MakeCaller("persons/p-9105", common::v1::ROLE_CPPCC_OFFICE, "", "县政协提案委员会 周丽");
const Caller kGovernmentOffice = MakeCaller("persons/p-9201", common::v1::ROLE_GOVERNMENT_OFFICE,
                                            "", "县政府办公室 督查股 钱峰");
const Caller kSupervisionOffice =
    MakeCaller("persons/p-9401", common::v1::ROLE_SUPERVISION_OFFICE, "", "县政府督查室 郑洁");
const Caller kPublic = MakeCaller("", common::v1::ROLE_PUBLIC);
const Caller kCongressSystem =
    MakeCaller("systems/congress-suggestions", common::v1::ROLE_SYSTEM, "", "人大代表建议管理系统");
const Caller kCppccSystem =
    MakeCaller("systems/cppcc-online", common::v1::ROLE_SYSTEM, "", "委员在线提案管理系统");
const char* kLeadingOfficials[][2] = {{"persons/p-8001", "副县长 刘洋"},
                                      {"persons/p-8002", "副县长 陈立"},
                                      {"persons/p-8003", "副县长 王芳"}};

std::string Today() { return absl::FormatCivilTime(SystemClock().Today()); }

std::string InChinese(absl::CivilDay d) {
  return absl::StrFormat("%d年%d月%d日", d.year(), d.month(), d.day());
}

std::string TodayInChinese() { return InChinese(SystemClock().Today()); }

// The handling deadline (办结时限) of every item, and the two commitments of a B answer: fixed
// once for the run, so that an answer's text and its commitments name the same dates even when
// the run passes midnight.
absl::CivilDay Deadline() {
  static const absl::CivilDay deadline = SystemClock().Today() + 120;
  return deadline;
}
absl::CivilDay FirstCommitmentDue() {
  static const absl::CivilDay due = SystemClock().Today() + 90;
  return due;
}

// ---------------------------------------------------------------------------------------------
// One item's life: who does what to it, and what became of it.
struct Life {
  int64_t n = 0;
  iv1::Item item;
  const UnitPeople* lead = nullptr;
  const UnitPeople* co = nullptr;  // a co-handling unit on every third item
  bool key = false;                // 重点件 on every 25th item, with its leading official
  Caller official;
  Caller proposer;
  wv1::AnswerClass answer_class = wv1::ANSWER_CLASS_A;
  wv1::Rating rating = wv1::RATING_SATISFIED;
  std::string lead_task, co_task, answer;
  bool lived = false;  // reached the public record
};

std::string ItemId(const std::string& item_name) {
  return item_name.substr(item_name.find('/') + 1);
}

std::string AnswerText(const Life& life) {
  std::string body;
  switch (life.answer_class) {
    case wv1::ANSWER_CLASS_B:
      body = absl::StrCat("所提问题确需解决，我单位已将其列入工作计划：",
                          InChinese(FirstCommitmentDue()), "前完成方案设计和资金测算，",
                          InChinese(Deadline()), "前启动实施，并将进展情况及时向您报告。");
      break;
    case wv1::ANSWER_CLASS_C:
      body =
          "经研究，受现行政策和本年度财力所限，所提事项暂不具备实施条件。我们将积极向上级争取"
          "政策和资金支持，条件具备时优先安排，并向您通报。";
      break;
    default:
      body = absl::StrFormat(
          "经认真研究并实地调查，所提问题已列入实施项目，目前已完成施工招标，"
          "预计%d年%d月底前完工投用，群众反映的问题将得到解决。",
          Deadline().year(), Deadline().month());
  }
  return absl::StrCat("尊敬的", life.item.kind() == iv1::ITEM_KIND_PROPOSAL ? "委员" : "代表",
                      "：\n您提出的《", life.item.title(),
                      "》收悉。我单位高度重视，成立了由主要负责人任组长的办理工作专班，经认真研究，"
                      "现答复如下：\n",
                      body, "\n感谢您对我们工作的关心和支持。\n联系人：",
                      life.lead->clerk.display_name(), "，电话：0731-5550000\n",
                      life.lead->display_name, "\n", TodayInChinese());
}

// ---------------------------------------------------------------------------------------------
struct YearOptions {
  int items = 10000;
  int units = 300;
  int clients = 48;
  double wait_seconds = 120;
  std::string run_id;  // keeps unit and person ids of this run apart from earlier ones
};

// Supervision's counts for the year and disclosure's published records, before and after.
struct Snapshot {
  sv1::FigureCounts counts;
  int64_t published = 0;
};

class Year {
 public:
  Year(Transport& transport, YearOptions options)
      : transport_(transport),
        options_(std::move(options)),
        label_("year over " + transport.name()),
        tag_(absl::StrCat("y", options_.run_id, transport.name() == "gRPC" ? "g" : "r")),
        latencies_(options_.clients),
        lives_(options_.items) {}

  std::vector<Result> Run();

 private:
  absl::Status Call(int worker, const MethodDescriptor& method, const Caller& caller,
                    const Message& request, Message& response) {
    return transport_.Call(worker, method, caller, request, response);
  }
  // One step: `attempt` until it is no longer `waiting` (a feed not read yet) or the wait is too
  // long; the time from the first attempt, waits included, goes to the step's row.
  absl::Status Timed(int worker, Step step, const std::function<absl::Status()>& attempt,
                     const std::function<bool(const absl::Status&)>& waiting = nullptr);
  absl::Status TimedCall(int worker, Step step, const MethodDescriptor& method,
                         const Caller& caller, const Message& request, Message& response) {
    return Timed(worker, step, [&] { return Call(worker, method, caller, request, response); });
  }

  void MakeUnits();
  bool CreateUnit(int worker, int64_t i, std::string* error);
  Life PlanLife(int64_t n) const;
  bool LiveItem(int worker, int64_t n, std::string* error);
  absl::Status Register(int worker, Life& life);
  absl::Status Assign(int worker, Life& life);
  absl::Status Acknowledge(int worker, const Life& life, const UnitPeople& unit, std::string* task);
  absl::Status Handle(int worker, Life& life);
  absl::Status CoHandle(int worker, Life& life);
  absl::Status Contact(int worker, const Life& life, wv1::ContactStage stage);
  absl::Status Answer(int worker, Life& life);
  absl::Status Close(int worker, Life& life);

  absl::StatusOr<Snapshot> TakeSnapshot();
  void Check(const Snapshot& before, Result& whole);
  int64_t CheckTasks(std::string* first);
  int64_t CheckFigures(const Snapshot& before, std::string* first, double* settle_seconds);
  std::vector<Result> StepRows(double seconds) const;
  std::string RequestId(int64_t n, const char* what) const {
    return absl::StrCat(tag_, "-", n, "-", what);
  }

  Transport& transport_;
  const YearOptions options_;
  const Contract methods_;
  const std::string label_;
  const std::string tag_;
  std::vector<UnitPeople> units_;
  std::vector<std::array<std::vector<float>, kSteps>> latencies_;  // [worker][step], ms
  std::array<std::atomic<int64_t>, kSteps> step_errors_{};
  std::mutex error_mu_;
  std::array<std::string, kSteps> first_step_errors_;
  std::vector<Life> lives_;  // [n], each written only by the worker carrying item n
  std::atomic<int64_t> lived_{0}, died_{0};
};

absl::Status Year::Timed(int worker, Step step, const std::function<absl::Status()>& attempt,
                         const std::function<bool(const absl::Status&)>& waiting) {
  const auto begin = Clock::now();
  const auto give_up = begin + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(options_.wait_seconds));
  auto pause = std::chrono::milliseconds(2);
  absl::Status s = attempt();
  while (waiting && waiting(s)) {
    if (Clock::now() > give_up) {
      s = absl::DeadlineExceededError(
          absl::StrFormat("still waiting after %.0f s: %s", options_.wait_seconds, s.ToString()));
      break;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
    s = attempt();
  }
  if (s.ok()) {
    latencies_[worker][step].push_back(
        std::chrono::duration<float, std::milli>(Clock::now() - begin).count());
    return s;
  }
  step_errors_[step].fetch_add(1);
  s = absl::Status(s.code(), absl::StrCat(kStepRows[step].name, ": ", s.message()));
  std::lock_guard<std::mutex> lock(error_mu_);
  if (first_step_errors_[step].empty()) first_step_errors_[step] = s.ToString();
  return s;
}

// ---------------------------------------------------------------------------------------------
// Set-up: the units, each a county's bureau with its head, deputy head and clerk.
void Year::MakeUnits() {
  for (int i = 0; i < options_.units; ++i) {
    UnitPeople u;
    u.bureau = i % kBureauCount;
    const Bureau& b = kBureaus[u.bureau];
    u.id = absl::StrCat(tag_, "-", i);
    u.name = "units/" + u.id;
    int county = (i / kBureauCount) % kCountyCount;
    int round = i / (kBureauCount * kCountyCount);
    u.display_name = absl::StrCat(kCounties[county], b.name,
                                  round > 0 ? absl::StrCat("（", round + 1, "）") : "");
    u.section = b.section;
    auto person = [&](const char* role) { return absl::StrCat("persons/", u.id, "-", role); };
    u.head = MakeCaller(person("head"), common::v1::ROLE_UNIT_HEAD, u.name, PersonName(3 * i));
    u.deputy = MakeCaller(person("deputy"), common::v1::ROLE_UNIT_DEPUTY_HEAD, u.name,
                          PersonName(3 * i + 1));
    u.clerk =
        MakeCaller(person("clerk"), common::v1::ROLE_UNIT_CLERK, u.name, PersonName(3 * i + 2));
    units_.push_back(std::move(u));
  }
}

bool Year::CreateUnit(int worker, int64_t i, std::string* error) {
  const UnitPeople& u = units_[i];
  av1::CreateUnitRequest request;
  request.set_unit_id(u.id);
  av1::Unit* unit = request.mutable_unit();
  unit->set_display_name(u.display_name);
  unit->set_kind(av1::UNIT_KIND_BUREAU);
  unit->set_active(true);
  unit->add_categories(kBureaus[u.bureau].category);
  for (const auto& [who, role] : {std::pair{&u.head, av1::MEMBER_ROLE_HEAD},
                                  std::pair{&u.deputy, av1::MEMBER_ROLE_DEPUTY_HEAD},
                                  std::pair{&u.clerk, av1::MEMBER_ROLE_CLERK}}) {
    av1::UnitMember* m = unit->add_members();
    m->set_person(who->principal());
    m->set_name(who->display_name());
    m->set_role(role);
    m->set_section(role == av1::MEMBER_ROLE_HEAD ? "局办公室" : u.section);
  }
  av1::Unit created;
  absl::Status s = Call(worker, methods_.create_unit, kGovernmentOffice, request, created);
  if (!s.ok()) *error = s.ToString();
  return s.ok();
}

// ---------------------------------------------------------------------------------------------
// The life of item n.
Life Year::PlanLife(int64_t n) const {
  Life life;
  life.n = n;
  FillItem(n, &life.item);
  if (transport_.name() == "REST") life.item.set_channel(iv1::CHANNEL_WEB);
  // The lead unit handles the item's category (a county's bureau, in turn); with fewer units
  // than categories, any unit.
  const int units = options_.units;
  int lead = static_cast<int>(n % units);
  for (int b = 0; b < kBureauCount; ++b) {
    int of_category = b < units ? (units - b + kBureauCount - 1) / kBureauCount : 0;
    if (life.item.category() == kBureaus[b].category && of_category > 0) {
      lead = b + kBureauCount * static_cast<int>((n / kBureauCount) % of_category);
    }
  }
  life.lead = &units_[lead];
  if (n % 3 == 1 && units > 1) life.co = &units_[(lead + 1 + n % (units - 1)) % units];
  life.key = n % 25 == 0;
  const auto& official = kLeadingOfficials[n % 3];
  life.official = MakeCaller(official[0], common::v1::ROLE_LEADING_OFFICIAL, "", official[1]);
  life.proposer = MakeCaller(life.item.lead_proposer().person(), common::v1::ROLE_PROPOSER, "",
                             life.item.lead_proposer().name());
  // A: solved (six in ten), B: planned, with dated commitments (three), C: not now (one).
  int share = static_cast<int>(n % 10);
  life.answer_class = share < 6   ? wv1::ANSWER_CLASS_A
                      : share < 9 ? wv1::ANSWER_CLASS_B
                                  : wv1::ANSWER_CLASS_C;
  life.rating = n % 5 == 4 ? wv1::RATING_BASICALLY_SATISFIED : wv1::RATING_SATISFIED;
  return life;
}

bool Year::LiveItem(int worker, int64_t n, std::string* error) {
  Life& life = lives_[n];
  life = PlanLife(n);
  absl::Status s = Register(worker, life);
  if (s.ok()) s = Assign(worker, life);
  if (s.ok()) s = Handle(worker, life);
  if (s.ok()) s = Answer(worker, life);
  if (s.ok()) s = Close(worker, life);
  life.lived = s.ok();
  (s.ok() ? lived_ : died_).fetch_add(1);
  if (!s.ok()) *error = absl::StrCat("item ", n, ": ", s.ToString());
  return s.ok();
}

// 提出 and 立案.
absl::Status Year::Register(int worker, Life& life) {
  const bool proposal = life.item.kind() == iv1::ITEM_KIND_PROPOSAL;
  iv1::SubmitItemRequest submit;
  submit.set_request_id(RequestId(life.n, "submit"));
  *submit.mutable_item() = life.item;
  // Over gRPC the congress's and the CPPCC's systems pass their items on; over REST the
  // proposer submits on the web.
  const Caller& submitter = transport_.name() == "REST" ? life.proposer
                            : proposal                  ? kCppccSystem
                                                        : kCongressSystem;
  if (auto s = TimedCall(worker, kSubmit, methods_.submit, submitter, submit, life.item); !s.ok()) {
    return s;
  }
  iv1::AcceptItemRequest accept;
  accept.set_name(life.item.name());
  accept.set_request_id(RequestId(life.n, "accept"));
  return TimedCall(worker, kAccept, methods_.accept, proposal ? kCppccOffice : kCongressOffice,
                   accept, life.item);
}

// 交办, once assignment has read the accepted item from intake's feed.
absl::Status Year::Assign(int worker, Life& life) {
  av1::AssignItemRequest request;
  request.set_request_id(RequestId(life.n, "assign"));
  av1::AssignmentPlan* plan = request.mutable_plan();
  plan->set_item(life.item.name());
  plan->set_mode(life.co ? av1::ASSIGNMENT_MODE_LEAD_AND_CO : av1::ASSIGNMENT_MODE_SOLE);
  av1::AssignedUnit* lead = plan->add_units();
  lead->set_unit(life.lead->name);
  lead->set_role(av1::UNIT_ROLE_LEAD);
  if (life.co) {
    av1::AssignedUnit* co = plan->add_units();
    co->set_unit(life.co->name);
    co->set_role(av1::UNIT_ROLE_CO);
  }
  plan->mutable_deadline()->set_fixed_date(absl::FormatCivilTime(Deadline()));
  plan->set_note("请按时办理，加强与代表委员沟通");
  if (life.key) {
    plan->set_key(true);
    plan->set_leading_official(life.official.principal());
    plan->set_leading_official_name(life.official.display_name());
  }
  av1::Assignment assignment;
  return Timed(
      worker, kAssign,
      [&] { return Call(worker, methods_.assign, kGovernmentOffice, request, assignment); },
      [](const absl::Status& s) { return absl::IsNotFound(s); });
}

// 签收 by the unit's clerk, once workflow has made the unit's task from assignment's feed.
absl::Status Year::Acknowledge(int worker, const Life& life, const UnitPeople& unit,
                               std::string* task) {
  wv1::ListTasksRequest list;
  list.set_item(life.item.name());
  wv1::AcknowledgeTaskRequest acknowledge;
  wv1::Responsible* r = acknowledge.mutable_responsible();
  r->set_head(unit.head.principal());
  r->set_deputy_head(unit.deputy.principal());
  r->set_section(unit.section);
  r->set_clerk(unit.clerk.principal());
  return Timed(
      worker, kAcknowledge,
      [&]() -> absl::Status {
        if (task->empty()) {
          wv1::ListTasksResponse tasks;
          if (auto s = Call(worker, methods_.list_tasks, unit.clerk, list, tasks); !s.ok()) {
            return s;
          }
          if (tasks.tasks().empty()) return absl::NotFoundError("no task of the unit yet");
          *task = tasks.tasks(0).name();
        }
        acknowledge.set_name(*task);
        wv1::Task acknowledged;
        return Call(worker, methods_.acknowledge, unit.clerk, acknowledge, acknowledged);
      },
      [](const absl::Status& s) {
        return absl::IsNotFound(s) ||
               (absl::IsFailedPrecondition(s) && absl::StrContains(s.message(), "not known yet"));
      });
}

absl::Status Year::Contact(int worker, const Life& life, wv1::ContactStage stage) {
  static const std::map<wv1::ContactStage, std::pair<wv1::ContactMode, const char*>> kContacts = {
      {wv1::CONTACT_STAGE_BEFORE,
       {wv1::CONTACT_MODE_FACE_TO_FACE, "办理前当面听取代表委员意见，商定办理思路和时间安排"}},
      {wv1::CONTACT_STAGE_DURING,
       {wv1::CONTACT_MODE_SITE_VISIT, "办理中陪同代表委员实地察看，通报办理进展，听取改进意见"}},
      {wv1::CONTACT_STAGE_AFTER,
       {wv1::CONTACT_MODE_FACE_TO_FACE,
        "答复后当面送达复函，说明办理结果和后续安排，征求满意度意见"}}};
  wv1::RecordContactRequest request;
  request.set_name(life.lead_task);
  request.set_request_id(RequestId(life.n, wv1::ContactStage_Name(stage).c_str()));
  wv1::Contact* c = request.mutable_contact();
  c->set_stage(stage);
  c->set_mode(kContacts.at(stage).first);
  c->set_contact_date(Today());
  c->add_participants(life.lead->clerk.display_name());
  c->add_participants(life.proposer.display_name());
  c->set_summary(kContacts.at(stage).second);
  wv1::Contact recorded;
  return TimedCall(worker, kContact, methods_.contact, life.lead->clerk, request, recorded);
}

// 签收, 办理方案, 办前见面, the co-handler's opinion, 办中见面.
absl::Status Year::Handle(int worker, Life& life) {
  if (auto s = Acknowledge(worker, life, *life.lead, &life.lead_task); !s.ok()) return s;
  wv1::SubmitPlanRequest plan;
  plan.set_name(life.lead_task);
  plan.set_text(
      absl::StrCat("成立由", life.lead->head.display_name(),
                   "任组长的办理工作专班，一个月内完成实地调研，制定整改措施并明确时间节点，"
                   "按期答复代表委员。"));
  plan.set_plan_date(Today());
  wv1::Task planned;
  if (auto s = TimedCall(worker, kPlan, methods_.plan, life.lead->clerk, plan, planned); !s.ok()) {
    return s;
  }
  if (auto s = Contact(worker, life, wv1::CONTACT_STAGE_BEFORE); !s.ok()) return s;
  if (auto s = CoHandle(worker, life); !s.ok()) return s;
  return Contact(worker, life, wv1::CONTACT_STAGE_DURING);
}

// 协办: the co-handling unit acknowledges and sends its opinion; the lead unit accepts it (the
// head cannot sign while it waits).
absl::Status Year::CoHandle(int worker, Life& life) {
  if (life.co == nullptr) return absl::OkStatus();
  if (auto s = Acknowledge(worker, life, *life.co, &life.co_task); !s.ok()) return s;
  wv1::SendOpinionRequest send;
  send.set_name(life.co_task);
  send.set_request_id(RequestId(life.n, "opinion"));
  send.set_text(absl::StrCat(life.co->display_name,
                             "同意主办单位的办理思路，将负责做好属地协调、配套保障和群众工作，"
                             "相关经费列入本单位年度预算。"));
  wv1::Opinion opinion;
  if (auto s = TimedCall(worker, kOpinion, methods_.opinion, life.co->clerk, send, opinion);
      !s.ok()) {
    return s;
  }
  wv1::ReviewOpinionRequest review;
  review.set_name(opinion.name());
  review.set_accept(true);
  wv1::Opinion reviewed;
  return TimedCall(worker, kOpinionReview, methods_.review_opinion, life.lead->clerk, review,
                   reviewed);
}

// 复函: drafted by the clerk, reviewed by the deputy head, signed by the head (and the leading
// official of a key item), issued.
absl::Status Year::Answer(int worker, Life& life) {
  wv1::DraftAnswerRequest draft;
  draft.set_name(life.lead_task);
  draft.set_request_id(RequestId(life.n, "answer"));
  wv1::Answer* a = draft.mutable_answer();
  a->set_answer_class(life.answer_class);
  a->set_text(AnswerText(life));
  a->set_contact_person(life.lead->clerk.display_name());
  a->set_contact_phone("0731-5550000");
  if (life.answer_class == wv1::ANSWER_CLASS_B) {
    wv1::Commitment* first = a->add_commitments();
    first->set_text("完成方案设计和资金测算");
    first->set_due_date(absl::FormatCivilTime(FirstCommitmentDue()));
    wv1::Commitment* second = a->add_commitments();
    second->set_text("启动实施并报告进展");
    second->set_due_date(absl::FormatCivilTime(Deadline()));
  }
  if (life.answer_class == wv1::ANSWER_CLASS_C) {
    a->set_explanation("受现行政策和本年度财力所限，暂不具备实施条件");
  }
  wv1::Answer answer;
  if (auto s = TimedCall(worker, kDraft, methods_.draft, life.lead->clerk, draft, answer);
      !s.ok()) {
    return s;
  }
  life.answer = answer.name();
  wv1::ReviewAnswerRequest review;
  review.set_name(life.answer);
  review.set_approve(true);
  if (auto s = TimedCall(worker, kReview, methods_.review, life.lead->deputy, review, answer);
      !s.ok()) {
    return s;
  }
  wv1::SignAnswerRequest sign;
  sign.set_name(life.answer);
  if (auto s = TimedCall(worker, kSign, methods_.sign, life.lead->head, sign, answer); !s.ok()) {
    return s;
  }
  if (life.key) {
    if (auto s = TimedCall(worker, kSign, methods_.sign, life.official, sign, answer); !s.ok()) {
      return s;
    }
  }
  wv1::IssueAnswerRequest issue;
  issue.set_name(life.answer);
  return TimedCall(worker, kIssue, methods_.issue, life.lead->clerk, issue, answer);
}

// 办后见面, 测评, and the public record (公开) with the answer and its rating.
absl::Status Year::Close(int worker, Life& life) {
  if (auto s = Contact(worker, life, wv1::CONTACT_STAGE_AFTER); !s.ok()) return s;
  wv1::EvaluateAnswerRequest evaluate;
  evaluate.set_name(life.answer);
  evaluate.set_rating(life.rating);
  evaluate.set_comment(life.rating == wv1::RATING_SATISFIED ? "答复具体，措施有力，满意"
                                                            : "答复基本解决问题，希望加快落实");
  wv1::Answer evaluated;
  if (auto s = TimedCall(worker, kEvaluate, methods_.evaluate, life.proposer, evaluate, evaluated);
      !s.ok()) {
    return s;
  }
  dv1::GetPublicDisclosureRequest get;
  get.set_name("disclosures/" + ItemId(life.item.name()));
  return Timed(
      worker, kDisclose,
      [&]() -> absl::Status {
        dv1::Disclosure record;
        if (auto s = Call(worker, methods_.public_record, kPublic, get, record); !s.ok()) return s;
        for (const auto& a : record.answers()) {
          if (a.answer() == life.answer && a.rating() == life.rating) return absl::OkStatus();
        }
        return absl::NotFoundError("the public record does not show the rated answer yet");
      },
      [](const absl::Status& s) { return absl::IsNotFound(s); });
}

// ---------------------------------------------------------------------------------------------
// The checks after the year.
absl::StatusOr<Snapshot> Year::TakeSnapshot() {
  Snapshot snap;
  sv1::GetFiguresRequest figures;
  figures.set_year(kYear);
  figures.set_group_by(sv1::GROUP_BY_NONE);
  sv1::GetFiguresResponse rows;
  if (auto s = Call(0, methods_.figures, kSupervisionOffice, figures, rows); !s.ok()) return s;
  if (!rows.rows().empty()) snap.counts = rows.rows(0).counts();
  dv1::ListDisclosuresRequest records;
  records.set_state(dv1::DISCLOSURE_STATE_PUBLISHED);
  records.set_year(kYear);
  records.set_page_size(1);
  dv1::ListDisclosuresResponse page;
  if (auto s = Call(0, methods_.records, kGovernmentOffice, records, page); !s.ok()) return s;
  snap.published = page.total_size();
  return snap;
}

// Every task of every item that lived: closed, or for class B (commitments open until fulfilled,
// 跨年度) answered and rated with the co-handler's part done. The mismatches.
int64_t Year::CheckTasks(std::string* first) {
  std::map<std::string, wv1::Task> tasks;
  wv1::ListTasksRequest list;
  list.set_year(kYear);
  list.set_page_size(500);
  do {
    wv1::ListTasksResponse page;
    if (auto s = Call(0, methods_.list_tasks, kGovernmentOffice, list, page); !s.ok()) {
      *first = "ListTasks: " + s.ToString();
      return 1;
    }
    for (auto& t : *page.mutable_tasks()) tasks[t.name()] = std::move(t);
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  int64_t mismatches = 0;
  auto expect = [&](const Life& life, const std::string& task, wv1::TaskState state) {
    auto it = tasks.find(task);
    wv1::TaskState found = it == tasks.end() ? wv1::TASK_STATE_UNSPECIFIED : it->second.state();
    if (found == state) return;
    if (mismatches++ == 0) {
      *first = absl::StrCat("item ", life.n, " (", life.item.name(), "): task ", task, " is ",
                            wv1::TaskState_Name(found), ", expected ", wv1::TaskState_Name(state));
    }
  };
  for (const Life& life : lives_) {
    if (!life.lived) continue;
    bool b = life.answer_class == wv1::ANSWER_CLASS_B;
    expect(life, life.lead_task, b ? wv1::TASK_STATE_ANSWERED : wv1::TASK_STATE_CLOSED);
    if (life.co) {
      expect(life, life.co_task, b ? wv1::TASK_STATE_OPINION_SENT : wv1::TASK_STATE_CLOSED);
    }
  }
  return mismatches;
}

// Supervision's figures for the year grown by what the year did, once supervision has read the
// feeds (polled). The mismatches; `settle_seconds` is how long supervision took to catch up.
int64_t Year::CheckFigures(const Snapshot& before, std::string* first, double* settle_seconds) {
  int64_t lived = 0, closed = 0;
  for (const Life& life : lives_) {
    lived += life.lived;
    closed += life.lived && life.answer_class != wv1::ANSWER_CLASS_B;
  }
  auto start = Clock::now();
  Snapshot after;
  auto caught_up = [&] {
    const auto& a = after.counts;
    const auto& b = before.counts;
    return a.answered() - b.answered() >= lived && a.rated() - b.rated() >= lived &&
           a.disclosed_on_time() - b.disclosed_on_time() >= lived &&
           after.published - before.published >= lived;
  };
  while (true) {
    auto snap = TakeSnapshot();
    if (!snap.ok()) {
      *first = "figures: " + snap.status().ToString();
      return 1;
    }
    after = *snap;
    double waited = std::chrono::duration<double>(Clock::now() - start).count();
    if (caught_up() || waited > options_.wait_seconds) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *settle_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const sv1::FigureCounts& a = after.counts;
  const sv1::FigureCounts& b = before.counts;
  const std::vector<std::tuple<const char*, int64_t, int64_t>> expected = {
      {"assigned", a.assigned() - b.assigned(), lived},
      {"answered", a.answered() - b.answered(), lived},
      {"answered on time", a.answered_on_time() - b.answered_on_time(), lived},
      {"rated", a.rated() - b.rated(), lived},
      {"met (见面)", a.met() - b.met(), lived},
      {"closed", a.closed() - b.closed(), closed},
      {"disclosed on time", a.disclosed_on_time() - b.disclosed_on_time(), lived},
      {"published records", after.published - before.published, lived}};
  int64_t mismatches = 0;
  for (const auto& [what, grew, want] : expected) {
    if (grew == want) continue;
    if (mismatches++ == 0) {
      *first =
          absl::StrCat("figures of ", kYear, ": ", what, " grew by ", grew, ", expected ", want);
    }
  }
  return mismatches;
}

void Year::Check(const Snapshot& before, Result& whole) {
  std::string first_task, first_figure;
  double settle = 0;
  int64_t figure_mismatches = CheckFigures(before, &first_figure, &settle);
  int64_t task_mismatches = CheckTasks(&first_task);
  whole.errors += figure_mismatches + task_mismatches;
  if (whole.first_error.empty()) {
    whole.first_error = !first_figure.empty() ? first_figure : first_task;
  }
  absl::StrAppend(&whole.note,
                  absl::StrFormat("; checked: tasks in their end state (%d mismatches), "
                                  "figures and public records grown by the year (%d "
                                  "mismatches), supervision caught up %.1f s after the last item",
                                  task_mismatches, figure_mismatches, settle));
}

std::vector<Result> Year::StepRows(double seconds) const {
  std::vector<Result> rows;
  for (int step = 0; step < kSteps; ++step) {
    std::vector<float> all;
    for (const auto& worker : latencies_) {
      all.insert(all.end(), worker[step].begin(), worker[step].end());
    }
    Result r = Summarize(absl::StrCat(label_, ": ", kStepRows[step].name), std::move(all),
                         step_errors_[step].load(), seconds, options_.clients);
    r.first_error = first_step_errors_[step];
    r.note = absl::StrCat(kStepRows[step].note, "; throughput over the year's wall time");
    r.limit = kYearGoal;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<Result> Year::Run() {
  std::vector<Result> rows;
  MakeUnits();
  Result units = RunLoad(
      label_ + ": create unit", options_.clients, kNoTimeLimit, options_.units,
      [&](int worker, int64_t i, std::string* error) { return CreateUnit(worker, i, error); });
  units.note = "CreateUnit (承办单位 with head, deputy head and clerk) by the government office";
  units.limit =
      transport_.name() == "gRPC" ? "limit: empty gRPC call" : "limit: minimal HTTP response";
  rows.push_back(units);
  auto before = TakeSnapshot();
  if (!before.ok()) {
    Result failed;
    failed.operation = label_ + ": whole life";
    failed.errors = 1;
    failed.first_error = "figures before the year: " + before.status().ToString();
    failed.limit = kYearGoal;
    rows.push_back(failed);
    return rows;
  }
  std::atomic<bool> over{false};
  std::thread ticker([&] {
    auto start = Clock::now();
    while (!over.load()) {
      for (int i = 0; i < 50 && !over.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (over.load()) break;
      Progress(absl::StrFormat("%s: %d of %d items through their whole life, %d failed, %.0f s",
                               label_, lived_.load(), options_.items, died_.load(),
                               std::chrono::duration<double>(Clock::now() - start).count()));
    }
  });
  Result whole = RunLoad(
      label_ + ": whole life", options_.clients, kNoTimeLimit, options_.items,
      [&](int worker, int64_t n, std::string* error) { return LiveItem(worker, n, error); });
  over = true;
  ticker.join();
  whole.unit = "items";
  whole.limit = kYearGoal;
  int64_t co = 0, key = 0;
  for (const Life& life : lives_) {
    co += life.co != nullptr;
    key += life.key;
  }
  whole.note = absl::StrFormat(
      "%d items (%d with a co-handler, %d key items; answers A/B/C 6:3:1), %d units, %d "
      "clients: whole life in %.1f s, goal 60 s for 10,000 items and 300 units",
      options_.items, co, key, options_.units, options_.clients, whole.seconds);
  Check(*before, whole);
  rows.push_back(whole);
  for (Result& r : StepRows(whole.seconds)) rows.push_back(std::move(r));
  return rows;
}

}  // namespace

std::vector<Result> RunYears(const Stack& stack) {
  YearOptions options;
  options.items = IntFlag("year_items", 10000);
  options.units = std::max(1, IntFlag("year_units", 300));
  options.clients = std::max(1, IntFlag("year_clients", 48));
  options.wait_seconds = DoubleFlag("year_wait_seconds", 120);
  options.run_id = absl::StrFormat("%06x", std::random_device{}() & 0xffffff);
  std::vector<Result> rows;
  if (options.items <= 0) return rows;
  for (const std::string& kind :
       std::vector<std::string>(absl::StrSplit(Flag("year_transports", "grpc,rest"), ','))) {
    absl::StatusOr<std::unique_ptr<Transport>> transport;
    if (kind == "grpc") {
      transport = MakeGrpcTransport(
          {{"huiyin.intake.v1.IntakeService", stack.Address("intake")},
           {"huiyin.assignment.v1.AssignmentService", stack.Address("assignment")},
           {"huiyin.workflow.v1.WorkflowService", stack.Address("workflow")},
           {"huiyin.supervision.v1.SupervisionService", stack.Address("supervision")},
           {"huiyin.disclosure.v1.DisclosureService", stack.Address("disclosure")}},
          stack.credential, std::min(options.clients, 8));
    } else if (kind == "rest") {
      int port =
          std::atoi(stack.gateway_address.substr(stack.gateway_address.rfind(':') + 1).c_str());
      transport = MakeRestTransport(port, stack.jwt_secret, options.clients);
    } else {
      transport = absl::InvalidArgumentError("--year_transports takes grpc and rest");
    }
    if (!transport.ok()) {
      Result failed;
      failed.operation = absl::StrCat("year over ", kind, ": whole life");
      failed.errors = 1;
      failed.first_error = transport.status().ToString();
      failed.limit = kYearGoal;
      rows.push_back(failed);
      continue;
    }
    Progress(absl::StrFormat("year over %s: %d units, %d items, %d clients", (*transport)->name(),
                             options.units, options.items, options.clients));
    const auto cpu_before = stack.CpuSeconds();
    for (Result& r : Year(**transport, options).Run()) {
      if (absl::EndsWith(r.operation, ": whole life")) {
        absl::StrAppend(&r.note, "; ",
                        CpuPerOperation(cpu_before, stack.CpuSeconds(), options.items, "item"));
      }
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

void PrintYearSummary(const std::vector<Result>& results) {
  for (const Result& r : results) {
    if (!absl::EndsWith(r.operation, ": whole life")) continue;
    std::printf("%s: %s; %lld error(s)%s\n", r.operation.c_str(), r.note.c_str(),
                static_cast<long long>(r.errors),
                r.first_error.empty() ? "" : (" (first: " + r.first_error + ")").c_str());
  }
  std::fflush(stdout);
}

}  // namespace huiyin::bench
