// What the fuzz targets of tests/fuzz share: a check that stops the run with the input that broke
// a property (libFuzzer then writes it out as a crash-… reproducer), the checks every
// validator's answer must pass, requests read from text format as gRPC would deliver them, and
// one text normalizer.
//
//   FUZZ_CHECK(IsValidUtf8(out), "redacted text is not UTF-8");
//   CheckValidation(status, {"item."}, "ValidateSubmission");
//   if (!ParseAsReceived(text, request)) return 0;
#pragma once

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "common/status/errors.h"
#include "common/text/normalize.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/text_format.h"

namespace huiyin::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              const std::string& what) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n  (%s)\n", file, line, what.c_str(),
               condition);
  std::abort();
}

#define FUZZ_CHECK(condition, what)                                               \
  do {                                                                            \
    if (!(condition)) ::huiyin::fuzz::Fail(__FILE__, __LINE__, #condition, what); \
  } while (false)

// A validator's answer: OK, or INVALID_ARGUMENT naming at least one field, each under one of
// `prefixes` (a request-level field such as "request_id" is listed by the caller), so the client
// learns which field is wrong. Nothing else (INTERNAL, a crash) is an answer to bad input.
inline void CheckValidation(const absl::Status& status,
                            std::initializer_list<const char*> prefixes,
                            const std::string& validator) {
  if (status.ok()) return;
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument,
             validator + " answered " + status.ToString());
  auto violations = FieldViolationsOf(status);
  FUZZ_CHECK(!violations.empty(), validator + " names no field: " + status.ToString());
  for (const auto& [field, description] : violations) {
    FUZZ_CHECK(!field.empty(), validator + " names an empty field");
    bool known = false;
    for (const char* p : prefixes) known = known || absl::StartsWith(field, p);
    FUZZ_CHECK(known, validator + " names an unexpected field \"" + field + "\"");
    FUZZ_CHECK(!description.empty(), validator + " gives no description for " + field);
  }
}

// `text` (protobuf text format) as a gRPC server would receive it: through the wire format,
// where strings that are not UTF-8 do not get through. False when it would not arrive.
inline bool ParseAsReceived(const std::string& text, google::protobuf::Message& message) {
  class Silent : public google::protobuf::io::ErrorCollector {
    void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  };
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);  // a string that is not UTF-8 is expected here
    return true;
  }();
  (void)quiet;
  Silent silent;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&silent);
  std::string wire;
  if (!parser.ParseFromString(text, &message) || !message.SerializeToString(&wire)) return false;
  message.Clear();
  return message.ParseFromString(wire);
}

// One normalizer for the whole run: loading OpenCC's dictionaries is slow, Normalize is const.
inline const text::TextNormalizer& SharedNormalizer() {
  static const text::TextNormalizer* normalizer = [] {
    auto created = text::TextNormalizer::Create();
    if (!created.ok()) std::abort();
    return created->release();
  }();
  return *normalizer;
}

}  // namespace huiyin::fuzz
