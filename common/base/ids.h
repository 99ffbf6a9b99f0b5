// Resource ids are injected like time: services take an IdGenerator, tests pass a predictable one.
//
//   RandomIdGenerator ids;
//   std::string id = ids.NewId();   // "k3v9x0c2m7q4p8rt": 16 chars of [0-9a-z], 80 random bits
#pragma once

#include <atomic>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace huiyin {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual std::string NewId() = 0;
};

class RandomIdGenerator final : public IdGenerator {
 public:
  std::string NewId() override {
    static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::string id(16, '0');
    absl::MutexLock lock(&mu_);
    for (char& c : id) c = kAlphabet[absl::Uniform(bitgen_, 0, 36)];
    return id;
  }

 private:
  absl::Mutex mu_;
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mu_);
};

// "prefix-1", "prefix-2", … for tests.
class SequentialIdGenerator final : public IdGenerator {
 public:
  explicit SequentialIdGenerator(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string NewId() override { return absl::StrCat(prefix_, "-", ++next_); }

 private:
  std::string prefix_;
  std::atomic<int> next_{0};
};

}  // namespace huiyin
