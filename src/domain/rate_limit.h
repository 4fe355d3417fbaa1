// Rate limits (API.md "Rate limits"): fixed windows counted in the shared cache, so every worker
// and instance draws on one count; per-worker counters while the cache is unreachable.
#ifndef SHORTENER_RATE_LIMIT_H_
#define SHORTENER_RATE_LIMIT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/error.h"
#include "domain/cache.h"
#include "http/http.h"

namespace shortener {

// A rate limit (API.md "Rate limits"): at most `count` requests in a window of `seconds` that
// opens with the first counted request. Written "count/seconds" in the config.
struct RateLimit {
  int64_t count = 0;
  int64_t seconds = 0;
};

inline bool operator==(const RateLimit& a, const RateLimit& b) {
  return a.count == b.count && a.seconds == b.seconds;
}

// What a limit says of one request, and what the RateLimit-* headers tell the client.
struct RateDecision {
  bool allowed = true;
  int64_t limit = 0;          // the limit's count
  int64_t remaining = 0;      // requests the window lets through after those counted so far
  int64_t reset_seconds = 0;  // until the window ends: 1 to the limit's seconds
};

class RateLimiter {
 public:
  // Borrows `cache`, which must outlive this object. `clock` gives unix seconds.
  RateLimiter(Cache* cache, std::function<int64_t()> clock);

  // Counts one request of `subject` under `rule` (e.g. "create" and a user id; rule names keep
  // the limits apart) and decides it: allowed while the window's count, this request included,
  // is at most limit.count. The window opens with the first counted request and lasts
  // limit.seconds; refused requests count too, without extending it. Every instance sharing the
  // cache shares the count. While the cache is unreachable each worker counts on its own, with
  // the same rules, and the log says so once (and once when the cache is back).
  // `subject` may hold any bytes.
  RateDecision Hit(std::string_view rule, std::string_view subject, const RateLimit& limit);

  // Takes back one request Hit counted for `subject` under `rule` and returns the decision as
  // it stands afterwards: for limits on outcomes (failed logins), which count every attempt
  // before the work, so that concurrent attempts cannot all pass a check made before any of them
  // counted, and refund the ones whose outcome is not counted. A window that ended meanwhile is
  // left alone.
  RateDecision Refund(std::string_view rule, std::string_view subject, const RateLimit& limit);

  // Decides as if one more request of `subject` were counted, without counting it and without
  // asking the cache: from this worker's own Hits. A window that one of them found used up is
  // refused until it ends; any other is allowed, though other workers' Hits may have used it up
  // too (this worker learns so at its next Hit of `subject`, refused, since Hit counts in the
  // shared window). For a check that must cost nothing, not even a cache round trip: the
  // redirect path's 404 limit, looked at before every MySQL read of a slug not in the cache.
  RateDecision Peek(std::string_view rule, std::string_view subject, const RateLimit& limit);

  // False while counting per worker (the cache's last answer to Hit was none).
  bool shared() const { return shared_; }

 private:
  struct Window {
    int64_t start = 0;
    int64_t count = 0;
    int64_t seconds = 0;
  };

  using Windows = std::unordered_map<std::string, Window>;

  // windows[key], made room for: a map of kMaxLocalWindows entries drops its ended windows, and
  // all of them if none had ended, so that no flood of subjects grows a worker without bound.
  static Window& Slot(Windows& windows, const std::string& key, int64_t now);
  // The window `key` would count in now under this worker's counters, a fresh one if the last
  // ended.
  Window& LocalWindow(const std::string& key, const RateLimit& limit, int64_t now);
  void SetShared(bool shared);

  Cache* cache_;
  std::function<int64_t()> clock_;
  bool shared_ = true;
  Windows local_;
  // While counting in the cache: the shared windows that this worker's Hits found used up (no
  // request left), for Peek.
  Windows spent_;
};

// The cache key of `subject` under `rule`: readable when the subject is short printable ASCII,
// else a hash of it (memcached keys are at most 250 bytes without spaces or control bytes).
std::string RateLimitKey(std::string_view rule, std::string_view subject);

// The one wrapper of a limited endpoint's answers: `outcome` with RateLimit-Limit,
// RateLimit-Remaining and RateLimit-Reset (seconds) of `decision`, success or error alike.
Result<Response> WithRateLimitHeaders(const RateDecision& decision, Result<Response> outcome);

// Of two decisions on one request, the one its headers should show: a refusal, else the one with
// fewer requests remaining (on a tie, the longer wait).
const RateDecision& Tighter(const RateDecision& a, const RateDecision& b);

// The error of a refused request: kRateLimited (429) with Retry-After (the seconds until the
// window ends) and the RateLimit-* headers.
Error RateLimited(const RateDecision& decision);

}  // namespace shortener

#endif  // SHORTENER_RATE_LIMIT_H_
