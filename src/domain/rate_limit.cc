// Fixed-window counters: one atomic cache increment per counted request, local maps as fallback.
#include "domain/rate_limit.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>

#include "base/decimal.h"
#include "base/log.h"
#include "http/respond.h"

namespace shortener {

namespace {

// A counter's value is start * kCountSpan + count: one atomic increment then yields both the
// count and the second its window opened, which RateLimit-Reset needs, with no second key that
// could disagree with the first. Unix seconds below 1.8e10 (year 2540) fit in 64 bits, and no
// window sees a billion requests.
constexpr uint64_t kCountSpan = 1000000000;
// Subjects longer than this, or with bytes memcached keys cannot hold, are hashed.
constexpr size_t kMaxPlainSubject = 128;
constexpr size_t kSubjectHashBytes = 16;
// Bounds this worker's counters while the cache is down: a flood of distinct subjects costs
// memory up to here, then windows already over are dropped, then all.
constexpr size_t kMaxLocalWindows = 100000;

bool PlainKeyText(std::string_view text) {
  for (char c : text) {
    const unsigned char b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f) return false;
  }
  return true;
}

// The decision on a window that opened at `start` and holds `count` requests, the one decided
// on among them when `counted`.
RateDecision Decide(const RateLimit& limit, int64_t start, int64_t count, bool counted,
                    int64_t now) {
  RateDecision decision;
  decision.limit = limit.count;
  decision.allowed = counted ? count <= limit.count : count < limit.count;
  decision.remaining = std::max<int64_t>(0, limit.count - count);
  // A window another instance's clock opened, or one the cache has not expired yet, can lie
  // outside [now, now + seconds]; the client is told something in range.
  decision.reset_seconds = count == 0
                               ? limit.seconds
                               : std::clamp<int64_t>(start + limit.seconds - now, 1, limit.seconds);
  return decision;
}

}  // namespace

std::string RateLimitKey(std::string_view rule, std::string_view subject) {
  std::string key = "rl:" + std::string(rule) + ":";
  if (subject.size() <= kMaxPlainSubject && PlainKeyText(subject))
    return key + std::string(subject);
  unsigned char hash[kSubjectHashBytes];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(subject.data()),
                     subject.size(), nullptr, 0);
  char hex[2 * kSubjectHashBytes + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return key + "#" + hex;
}

RateLimiter::RateLimiter(Cache* cache, std::function<int64_t()> clock)
    : cache_(cache), clock_(std::move(clock)) {}

void RateLimiter::SetShared(bool shared) {
  if (shared == shared_) return;
  shared_ = shared;
  if (shared) {
    // Counts made alone are no part of the shared ones; the next outage starts afresh.
    local_.clear();
    Log(Severity::kInfo, "memcached reachable again: rate limits are shared by all workers again");
  } else {
    Log(Severity::kWarn,
        "memcached unreachable: rate limits are counted per worker until it is back (each worker "
        "lets the full count through)");
  }
}

RateLimiter::Window& RateLimiter::Slot(Windows& windows, const std::string& key, int64_t now) {
  if (windows.size() >= kMaxLocalWindows && windows.find(key) == windows.end()) {
    for (auto it = windows.begin(); it != windows.end();) {
      it = it->second.start + it->second.seconds <= now ? windows.erase(it) : std::next(it);
    }
    if (windows.size() >= kMaxLocalWindows) windows.clear();
  }
  return windows[key];
}

RateLimiter::Window& RateLimiter::LocalWindow(const std::string& key, const RateLimit& limit,
                                              int64_t now) {
  Window& window = Slot(local_, key, now);
  if (window.count == 0 || window.start + window.seconds <= now) {
    window = Window{now, 0, limit.seconds};
  }
  return window;
}

RateDecision RateLimiter::Hit(std::string_view rule, std::string_view subject,
                              const RateLimit& limit) {
  const int64_t now = clock_();
  const std::string key = RateLimitKey(rule, subject);
  // The cache is asked even while counting locally: that is how its return is noticed, and an
  // unreachable memcached answers at once (libmemcached waits a second between retries).
  std::optional<uint64_t> value =
      cache_->Increment(key, static_cast<uint64_t>(now) * kCountSpan + 1, limit.seconds);
  SetShared(value.has_value());
  if (value) {
    const Window window{static_cast<int64_t>(*value / kCountSpan),
                        static_cast<int64_t>(*value % kCountSpan), limit.seconds};
    RateDecision decision = Decide(limit, window.start, window.count, /*counted=*/true, now);
    if (decision.remaining == 0) Slot(spent_, key, now) = window;
    return decision;
  }
  Window& window = LocalWindow(key, limit, now);
  ++window.count;
  return Decide(limit, window.start, window.count, /*counted=*/true, now);
}

RateDecision RateLimiter::Refund(std::string_view rule, std::string_view subject,
                                 const RateLimit& limit) {
  const int64_t now = clock_();
  const std::string key = RateLimitKey(rule, subject);
  if (shared_) {
    // The count sits in the low digits (kCountSpan), and the Hit being refunded made it at least
    // 1, so one decrement never reaches the start second.
    std::optional<uint64_t> value = cache_->Decrement(key);
    if (!value) return Decide(limit, now, 0, /*counted=*/true, now);
    return Decide(limit, static_cast<int64_t>(*value / kCountSpan),
                  static_cast<int64_t>(*value % kCountSpan), /*counted=*/true, now);
  }
  Window& window = LocalWindow(key, limit, now);
  if (window.count > 0) --window.count;
  return Decide(limit, window.start, window.count, /*counted=*/true, now);
}

RateDecision RateLimiter::Peek(std::string_view rule, std::string_view subject,
                               const RateLimit& limit) {
  const int64_t now = clock_();
  const std::string key = RateLimitKey(rule, subject);
  Windows& seen = shared_ ? spent_ : local_;
  auto it = seen.find(key);
  if (it == seen.end() || it->second.start + limit.seconds <= now) {
    if (it != seen.end()) seen.erase(it);
    return Decide(limit, now, 0, /*counted=*/false, now);
  }
  return Decide(limit, it->second.start, it->second.count, /*counted=*/false, now);
}

Result<Response> WithRateLimitHeaders(const RateDecision& decision, Result<Response> outcome) {
  AddAnswerHeader(&outcome, "RateLimit-Limit", std::to_string(decision.limit));
  AddAnswerHeader(&outcome, "RateLimit-Remaining", std::to_string(decision.remaining));
  AddAnswerHeader(&outcome, "RateLimit-Reset", std::to_string(decision.reset_seconds));
  return outcome;
}

const RateDecision& Tighter(const RateDecision& a, const RateDecision& b) {
  if (a.allowed != b.allowed) return a.allowed ? b : a;
  if (a.remaining != b.remaining) return a.remaining < b.remaining ? a : b;
  return a.reset_seconds >= b.reset_seconds ? a : b;
}

Error RateLimited(const RateDecision& decision) {
  Result<Response> refused = Error::Make(
      ErrorCode::kRateLimited,
      "Too many requests; try again in " + std::to_string(decision.reset_seconds) + " seconds.");
  AddAnswerHeader(&refused, "Retry-After", std::to_string(decision.reset_seconds));
  return WithRateLimitHeaders(decision, std::move(refused)).error();
}

}  // namespace shortener
