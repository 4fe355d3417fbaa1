// The per-worker click aggregator and its batched, idempotent flush.
#include "clicks.h"

#include <sodium.h>

#include <cstdlib>

namespace shortener {

namespace {

constexpr int64_t kSecondsPerDay = 86400;

// Floor division, so a time before 1970 still lands on its own day.
int64_t DayOf(int64_t unix_seconds) {
  int64_t day = unix_seconds / kSecondsPerDay;
  if (unix_seconds % kSecondsPerDay < 0) --day;
  return day;
}

}  // namespace

std::string RandomBatchId() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) std::abort();  // no kernel randomness: ids could repeat and clicks be dropped
  unsigned char bytes[16];
  randombytes_buf(bytes, sizeof bytes);
  char hex[2 * sizeof bytes + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return hex;
}

ClickCounter::ClickCounter(ClickStore* store, Clock clock, int64_t flush_interval,
                           BatchIdMaker make_id)
    : store_(store),
      clock_(std::move(clock)),
      flush_interval_(flush_interval),
      make_id_(std::move(make_id)),
      last_attempt_(clock_()) {}

void ClickCounter::Count(uint64_t link_id) { ++counts_[{link_id, DayOf(clock_())}]; }

std::optional<int64_t> ClickCounter::SecondsUntilDue() const {
  if (counts_.empty() && !in_flight_) return std::nullopt;
  int64_t now = clock_();
  // A clock set back must not hold the clicks until it catches up again.
  if (now < last_attempt_) return 0;
  int64_t left = last_attempt_ + flush_interval_ - now;
  return left > 0 ? left : 0;
}

Status ClickCounter::MaybeFlush() {
  std::optional<int64_t> left = SecondsUntilDue();
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
  last_attempt_ = clock_();
  if (in_flight_) {
    Status retried = SendInFlight();
    if (!retried.ok()) return retried;
  }
  if (counts_.empty()) return Status::Ok();
  ClickBatch batch;
  batch.id = make_id_();
  batch.counts.reserve(counts_.size());
  for (const auto& [key, clicks] : counts_) batch.counts.push_back({key.first, key.second, clicks});
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
