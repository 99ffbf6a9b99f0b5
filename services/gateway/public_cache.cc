#include "services/gateway/public_cache.h"

#include <algorithm>

#include "common/base/log.h"
#include "common/identity/caller.h"
#include "huiyin/events/v1/events.grpc.pb.h"

namespace huiyin::gateway {
namespace {

// Bookkeeping beside the bytes themselves (list node, map slot, strings' own headers).
constexpr size_t kEntryOverhead = 256;

size_t SizeOf(const std::string& key, const PublicResponse& r) {
  size_t n = kEntryOverhead + key.size() + r.content_type.size() + r.body.size() + r.etag.size();
  for (const auto& [name, value] : r.headers) n += name.size() + value.size();
  return n;
}

}  // namespace

PublicCache::PublicCache(size_t max_bytes) : max_bytes_(max_bytes) {}

std::shared_ptr<const PublicResponse> PublicCache::Find(const std::string& key, uint64_t version) {
  if (version == 0) return nullptr;
  absl::MutexLock lock(&mu_);
  if (version_.load(std::memory_order_relaxed) != version) return nullptr;
  auto found = by_key_.find(key);
  if (found == by_key_.end()) return nullptr;
  entries_.splice(entries_.begin(), entries_, found->second);
  return found->second->response;
}

void PublicCache::Insert(const std::string& key, uint64_t version,
                         std::shared_ptr<const PublicResponse> response) {
  if (version == 0 || response == nullptr) return;
  const size_t size = SizeOf(key, *response);
  // One response may take at most an eighth: a large export must not empty the cache.
  if (size > max_bytes_ / 8) return;
  absl::MutexLock lock(&mu_);
  if (version_.load(std::memory_order_relaxed) != version) return;  // rendered before a change
  if (auto found = by_key_.find(key); found != by_key_.end()) {
    bytes_ -= found->second->bytes;
    entries_.erase(found->second);
    by_key_.erase(found);
  }
  entries_.push_front(Entry{key, std::move(response), size});
  by_key_.emplace(key, entries_.begin());
  bytes_ += size;
  while (bytes_ > max_bytes_ && !entries_.empty()) {
    bytes_ -= entries_.back().bytes;
    by_key_.erase(entries_.back().key);
    entries_.pop_back();
  }
}

void PublicCache::Changed() {
  absl::MutexLock lock(&mu_);
  Clear();
  version_.store(++last_version_, std::memory_order_release);
}

void PublicCache::Unknown() {
  absl::MutexLock lock(&mu_);
  Clear();
  version_.store(0, std::memory_order_release);
}

void PublicCache::Clear() {
  entries_.clear();
  by_key_.clear();
  bytes_ = 0;
}

size_t PublicCache::bytes() {
  absl::MutexLock lock(&mu_);
  return bytes_;
}

size_t PublicCache::entries() {
  absl::MutexLock lock(&mu_);
  return entries_.size();
}

PublicVersionWatch::PublicVersionWatch(Options options, PublicCache& cache)
    : options_(std::move(options)), cache_(cache) {}

PublicVersionWatch::~PublicVersionWatch() { Stop(); }

void PublicVersionWatch::Start() {
  thread_ = std::thread([this] { Run(); });
}

void PublicVersionWatch::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  {
    absl::MutexLock lock(&mu_);
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  if (thread_.joinable()) thread_.join();
}

void PublicVersionWatch::Run() {
  int64_t head = -1;  // not known yet
  absl::Duration backoff = absl::Milliseconds(100);
  while (!stop_.HasBeenNotified()) {
    if (PollOnce(&head)) {
      backoff = absl::Milliseconds(100);
      continue;
    }
    cache_.Unknown();
    head = -1;
    stop_.WaitForNotificationWithTimeout(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  cache_.Unknown();
}

bool PublicVersionWatch::PollOnce(int64_t* head) {
  events::v1::ListEventsRequest request;
  request.set_after_sequence(std::max<int64_t>(0, *head));
  request.set_page_size(1);
  // The first poll only learns where the feed is; the next ones wait for it to move.
  const absl::Duration wait = *head < 0 ? absl::ZeroDuration() : options_.max_wait;
  request.mutable_max_wait()->set_seconds(absl::ToInt64Seconds(wait));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + wait + absl::Seconds(5)));
  AttachCaller(context, MakeCaller("services/gateway", common::v1::ROLE_SYSTEM),
               options_.internal_credential);
  {
    absl::MutexLock lock(&mu_);
    if (stop_.HasBeenNotified()) return true;
    in_flight_ = &context;
  }
  events::v1::ListEventsResponse response;
  grpc::Status status =
      events::v1::EventFeed::NewStub(options_.channel)->ListEvents(&context, request, &response);
  {
    absl::MutexLock lock(&mu_);
    in_flight_ = nullptr;
  }
  if (!status.ok()) {
    if (!stop_.HasBeenNotified()) {
      LogWarn("public cache off: disclosure's feed is unavailable",
              {{"code", static_cast<int>(status.error_code())}, {"error", status.error_message()}});
    }
    return false;
  }
  if (*head < 0 || response.head_sequence() != *head) {
    *head = response.head_sequence();
    cache_.Changed();
  }
  return true;
}

}  // namespace huiyin::gateway
