// Unit tests of src/domain/visit_stats.h: exact totals, the per-breakdown memory bound and the
// top-50 fold.
#include "domain/visit_stats.h"

#include <boost/test/unit_test.hpp>
#include <numeric>
#include <string>
#include <vector>

namespace shortener {
namespace {

Visit MakeVisit(uint64_t link, int64_t day, bool bot, std::string_view referrer, uint64_t visitor) {
  Visit v;
  v.link_id = link;
  v.day = day;
  v.bot = bot;
  v.values = {referrer, "DE", bot ? "bot" : "desktop", bot ? "Googlebot" : "Firefox", "Linux"};
  v.visitor_hash = visitor * 0x9e3779b97f4a7c15ull;  // spread for the sketch
  return v;
}

uint64_t Sum(const ValueCounts& counts) {
  uint64_t sum = 0;
  for (const auto& entry : counts) sum += entry.second;
  return sum;
}

uint64_t Sum(const std::vector<ValueCount>& counts) {
  uint64_t sum = 0;
  for (const ValueCount& c : counts) sum += c.clicks;
  return sum;
}

void CheckTotals(const DayStats& day) {
  BOOST_TEST(day.clicks == day.human_clicks + day.bot_clicks);
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    BOOST_TEST_CONTEXT(BreakdownName(static_cast<Breakdown>(b))) {
      BOOST_TEST(Sum(day.breakdowns[b]) == day.clicks);
    }
  }
}

BOOST_AUTO_TEST_SUITE(visit_stats)

BOOST_AUTO_TEST_CASE(counts_per_link_and_day_with_exact_totals) {
  VisitStats stats;
  stats.Add(MakeVisit(1, 100, false, "t.co", 1));
  stats.Add(MakeVisit(1, 100, false, "t.co", 1));  // the same visitor again
  stats.Add(MakeVisit(1, 100, false, "direct", 2));
  stats.Add(MakeVisit(1, 100, true, "direct", 3));
  stats.Add(MakeVisit(1, 101, false, "t.co", 1));
  stats.Add(MakeVisit(2, 100, true, "unknown", 4));
  const std::map<LinkDay, DayStats> taken = stats.Take();
  BOOST_TEST(stats.pending().empty());
  BOOST_TEST_REQUIRE(taken.size() == 3u);

  const DayStats& day = taken.at(LinkDay(1, 100));
  BOOST_TEST(day.clicks == 4u);
  BOOST_TEST(day.human_clicks == 3u);
  BOOST_TEST(day.bot_clicks == 1u);
  BOOST_TEST(day.visitors.Count() == 2u);  // people only: the bot is not a visitor
  const ValueCounts referrers = day.breakdowns[static_cast<size_t>(Breakdown::kReferrer)];
  BOOST_TEST(referrers.at("t.co") == 2u);
  BOOST_TEST(referrers.at("direct") == 2u);
  const ValueCounts devices = day.breakdowns[static_cast<size_t>(Breakdown::kDevice)];
  BOOST_TEST(devices.at("desktop") == 3u);
  BOOST_TEST(devices.at("bot") == 1u);
  for (const auto& entry : taken) CheckTotals(entry.second);
  BOOST_TEST(taken.at(LinkDay(1, 101)).clicks == 1u);
  BOOST_TEST(taken.at(LinkDay(2, 100)).visitors.Count() == 0u);
}

BOOST_AUTO_TEST_CASE(each_breakdown_holds_at_most_max_values_plus_other) {
  struct Case {
    size_t max_values;
    int distinct;  // referrer hosts visited, each twice
  };
  const std::vector<Case> cases = {{1, 1}, {1, 5}, {3, 3}, {3, 4}, {100, 100000}};
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("max " << c.max_values << ", " << c.distinct << " hosts") {
      VisitStats stats(c.max_values);
      for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < c.distinct; ++i) {
          const std::string host = "spam" + std::to_string(i) + ".example";
          stats.Add(MakeVisit(7, 1, false, host, static_cast<uint64_t>(i)));
        }
      }
      const DayStats& day = stats.pending().at(LinkDay(7, 1));
      const ValueCounts& referrers = day.breakdowns[static_cast<size_t>(Breakdown::kReferrer)];
      const size_t named = std::min<size_t>(c.max_values, static_cast<size_t>(c.distinct));
      const bool overflow = static_cast<size_t>(c.distinct) > c.max_values;
      BOOST_TEST(referrers.size() == named + (overflow ? 1 : 0));
      // The first hosts seen keep their names, and their second visits count under them.
      BOOST_TEST(referrers.at("spam0.example") == 2u);
      if (overflow) {
        BOOST_TEST(referrers.at("other") == 2u * (static_cast<uint64_t>(c.distinct) - named));
      }
      CheckTotals(day);
      BOOST_TEST(day.clicks == 2u * static_cast<uint64_t>(c.distinct));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_value_named_other_shares_the_other_bucket) {
  VisitStats stats(1);
  Visit v = MakeVisit(1, 1, false, "a.example", 1);
  v.values[static_cast<size_t>(Breakdown::kBrowser)] = "other";  // an unknown browser
  stats.Add(v);
  stats.Add(v);
  const ValueCounts& browsers =
      stats.pending().at(LinkDay(1, 1)).breakdowns[static_cast<size_t>(Breakdown::kBrowser)];
  BOOST_TEST(browsers.size() == 1u);
  BOOST_TEST(browsers.at("other") == 2u);
  // "other" takes no named slot: the next value still gets the one slot.
  v.values[static_cast<size_t>(Breakdown::kBrowser)] = "Firefox";
  stats.Add(v);
  BOOST_TEST(stats.pending().at(LinkDay(1, 1)).breakdowns[3].at("Firefox") == 1u);
}

BOOST_AUTO_TEST_CASE(fold_keeps_the_top_values_and_sums_the_rest) {
  struct Case {
    const char* why;
    ValueCounts stored;
    ValueCounts added;
    size_t top;
    std::vector<ValueCount> expected;
  };
  const std::vector<Case> cases = {
      {"nothing", {}, {}, 2, {}},
      {"under the limit", {{"a", 3}}, {{"b", 1}}, 2, {{"a", 3}, {"b", 1}}},
      {"same value added up", {{"a", 3}}, {{"a", 2}}, 2, {{"a", 5}}},
      {"overflow to other",
       {{"a", 3}, {"b", 2}},
       {{"c", 1}},
       2,
       {{"a", 3}, {"b", 2}, {"other", 1}}},
      {"new counts displace a stored value",
       {{"a", 3}, {"b", 2}, {"other", 4}},
       {{"c", 5}},
       2,
       {{"c", 5}, {"a", 3}, {"other", 6}}},
      {"others of both sides summed",
       {{"other", 4}},
       {{"other", 1}, {"x", 1}},
       1,
       {{"x", 1}, {"other", 5}}},
      {"ties by value", {{"b", 1}, {"a", 1}, {"c", 1}}, {}, 2, {{"a", 1}, {"b", 1}, {"other", 1}}},
      {"ties: a value clicked now before one that was not",
       {{"a", 1}, {"b", 1}},
       {{"z", 1}},
       2,
       {{"z", 1}, {"a", 1}, {"other", 1}}},
      {"ties: a stored value clicked now too",
       {{"a", 2}, {"b", 2}, {"c", 1}},
       {{"c", 1}},
       2,
       {{"c", 2}, {"a", 2}, {"other", 2}}},
      {"zero counts dropped", {{"a", 0}}, {{"b", 0}}, 2, {}},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.why) {
      const std::vector<ValueCount> folded = FoldTop(c.stored, c.added, c.top);
      BOOST_TEST(folded.size() == c.expected.size());
      for (size_t i = 0; i < folded.size() && i < c.expected.size(); ++i) {
        BOOST_TEST(folded[i].value == c.expected[i].value);
        BOOST_TEST(folded[i].clicks == c.expected[i].clicks);
      }
      BOOST_TEST(Sum(folded) == Sum(c.stored) + Sum(c.added));
    }
  }
}

BOOST_AUTO_TEST_CASE(repeated_flushes_into_top_50_keep_totals_exact) {
  // 30 flushes of a day with 80 distinct referrers each, folded into one stored rollup as the
  // flush will do: at most 50 names plus other, and never a click lost or made up.
  ValueCounts stored;
  uint64_t total = 0;
  for (int flush = 0; flush < 30; ++flush) {
    VisitStats stats;
    for (int i = 0; i < 80; ++i) {
      const std::string host = "site" + std::to_string((flush * 7 + i) % 200) + ".example";
      for (int k = 0; k <= i % 3; ++k) stats.Add(MakeVisit(1, 1, false, host, 1));
    }
    const DayStats day = stats.Take().at(LinkDay(1, 1));
    total += day.clicks;
    const std::vector<ValueCount> folded =
        FoldTop(stored, day.breakdowns[static_cast<size_t>(Breakdown::kReferrer)]);
    BOOST_TEST(folded.size() <= kTopValues + 1);
    stored.clear();
    for (const ValueCount& c : folded) stored[c.value] = c.clicks;
    BOOST_TEST(Sum(stored) == total);
  }
  BOOST_TEST(stored.count("other") == 1u);
}

// A review's case: 50 referrers with a click each early in the day, then one referrer with a
// click at every flush. Ranked by value on ties it lost every flush to the 50 and stayed in
// "other" all day, however many clicks it brought; now it is named from its first flush on.
BOOST_AUTO_TEST_CASE(a_value_clicked_at_every_flush_is_named_after_fifty_others) {
  ValueCounts stored;
  for (int i = 0; i < 50; ++i) stored["a" + std::to_string(10 + i) + ".example"] = 1;
  for (int flush = 1; flush <= 12; ++flush) {
    const std::vector<ValueCount> folded = FoldTop(stored, {{"zz.example", 1}});
    stored.clear();
    for (const ValueCount& c : folded) stored[c.value] = c.clicks;
    BOOST_TEST_REQUIRE(stored.count("zz.example") == 1u);
    BOOST_TEST(stored["zz.example"] == static_cast<uint64_t>(flush));
    BOOST_TEST(NamedValues(stored) == kTopValues);
  }
  BOOST_TEST(Sum(stored) == 62u);
  BOOST_TEST(stored["other"] == 1u);  // the one of the 50 pushed out first
}

BOOST_AUTO_TEST_CASE(named_values_leave_out_other) {
  BOOST_TEST(NamedValues({}) == 0u);
  BOOST_TEST(NamedValues({{"a", 1}, {"b", 2}}) == 2u);
  BOOST_TEST(NamedValues({{"a", 1}, {"other", 2}}) == 1u);
}

BOOST_AUTO_TEST_CASE(breakdown_names) {
  BOOST_TEST(BreakdownName(Breakdown::kReferrer) == "referrers");
  BOOST_TEST(BreakdownName(Breakdown::kCountry) == "countries");
  BOOST_TEST(BreakdownName(Breakdown::kDevice) == "devices");
  BOOST_TEST(BreakdownName(Breakdown::kBrowser) == "browsers");
  BOOST_TEST(BreakdownName(Breakdown::kOs) == "os");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
