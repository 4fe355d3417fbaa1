// The per-worker click aggregator and its batched, idempotent flush.
#include "domain/clicks.h"

#include <sodium.h>

#include <chrono>
#include <cstdlib>

#include "base/sodium.h"

namespace shortener {

namespace {

constexpr int64_t kSecondsPerDay = 86400;

}  // namespace

int64_t UtcDay(int64_t unix_seconds) {
  int64_t day = unix_seconds / kSecondsPerDay;
  if (unix_seconds % kSecondsPerDay < 0) --day;
  return day;
}

std::string RandomBatchId() {
  RequireSodium();  // without kernel randomness ids could repeat and clicks be dropped
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

int64_t RandomPhaseMillis(int64_t interval_ms) {
  if (interval_ms <= 1) return 0;
  RequireSodium();
  return static_cast<int64_t>(randombytes_uniform(static_cast<uint32_t>(interval_ms)));
}

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

ClickCounter::ClickCounter(ClickStore* store, Clock clock, int64_t flush_interval,
                           BatchIdMaker make_id, Clock schedule_ms, int64_t phase_ms)
    : store_(store),
      clock_(std::move(clock)),
      flush_interval_ms_(flush_interval * 1000),
      make_id_(std::move(make_id)),
      schedule_ms_(schedule_ms ? std::move(schedule_ms)
                               : Clock([this] { return clock_() * 1000; })),
      last_attempt_ms_(schedule_ms_() - phase_ms) {}

void ClickCounter::Count(uint64_t link_id) { ++counts_[{link_id, UtcDay(clock_())}]; }

void ClickCounter::CountVisit(const Visit& visit) {
  ++counts_[{visit.link_id, visit.day}];
  visits_.Add(visit);
}

std::optional<int64_t> ClickCounter::MillisUntilDue() const {
  if (counts_.empty() && !in_flight_) return std::nullopt;
  int64_t now = schedule_ms_();
  // A clock set back must not hold the clicks until it catches up again.
  if (now < last_attempt_ms_) return 0;
  return last_attempt_ms_ + flush_interval_ms_ - now;
}

std::optional<int64_t> ClickCounter::SecondsUntilDue() const {
  std::optional<int64_t> left = MillisUntilDue();
  if (!left) return std::nullopt;
  return *left > 0 ? (*left + 999) / 1000 : 0;
}

Status ClickCounter::MaybeFlush() {
  std::optional<int64_t> left = MillisUntilDue();
  if (!left || *left > 0) return Status::Ok();
  return Flush();
}

Status ClickCounter::SendInFlight() {
  Result<bool> sent = store_->AddClicks(*in_flight_);
  if (!sent.ok()) return sent.error();
  // Applied now or by an earlier attempt: either way its forget list was applied with it.
  applied_ids_.assign(1, in_flight_->id);
  in_flight_.reset();
  return Status::Ok();
}

Status ClickCounter::Flush() {
  last_attempt_ms_ = schedule_ms_();
  if (in_flight_) {
    Status retried = SendInFlight();
    if (!retried.ok()) return retried;
  }
  if (counts_.empty()) return Status::Ok();
  ClickBatch batch;
  batch.id = make_id_();
  batch.counts.reserve(counts_.size());
  for (const auto& [key, clicks] : counts_) batch.counts.push_back({key.first, key.second, clicks});
  std::map<LinkDay, DayStats> visits = visits_.Take();
  batch.visits.reserve(visits.size());
  for (auto& [key, stats] : visits) {
    batch.visits.push_back(VisitRollup{key.first, key.second, std::move(stats)});
  }
  batch.forget = std::move(applied_ids_);
  applied_ids_.clear();
  counts_.clear();
  // From here on the batch is frozen: a retry must send exactly what this attempt sent.
  in_flight_ = std::move(batch);
  return SendInFlight();
}

uint64_t ClickCounter::pending() const {
  uint64_t total = 0;
  for (const auto& entry : counts_) total += entry.second;
  if (in_flight_) {
    for (const ClickCount& count : in_flight_->counts) total += count.clicks;
  }
  return total;
}

}  // namespace shortener
