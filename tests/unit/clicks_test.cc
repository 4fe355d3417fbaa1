// Unit tests of src/domain/clicks.h: counting, day rollover, the flush interval, failed and retried
// flushes against a fake ClickStore that keeps what a database would.
#include "domain/clicks.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace shortener {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kNow = 1795348800;  // 2026-11-22T12:00:00Z
constexpr int64_t kToday = kNow / kDay;

// What a database would hold, with switches for the two ways a flush can fail: before the
// commit (nothing applied) and after it (applied, but the caller hears an error).
class FakeClickStore : public ClickStore {
 public:
  enum class Failure { kNone, kBeforeCommit, kAfterCommit };

  Result<bool> AddClicks(const ClickBatch& batch) override {
    ++calls;
    batches.push_back(batch);
    if (fail == Failure::kBeforeCommit) return Down();
    if (recorded.count(batch.id) > 0) return false;
    recorded.insert(batch.id);
    for (const ClickCount& count : batch.counts) {
      totals[count.link_id] += count.clicks;
      days[{count.link_id, count.day}] += count.clicks;
    }
    for (const std::string& id : batch.forget) recorded.erase(id);
    if (fail == Failure::kAfterCommit) return Down();
    return true;
  }

  uint64_t Total() const {
    uint64_t sum = 0;
    for (const auto& entry : totals) sum += entry.second;
    return sum;
  }

  Failure fail = Failure::kNone;
  int calls = 0;
  std::vector<ClickBatch> batches;  // every batch sent, retries included
  std::set<std::string> recorded;
  std::map<uint64_t, uint64_t> totals;
  std::map<std::pair<uint64_t, int64_t>, uint64_t> days;

 private:
  static Error Down() { return Error::Make(ErrorCode::kUnavailable, "down"); }
};

// SecondsUntilDue, with -1 for nothing pending (Boost.Test cannot print an optional).
int64_t Due(const ClickCounter& counter) { return counter.SecondsUntilDue().value_or(-1); }

struct Env {
  Env()
      : counter(
            &store, [this] { return now; }, 1, [this] { return NextId(); }) {}

  std::string NextId() {
    char id[33];
    std::snprintf(id, sizeof id, "%032d", ++ids_made);
    return id;
  }

  FakeClickStore store;
  int64_t now = kNow;
  int ids_made = 0;
  ClickCounter counter;
};

BOOST_AUTO_TEST_SUITE(clicks)

BOOST_AUTO_TEST_CASE(counts_gather_in_memory_until_the_interval_passes) {
  Env env;
  BOOST_TEST(Due(env.counter) == -1);
  for (int i = 0; i < 5; ++i) env.counter.Count(7);
  for (int i = 0; i < 3; ++i) env.counter.Count(9);
  BOOST_TEST(env.counter.pending() == 8u);
  BOOST_TEST(Due(env.counter) == 1);
  BOOST_TEST(env.counter.MaybeFlush().ok());
  BOOST_TEST(env.store.calls == 0);  // not yet: no store call per click, nor before the interval

  env.now = kNow + 1;
  BOOST_TEST(Due(env.counter) == 0);
  BOOST_TEST(env.counter.MaybeFlush().ok());
  BOOST_REQUIRE_EQUAL(env.store.calls, 1);  // one batch for everything
  const ClickBatch& batch = env.store.batches[0];
  BOOST_REQUIRE_EQUAL(batch.counts.size(), 2u);
  BOOST_TEST(batch.counts[0].link_id == 7u);
  BOOST_TEST(batch.counts[0].day == kToday);
  BOOST_TEST(batch.counts[0].clicks == 5u);
  BOOST_TEST(batch.counts[1].link_id == 9u);
  BOOST_TEST(batch.counts[1].clicks == 3u);
  BOOST_TEST(env.store.totals[7] == 5u);
  BOOST_TEST(env.store.totals[9] == 3u);
  BOOST_TEST(env.counter.pending() == 0u);
  BOOST_TEST(Due(env.counter) == -1);

  // Nothing pending: no empty batches, however much time passes.
  env.now = kNow + 100;
  BOOST_TEST(env.counter.MaybeFlush().ok());
  BOOST_TEST(env.counter.Flush().ok());
  BOOST_TEST(env.store.calls == 1);
}

BOOST_AUTO_TEST_CASE(the_interval_counts_from_the_last_attempt) {
  FakeClickStore store;
  int64_t now = kNow;
  ClickCounter counter(
      &store, [&] { return now; }, 30);
  counter.Count(1);
  now = kNow + 29;
  BOOST_TEST(Due(counter) == 1);
  BOOST_TEST(counter.MaybeFlush().ok());
  BOOST_TEST(store.calls == 0);
  now = kNow + 30;
  BOOST_TEST(counter.MaybeFlush().ok());
  BOOST_TEST(store.calls == 1);
  counter.Count(1);
  BOOST_TEST(Due(counter) == 30);
  // A clock set back does not hold the clicks until it catches up.
  now = kNow - 3600;
  BOOST_TEST(Due(counter) == 0);
  BOOST_TEST(counter.MaybeFlush().ok());
  BOOST_TEST(store.calls == 2);
  BOOST_TEST(store.Total() == 2u);
  // Real ids: 32 hex characters, a new one per batch.
  BOOST_REQUIRE_EQUAL(store.batches.size(), 2u);
  for (const ClickBatch& batch : store.batches) {
    BOOST_TEST(batch.id.size() == 32u);
    BOOST_TEST(batch.id.find_first_not_of("0123456789abcdef") == std::string::npos);
  }
  BOOST_TEST(store.batches[0].id != store.batches[1].id);
}

BOOST_AUTO_TEST_CASE(clicks_are_kept_per_utc_day) {
  Env env;
  env.now = (kToday + 1) * kDay - 1;  // 23:59:59 UTC
  env.counter.Count(4);
  env.counter.Count(4);
  env.now = (kToday + 1) * kDay;  // midnight: the next day
  env.counter.Count(4);
  BOOST_TEST(env.counter.Flush().ok());
  BOOST_REQUIRE_EQUAL(env.store.batches.size(), 1u);
  BOOST_REQUIRE_EQUAL(env.store.batches[0].counts.size(), 2u);
  BOOST_TEST(env.store.batches[0].counts[0].day == kToday);
  BOOST_TEST(env.store.batches[0].counts[1].day == kToday + 1);
  BOOST_TEST((env.store.days[{4, kToday}]) == 2u);
  BOOST_TEST((env.store.days[{4, kToday + 1}]) == 1u);
  BOOST_TEST(env.store.totals[4] == 3u);
}

BOOST_AUTO_TEST_CASE(a_failed_flush_keeps_the_counts_and_retries_the_same_batch) {
  Env env;
  for (int i = 0; i < 10; ++i) env.counter.Count(1);
  env.store.fail = FakeClickStore::Failure::kBeforeCommit;
  env.now = kNow + 1;
  BOOST_TEST(!env.counter.MaybeFlush().ok());
  BOOST_TEST(env.counter.pending() == 10u);
  BOOST_TEST(env.store.Total() == 0u);
  // Clicks after the failure wait for a batch of their own.
  for (int i = 0; i < 4; ++i) env.counter.Count(2);
  BOOST_TEST(env.counter.pending() == 14u);
  // The next attempt comes an interval after the failed one, not at once.
  BOOST_TEST(Due(env.counter) == 1);
  BOOST_TEST(env.counter.MaybeFlush().ok());
  BOOST_TEST(env.store.calls == 1);
  env.store.fail = FakeClickStore::Failure::kNone;
  env.now = kNow + 2;
  BOOST_TEST(env.counter.MaybeFlush().ok());
  BOOST_REQUIRE_EQUAL(env.store.calls, 3);
  // The retry is the failed batch unchanged, then the newer clicks.
  BOOST_TEST(env.store.batches[1].id == env.store.batches[0].id);
  BOOST_REQUIRE_EQUAL(env.store.batches[1].counts.size(), 1u);
  BOOST_TEST(env.store.batches[1].counts[0].clicks == 10u);
  BOOST_TEST(env.store.batches[2].id != env.store.batches[0].id);
  BOOST_TEST(env.store.totals[1] == 10u);
  BOOST_TEST(env.store.totals[2] == 4u);
  BOOST_TEST(env.counter.pending() == 0u);
}

BOOST_AUTO_TEST_CASE(a_retry_after_an_unknown_outcome_counts_nothing_twice) {
  Env env;
  for (int i = 0; i < 6; ++i) env.counter.Count(3);
  // The store applied the batch, then the connection dropped before the caller heard so.
  env.store.fail = FakeClickStore::Failure::kAfterCommit;
  BOOST_TEST(!env.counter.Flush().ok());
  BOOST_TEST(env.store.totals[3] == 6u);
  BOOST_TEST(env.counter.pending() == 6u);  // the counter cannot know; it keeps them
  env.counter.Count(3);
  env.store.fail = FakeClickStore::Failure::kNone;
  BOOST_TEST(env.counter.Flush().ok());
  BOOST_TEST(env.store.totals[3] == 7u);  // 6 once, plus the one counted after
  BOOST_TEST(env.counter.pending() == 0u);
  BOOST_REQUIRE_EQUAL(env.store.batches.size(), 3u);
  BOOST_TEST(env.store.batches[1].id == env.store.batches[0].id);
}

BOOST_AUTO_TEST_CASE(applied_batch_ids_are_forgotten_by_the_next_batch) {
  Env env;
  env.counter.Count(1);
  BOOST_TEST(env.counter.Flush().ok());
  const std::string first = env.store.batches[0].id;
  BOOST_TEST(env.store.batches[0].forget.empty());
  BOOST_TEST(env.store.recorded.count(first) == 1u);
  env.counter.Count(1);
  BOOST_TEST(env.counter.Flush().ok());
  BOOST_REQUIRE_EQUAL(env.store.batches.size(), 2u);
  BOOST_TEST(env.store.batches[1].forget == std::vector<std::string>{first});
  BOOST_TEST(env.store.recorded.count(first) == 0u);
  // A batch known applied only through its retry is forgotten later too.
  env.counter.Count(1);
  env.store.fail = FakeClickStore::Failure::kAfterCommit;
  BOOST_TEST(!env.counter.Flush().ok());
  env.store.fail = FakeClickStore::Failure::kNone;
  BOOST_TEST(env.counter.Flush().ok());  // the retry: already recorded
  const std::string third = env.store.batches[2].id;
  env.counter.Count(1);
  BOOST_TEST(env.counter.Flush().ok());
  BOOST_TEST(env.store.batches.back().forget == std::vector<std::string>{third});
  BOOST_TEST(env.store.recorded.size() == 1u);  // only the newest batch's record is left
  BOOST_TEST(env.store.totals[1] == 4u);
}

BOOST_AUTO_TEST_CASE(many_clicks_on_many_links_add_up_exactly) {
  Env env;
  uint64_t counted = 0;
  for (int round = 0; round < 50; ++round) {
    for (uint64_t link = 1; link <= 20; ++link) {
      for (uint64_t i = 0; i < link; ++i) {
        env.counter.Count(link);
        ++counted;
      }
    }
    // Every third flush fails, alternately before and after its commit.
    env.store.fail = round % 3 != 0   ? FakeClickStore::Failure::kNone
                     : round % 2 == 0 ? FakeClickStore::Failure::kBeforeCommit
                                      : FakeClickStore::Failure::kAfterCommit;
    env.now += 1;
    // The failing flushes are the point: what counts is the total once the store recovers.
    env.counter.MaybeFlush().IgnoreError();
  }
  env.store.fail = FakeClickStore::Failure::kNone;
  BOOST_TEST(env.counter.Flush().ok());
  BOOST_TEST(env.counter.pending() == 0u);
  BOOST_TEST(env.store.Total() == counted);
  for (uint64_t link = 1; link <= 20; ++link) BOOST_TEST(env.store.totals[link] == 50 * link);
}

BOOST_AUTO_TEST_CASE(phase_brings_the_first_flush_forward_and_keeps_the_spacing) {
  FakeClickStore store;
  int64_t now = kNow;
  int64_t ms = 5000;  // the schedule's own clock, apart from the day clock
  ClickCounter counter(
      &store, [&now] { return now; }, 2, RandomBatchId, [&ms] { return ms; }, 1400);
  counter.Count(1);
  // Due 2000 - 1400 = 600 ms after start: an alarm rounds up to whole seconds.
  BOOST_TEST(Due(counter) == 1);
  ms += 599;
  BOOST_TEST(counter.MaybeFlush().ok());
  BOOST_TEST(store.calls == 0);
  ms += 1;
  BOOST_TEST(counter.MaybeFlush().ok());
  BOOST_TEST(store.calls == 1);
  BOOST_TEST(store.Total() == 1u);
  // From then on a full interval apart.
  counter.Count(1);
  ms += 1999;
  BOOST_TEST(counter.MaybeFlush().ok());
  BOOST_TEST(store.calls == 1);
  ms += 1;
  BOOST_TEST(counter.MaybeFlush().ok());
  BOOST_TEST(store.calls == 2);
  BOOST_TEST(store.Total() == 2u);
}

BOOST_AUTO_TEST_CASE(random_phase_stays_inside_the_interval) {
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i) {
    int64_t phase = RandomPhaseMillis(1000);
    BOOST_REQUIRE(phase >= 0 && phase < 1000);
    seen.insert(phase);
  }
  BOOST_TEST(seen.size() > 100u);  // spread, not one value
  BOOST_TEST(RandomPhaseMillis(1) == 0);
}

// Classified visits travel in the same batch as their clicks, by the same (link, day): the
// visit's own day (the one its visitor hash was made for), not the counter's clock. A failed
// batch is resent with its visits unchanged, and visits counted meanwhile wait for the next.
BOOST_AUTO_TEST_CASE(visits_travel_with_their_clicks) {
  Env env;
  Visit visit;
  visit.link_id = 7;
  visit.day = kToday;
  visit.values = {"example.com", "DE", "desktop", "Chrome", "Windows"};
  visit.visitor_hash = 0x0123456789abcdefULL;
  env.counter.CountVisit(visit);
  env.counter.CountVisit(visit);
  Visit bot = visit;
  bot.bot = true;
  bot.day = kToday - 1;  // counted just before midnight, as its hash was
  bot.values = {"direct", "unknown", "bot", "Googlebot", "other"};
  env.counter.CountVisit(bot);
  env.counter.Count(9);  // a click without classification (visit_statistics off earlier)
  BOOST_TEST(env.counter.pending() == 4u);

  env.store.fail = FakeClickStore::Failure::kBeforeCommit;
  env.now = kNow + 1;
  BOOST_TEST(!env.counter.MaybeFlush().ok());
  env.counter.CountVisit(visit);  // waits for the next batch
  env.store.fail = FakeClickStore::Failure::kNone;
  env.now = kNow + 2;
  BOOST_TEST(env.counter.MaybeFlush().ok());
  BOOST_REQUIRE_EQUAL(env.store.batches.size(), 3u);
  const ClickBatch& first = env.store.batches[0];
  const ClickBatch& resent = env.store.batches[1];
  BOOST_TEST(resent.id == first.id);
  BOOST_REQUIRE_EQUAL(resent.visits.size(), 2u);
  BOOST_REQUIRE_EQUAL(resent.counts.size(), 3u);
  // (7, yesterday), (7, today), (9, today): the visits' pairs, in the same order as the counts.
  BOOST_TEST(resent.counts[0].day == kToday - 1);
  BOOST_TEST(resent.visits[0].link_id == 7u);
  BOOST_TEST(resent.visits[0].day == kToday - 1);
  BOOST_TEST(resent.visits[0].stats.clicks == resent.counts[0].clicks);
  BOOST_TEST(resent.visits[0].stats.bot_clicks == 1u);
  BOOST_TEST(resent.visits[0].stats.visitors.Count() == 0u);  // bots are not visitors
  BOOST_TEST(resent.visits[1].day == kToday);
  BOOST_TEST(resent.visits[1].stats.clicks == 2u);
  BOOST_TEST(resent.visits[1].stats.clicks == resent.counts[1].clicks);
  BOOST_TEST(resent.visits[1].stats.human_clicks == 2u);
  BOOST_TEST(resent.visits[1].stats.visitors.Count() == 1u);  // one visitor, twice
  BOOST_TEST(resent.visits[1].stats.breakdowns[static_cast<size_t>(Breakdown::kCountry)].at("DE") ==
             2u);
  const ClickBatch& next = env.store.batches[2];
  BOOST_TEST(next.id != first.id);
  BOOST_REQUIRE_EQUAL(next.visits.size(), 1u);
  BOOST_TEST(next.visits[0].stats.clicks == 1u);
  BOOST_TEST(env.store.Total() == 5u);
}

BOOST_AUTO_TEST_CASE(utc_days_floor_before_1970) {
  BOOST_TEST(UtcDay(0) == 0);
  BOOST_TEST(UtcDay(kDay - 1) == 0);
  BOOST_TEST(UtcDay(kDay) == 1);
  BOOST_TEST(UtcDay(-1) == -1);
  BOOST_TEST(UtcDay(kNow) == kToday);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
