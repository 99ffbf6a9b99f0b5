#include "common/config/config.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"

namespace huiyin {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::Status SetScalar(Message& msg, const FieldDescriptor& field, const std::string& value,
                       const std::string& origin) {
  const auto* reflection = msg.GetReflection();
  auto bad = [&](const char* expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": \"", value, "\" is not ", expected, " (", field.full_name(), ")"));
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      reflection->SetString(&msg, &field, value);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      reflection->SetInt32(&msg, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      reflection->SetInt64(&msg, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      reflection->SetDouble(&msg, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!absl::SimpleAtob(value, &v)) return bad("true or false");
      reflection->SetBool(&msg, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = field.enum_type()->FindValueByName(value);
      if (e == nullptr) return bad("a known value");
      reflection->SetEnum(&msg, &field, e);
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat(origin, ": ", field.full_name(),
                                                     " cannot be set from a flag"));
  }
}

// Finds "section.field" in Config; nullptr if there is no such scalar field.
std::pair<Message*, const FieldDescriptor*> Resolve(config::v1::Config& config,
                                                    absl::string_view path) {
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  if (parts.size() != 2) return {nullptr, nullptr};
  const auto* section = config.GetDescriptor()->FindFieldByName(parts[0]);
  if (section == nullptr || section->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return {nullptr, nullptr};
  }
  Message* sub = config.GetReflection()->MutableMessage(&config, section);
  const auto* field = sub->GetDescriptor()->FindFieldByName(parts[1]);
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return {nullptr, nullptr};
  }
  return {sub, field};
}

absl::Status MergeFile(config::v1::Config& config, const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read config file ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (absl::EndsWith(path, ".textproto") || absl::EndsWith(path, ".txtpb")) {
    if (!google::protobuf::TextFormat::MergeFromString(buffer.str(), &config)) {
      return absl::InvalidArgumentError(absl::StrCat("config file ", path, " is not valid text format"));
    }
    return absl::OkStatus();
  }
  config::v1::Config from_file;
  auto status = google::protobuf::util::JsonStringToMessage(buffer.str(), &from_file);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("config file ", path, ": ", std::string(status.message())));
  }
  config.MergeFrom(from_file);
  return absl::OkStatus();
}

std::string EnvName(const std::string& path) {
  std::string name = "HUIYIN_" + path;
  for (char& c : name) c = c == '.' ? '_' : absl::ascii_toupper(c);
  return name;
}

}  // namespace

config::v1::Config DefaultConfig(const std::string& service, int grpc_port) {
  config::v1::Config c;
  auto* s = c.mutable_server();
  s->set_grpc_address(absl::StrCat("127.0.0.1:", grpc_port));
  s->set_admin_address(absl::StrCat("127.0.0.1:", grpc_port + 90));
  s->set_database_path(absl::StrCat("var/", service, ".db"));
  s->set_log_level("info");
  s->set_drain_seconds(10);
  s->set_read_connections(4);
  s->set_max_write_batch(256);
  auto* intake = c.mutable_intake();
  intake->set_similar_limit(10);
  intake->set_similar_min_score(0.15);
  intake->set_recurring_years(10);
  intake->set_index_batch(500);
  intake->set_opencc_config("t2s.json");
  auto* gateway = c.mutable_gateway();
  gateway->set_http_address("127.0.0.1:8080");
  gateway->set_intake_address("127.0.0.1:7101");
  gateway->set_assignment_address("127.0.0.1:7102");
  gateway->set_workflow_address("127.0.0.1:7103");
  gateway->set_supervision_address("127.0.0.1:7104");
  gateway->set_disclosure_address("127.0.0.1:7105");
  gateway->set_backend_deadline_ms(5000);
  gateway->set_max_body_bytes(1 << 20);
  gateway->set_rate_limit_per_second(50);
  gateway->set_rate_limit_burst(100);
  gateway->set_http_threads(64);
  gateway->set_public_cache_seconds(60);
  gateway->set_public_cache_bytes(64 << 20);
  auto* assignment = c.mutable_assignment();
  assignment->set_intake_address("127.0.0.1:7101");
  assignment->set_objection_working_days(5);
  assignment->set_default_deadline_months(3);
  assignment->set_max_deadline_months(6);
  assignment->set_intake_deadline_ms(3000);
  auto* workflow = c.mutable_workflow();
  workflow->set_intake_address("127.0.0.1:7101");
  workflow->set_assignment_address("127.0.0.1:7102");
  workflow->set_co_opinion_working_days(30);
  workflow->set_second_handling_months(3);
  auto* supervision = c.mutable_supervision();
  supervision->set_intake_address("127.0.0.1:7101");
  supervision->set_assignment_address("127.0.0.1:7102");
  supervision->set_workflow_address("127.0.0.1:7103");
  supervision->set_due_soon_working_days(10);
  supervision->set_acknowledgement_working_days(3);
  supervision->set_plan_due_month_day("04-20");
  supervision->set_plan_working_days(15);
  supervision->set_co_opinion_working_days(30);
  supervision->set_disclosure_working_days(20);
  supervision->set_step_due_soon_working_days(3);
  supervision->set_red_overdue_working_days(5);
  supervision->set_red_returned_count(2);
  supervision->set_notice_sweep_seconds(60);
  for (const auto& [kind, points, cap] : std::vector<std::tuple<const char*, double, double>>{
           {"DEDUCTION_KIND_ANSWER_LATE", 1, 10},
           {"DEDUCTION_KIND_ANSWER_RETURNED", 1, 10},
           {"DEDUCTION_KIND_UNSATISFIED", 2, 10},
           {"DEDUCTION_KIND_NOT_MET", 0.5, 5},
           {"DEDUCTION_KIND_CO_OPINION_LATE", 0.5, 5},
           {"DEDUCTION_KIND_COMMITMENT_OVERDUE", 1, 10}}) {
    auto* rule = supervision->add_deduction_rules();
    rule->set_kind(kind);
    rule->set_points(points);
    rule->set_cap(cap);
  }
  supervision->set_score_base(100);
  supervision->set_export_max_rows(20000);
  supervision->set_workflow_deadline_ms(5000);
  supervision->set_disclosure_address("127.0.0.1:7105");
  auto* disclosure = c.mutable_disclosure();
  disclosure->set_intake_address("127.0.0.1:7101");
  disclosure->set_workflow_address("127.0.0.1:7103");
  disclosure->set_disclosure_working_days(20);
  disclosure->set_public_base_url("http://127.0.0.1:8080");
  disclosure->set_site_title("建议提案办理结果公开");
  disclosure->set_webhook_initial_backoff_ms(2000);
  disclosure->set_webhook_max_backoff_ms(600000);
  disclosure->set_webhook_timeout_ms(5000);
  c.mutable_tls()->set_allowed_peer_names(
      "gateway,intake,assignment,workflow,supervision,disclosure");
  return c;
}

std::vector<std::string> ConfigFieldPaths() {
  std::vector<std::string> out;
  const auto* d = config::v1::Config::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* section = d->field(i);
    if (section->message_type() == nullptr) continue;
    for (int j = 0; j < section->message_type()->field_count(); ++j) {
      const auto* f = section->message_type()->field(j);
      std::string path = absl::StrCat(section->name(), ".", f->name());
      out.push_back(absl::StrCat("--", path, "=", f->type_name(), "  (env ", EnvName(path), ")"));
    }
  }
  return out;
}

absl::StatusOr<config::v1::Config> LoadConfig(const config::v1::Config& defaults, int argc,
                                             const char* const* argv, const EnvLookup& getenv) {
  config::v1::Config config = defaults;
  std::vector<std::pair<std::string, std::string>> flags;
  std::string file = getenv("HUIYIN_CONFIG") ? getenv("HUIYIN_CONFIG") : "";
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << "usage: " << argv[0] << " [--config=FILE] [--section.field=VALUE ...]\n";
      for (const auto& line : ConfigFieldPaths()) std::cout << "  " << line << "\n";
      return absl::CancelledError("help printed");
    }
    if (!absl::ConsumePrefix(&arg, "--") || arg.find('=') == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument \"", argv[i],
                                                     "\"; flags look like --server.grpc_address=HOST:PORT"));
    }
    std::pair<std::string, std::string> kv = absl::StrSplit(arg, absl::MaxSplits('=', 1));
    if (kv.first == "config") {
      file = kv.second;
    } else {
      flags.push_back(std::move(kv));
    }
  }
  if (!file.empty()) {
    if (auto s = MergeFile(config, file); !s.ok()) return s;
  }
  for (const auto& path : ConfigFieldPaths()) {
    std::string name = path.substr(2, path.find('=') - 2);
    const char* value = getenv(EnvName(name).c_str());
    if (value == nullptr) continue;
    auto [msg, field] = Resolve(config, name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(EnvName(name), ": a list or message is set in the config file, not here"));
    }
    if (auto s = SetScalar(*msg, *field, value, EnvName(name)); !s.ok()) return s;
  }
  for (const auto& [name, value] : flags) {
    auto [msg, field] = Resolve(config, name);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name, "; see --help"));
    }
    if (auto s = SetScalar(*msg, *field, value, "--" + name); !s.ok()) return s;
  }
  return config;
}

}  // namespace huiyin
