// Unit tests of src/domain/rate_limit.h: fixed windows over a fake shared cache, the per-worker
// fallback while it is down, the keys, and the headers and 429 answer.
#include "domain/rate_limit.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/respond.h"

namespace shortener {
namespace {

constexpr int64_t kNow = 1795348800;  // 2026-11-22T12:00:00Z

// A shared cache with memcached's counter semantics and expiry by a settable clock; `down`
// makes every call fail as an unreachable server does.
class FakeCache : public Cache {
 public:
  explicit FakeCache(const int64_t* now) : now_(now) {}

  std::optional<std::string> Get(const std::string& key) override {
    ++gets;
    if (down) return std::nullopt;
    Expire(key);
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return std::to_string(it->second.value);
  }
  void Add(const std::string&, const std::string&, int64_t) override {}
  void Set(const std::string&, const std::string&, int64_t) override {}
  std::optional<uint64_t> Increment(const std::string& key, uint64_t initial,
                                    int64_t ttl_seconds) override {
    ++increments;
    if (down) return std::nullopt;
    Expire(key);
    auto it = values_.find(key);
    if (it == values_.end()) {
      values_[key] = Entry{initial, *now_ + ttl_seconds};
      return initial;
    }
    return ++it->second.value;
  }
  std::optional<uint64_t> Decrement(const std::string& key) override {
    if (down) return std::nullopt;
    Expire(key);
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    if (it->second.value > 0) --it->second.value;
    return it->second.value;
  }
  void Delete(const std::string& key) override { values_.erase(key); }
  bool Alive() override { return !down; }

  bool down = false;
  int increments = 0;
  int gets = 0;

 private:
  struct Entry {
    uint64_t value;
    int64_t expires_at;
  };
  void Expire(const std::string& key) {
    auto it = values_.find(key);
    if (it != values_.end() && it->second.expires_at <= *now_) values_.erase(it);
  }

  const int64_t* now_;
  std::map<std::string, Entry> values_;
};

struct Env {
  Env() : cache(&now), limiter(&cache, [this] { return now; }) {}
  int64_t now = kNow;
  FakeCache cache;
  RateLimiter limiter;
};

const RateLimit kThreePerMinute = {3, 60};

BOOST_AUTO_TEST_SUITE(rate_limit)

// The same scenario runs on the shared counters and on the per-worker fallback.
void RunWindowScenario(Env* env) {
  // The window opens with the first request, at kNow + 5.
  env->now = kNow + 5;
  struct Step {
    int64_t at;  // seconds after kNow
    bool allowed;
    int64_t remaining;
    int64_t reset;
  };
  const std::vector<Step> steps = {
      {5, true, 2, 60},  {20, true, 1, 45}, {30, true, 0, 35},  {31, false, 0, 34},
      {64, false, 0, 1}, {65, true, 2, 60},  // a new window opens with the next request
      {66, true, 1, 59}, {124, true, 0, 1}, {125, true, 2, 60},
  };
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    BOOST_TEST_CONTEXT("step " << i << " at +" << step.at) {
      env->now = kNow + step.at;
      RateDecision d = env->limiter.Hit("create", "user:7", kThreePerMinute);
      BOOST_TEST(d.allowed == step.allowed);
      BOOST_TEST(d.limit == 3);
      BOOST_TEST(d.remaining == step.remaining);
      BOOST_TEST(d.reset_seconds == step.reset);
    }
  }
}

BOOST_AUTO_TEST_CASE(fixed_window_opened_by_the_first_request) {
  Env env;
  RunWindowScenario(&env);
  BOOST_TEST(env.limiter.shared());
}

BOOST_AUTO_TEST_CASE(per_worker_counters_follow_the_same_rules_while_the_cache_is_down) {
  Env env;
  env.cache.down = true;
  RunWindowScenario(&env);
  BOOST_TEST(!env.limiter.shared());
}

BOOST_AUTO_TEST_CASE(subjects_and_rules_are_counted_apart) {
  Env env;
  for (int i = 0; i < 3; ++i) env.limiter.Hit("create", "user:1", kThreePerMinute);
  BOOST_TEST(!env.limiter.Hit("create", "user:1", kThreePerMinute).allowed);
  BOOST_TEST(env.limiter.Hit("create", "user:2", kThreePerMinute).allowed);
  BOOST_TEST(env.limiter.Hit("signup", "user:1", kThreePerMinute).allowed);
}

BOOST_AUTO_TEST_CASE(limiters_sharing_a_cache_share_the_count) {
  int64_t now = kNow;
  FakeCache cache(&now);
  RateLimiter worker_a(&cache, [&now] { return now; });
  RateLimiter worker_b(&cache, [&now] { return now; });
  BOOST_TEST(worker_a.Hit("create", "u", kThreePerMinute).remaining == 2);
  now += 10;
  BOOST_TEST(worker_b.Hit("create", "u", kThreePerMinute).remaining == 1);
  BOOST_TEST(worker_a.Hit("create", "u", kThreePerMinute).allowed);
  RateDecision refused = worker_b.Hit("create", "u", kThreePerMinute);
  BOOST_TEST(!refused.allowed);
  BOOST_TEST(refused.reset_seconds == 50);  // the window opened on worker a, 10 s ago
}

// Peek asks no cache: it knows what this worker's own Hits found, and nothing of the others'.
BOOST_AUTO_TEST_CASE(peek_refuses_a_window_this_worker_saw_used_up_without_asking_the_cache) {
  int64_t now = kNow;
  FakeCache cache(&now);
  RateLimiter worker_a(&cache, [&now] { return now; });
  RateLimiter worker_b(&cache, [&now] { return now; });
  BOOST_TEST(worker_a.Peek("nf", "u", kThreePerMinute).allowed);
  worker_a.Hit("nf", "u", kThreePerMinute);
  worker_a.Hit("nf", "u", kThreePerMinute);
  BOOST_TEST(worker_a.Peek("nf", "u", kThreePerMinute).allowed);  // one left
  now += 10;
  BOOST_TEST(worker_a.Hit("nf", "u", kThreePerMinute).remaining == 0);  // the last one
  RateDecision peeked = worker_a.Peek("nf", "u", kThreePerMinute);
  BOOST_TEST(!peeked.allowed);
  BOOST_TEST(peeked.remaining == 0);
  BOOST_TEST(peeked.reset_seconds == 50);
  BOOST_TEST(worker_a.Peek("nf", "other", kThreePerMinute).allowed);
  // Worker b has seen nothing of it: allowed, until its own Hit is counted (and refused).
  BOOST_TEST(worker_b.Peek("nf", "u", kThreePerMinute).allowed);
  BOOST_TEST(!worker_b.Hit("nf", "u", kThreePerMinute).allowed);
  BOOST_TEST(!worker_b.Peek("nf", "u", kThreePerMinute).allowed);
  BOOST_TEST(cache.gets == 0);
  // The window ends for both.
  now += 50;
  BOOST_TEST(worker_a.Peek("nf", "u", kThreePerMinute).allowed);
  BOOST_TEST(worker_b.Peek("nf", "u", kThreePerMinute).allowed);
  // While the cache is down, Peek reads this worker's own counters.
  cache.down = true;
  for (int i = 0; i < 3; ++i) worker_a.Hit("nf", "v", kThreePerMinute);
  BOOST_TEST(!worker_a.shared());
  BOOST_TEST(!worker_a.Peek("nf", "v", kThreePerMinute).allowed);
  BOOST_TEST(worker_a.Peek("nf", "w", kThreePerMinute).allowed);
}

BOOST_AUTO_TEST_CASE(outage_switches_to_local_counts_and_back) {
  Env env;
  env.limiter.Hit("create", "u", kThreePerMinute);
  env.limiter.Hit("create", "u", kThreePerMinute);
  env.cache.down = true;
  // Alone, this worker starts its own count: the shared one is out of reach.
  RateDecision first_local = env.limiter.Hit("create", "u", kThreePerMinute);
  BOOST_TEST(!env.limiter.shared());
  BOOST_TEST(first_local.remaining == 2);
  env.limiter.Hit("create", "u", kThreePerMinute);
  env.limiter.Hit("create", "u", kThreePerMinute);
  BOOST_TEST(!env.limiter.Hit("create", "u", kThreePerMinute).allowed);
  // Still limited on every later request, and the cache is still asked each time.
  const int asked = env.cache.increments;
  BOOST_TEST(!env.limiter.Hit("create", "u", kThreePerMinute).allowed);
  BOOST_TEST(env.cache.increments == asked + 1);
  env.cache.down = false;
  // Back: the shared count (two so far) is what counts again.
  RateDecision shared = env.limiter.Hit("create", "u", kThreePerMinute);
  BOOST_TEST(env.limiter.shared());
  BOOST_TEST(shared.allowed);
  BOOST_TEST(shared.remaining == 0);
}

BOOST_AUTO_TEST_CASE(refund_takes_back_one_count) {
  for (bool down : {false, true}) {
    BOOST_TEST_CONTEXT("cache down " << down) {
      Env env;
      env.cache.down = down;
      if (down) env.limiter.Hit("login", "other", kThreePerMinute);  // notices the outage
      // Count first: three attempts in flight fill the window, so a fourth is refused before
      // any of them has finished.
      for (int i = 0; i < 3; ++i) {
        BOOST_TEST(env.limiter.Hit("login", "ip|alice", kThreePerMinute).allowed);
      }
      BOOST_TEST(!env.limiter.Hit("login", "ip|alice", kThreePerMinute).allowed);
      env.now += 9;
      // Two of them succeed and are refunded (the refused fourth stays counted).
      env.limiter.Refund("login", "ip|alice", kThreePerMinute);
      RateDecision after = env.limiter.Refund("login", "ip|alice", kThreePerMinute);
      BOOST_TEST(after.allowed);
      BOOST_TEST(after.remaining == 1);
      BOOST_TEST(after.reset_seconds == 51);
      // Counted: the failure and the refused fourth; one more fits, then the limit holds.
      RateDecision next = env.limiter.Hit("login", "ip|alice", kThreePerMinute);
      BOOST_TEST(next.allowed);
      BOOST_TEST(next.remaining == 0);
      BOOST_TEST(!env.limiter.Hit("login", "ip|alice", kThreePerMinute).allowed);
      // A refund on a subject with no window changes nothing and tells a fresh window.
      RateDecision none = env.limiter.Refund("login", "ip|bob", kThreePerMinute);
      BOOST_TEST(none.allowed);
      BOOST_TEST(none.remaining == 3);
      BOOST_TEST(env.limiter.Hit("login", "ip|bob", kThreePerMinute).remaining == 2);
    }
  }
}

BOOST_AUTO_TEST_CASE(tighter_decision_is_shown) {
  RateDecision loose{true, 60, 50, 30};
  RateDecision tight{true, 10, 2, 900};
  RateDecision refused{false, 60, 0, 12};
  BOOST_TEST(Tighter(loose, tight).limit == 10);
  BOOST_TEST(Tighter(tight, loose).limit == 10);
  BOOST_TEST(Tighter(tight, refused).limit == 60);
  BOOST_TEST(Tighter(refused, tight).limit == 60);
  RateDecision same_remaining{true, 5, 2, 10};
  BOOST_TEST(Tighter(same_remaining, tight).reset_seconds == 900);
}

BOOST_AUTO_TEST_CASE(keys_are_safe_for_memcached) {
  BOOST_TEST(RateLimitKey("create", "user:42") == "rl:create:user:42");
  const std::vector<std::string> unsafe = {"a b", "bob\r\n", std::string(200, 'x'),
                                           std::string("\0x", 2), "caf\xc3\xa9"};
  for (const std::string& subject : unsafe) {
    const std::string key = RateLimitKey("login", subject);
    BOOST_TEST_CONTEXT("subject " << subject.size() << " bytes") {
      BOOST_TEST(key.rfind("rl:login:#", 0) == 0u);
      BOOST_TEST(key.size() == std::string("rl:login:#").size() + 32);
    }
  }
  BOOST_TEST(RateLimitKey("login", "a b") != RateLimitKey("login", "a  b"));
  BOOST_TEST(RateLimitKey("login", "a b") == RateLimitKey("login", "a b"));
}

BOOST_AUTO_TEST_CASE(headers_and_the_429_answer) {
  RateDecision d;
  d.allowed = true;
  d.limit = 60;
  d.remaining = 12;
  d.reset_seconds = 42;
  Response ok = AnswerOf(WithRateLimitHeaders(d, Response(201)));
  BOOST_TEST(ok.status() == 201);
  BOOST_TEST(*ok.FindHeader("RateLimit-Limit") == "60");
  BOOST_TEST(*ok.FindHeader("RateLimit-Remaining") == "12");
  BOOST_TEST(*ok.FindHeader("RateLimit-Reset") == "42");
  BOOST_TEST(ok.FindHeader("Retry-After") == nullptr);

  // The same wrapper puts the same headers on an error's answer, after its own.
  Response failed =
      AnswerOf(WithRateLimitHeaders(d, Error::Validation("url", "url must be http(s).")));
  BOOST_TEST(failed.status() == 422);
  BOOST_TEST(*failed.FindHeader("Content-Type") == "application/json; charset=utf-8");
  BOOST_TEST(*failed.FindHeader("RateLimit-Limit") == "60");
  BOOST_TEST(*failed.FindHeader("RateLimit-Remaining") == "12");
  BOOST_TEST(*failed.FindHeader("RateLimit-Reset") == "42");
  BOOST_TEST(failed.FindHeader("Retry-After") == nullptr);
  BOOST_TEST(failed.body().find("\"field\":\"url\"") != std::string::npos, failed.body());

  d.allowed = false;
  d.remaining = 0;
  Response refused = ErrorResponse(RateLimited(d));
  BOOST_TEST(refused.status() == 429);
  BOOST_TEST(*refused.FindHeader("Retry-After") == "42");
  BOOST_TEST(*refused.FindHeader("RateLimit-Remaining") == "0");
  BOOST_TEST(*refused.FindHeader("RateLimit-Reset") == "42");
  BOOST_TEST(refused.body().find("\"error\":\"rate_limited\"") != std::string::npos,
             refused.body());
  BOOST_TEST(refused.body().find("\"ok\":false") != std::string::npos, refused.body());
  int retry_after = 0;
  for (const auto& header : refused.headers()) retry_after += header.first == "Retry-After";
  BOOST_TEST(retry_after == 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
