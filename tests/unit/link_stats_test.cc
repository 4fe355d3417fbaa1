// Unit tests of src/domain/link_stats.h: totals, every day of the range, unique visitors summed
// over days, and each breakdown's top values + "other" over a range.
#include "domain/link_stats.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

#include "domain/hll.h"

namespace shortener {
namespace {

std::string Sketch(uint64_t visitors, uint64_t seed) {
  HyperLogLog hll;
  for (uint64_t i = 0; i < visitors; ++i) hll.Add((i + seed) * 0x9E3779B97F4A7C15ULL);
  return hll.Serialize();
}

BOOST_AUTO_TEST_SUITE(link_stats)

BOOST_AUTO_TEST_CASE(totals_days_and_visitors) {
  StoredStats stored;
  stored.days = {{100, 5, 4, 1, Sketch(3, 1), std::nullopt},
                 {102, 7, 7, 0, Sketch(2, 2), std::nullopt},
                 {103, 2, 0, 0, "", std::nullopt},            // clicks from before visit statistics
                 {99, 9, 9, 0, Sketch(9, 3), std::nullopt}};  // outside the range: ignored
  stored.breakdowns[static_cast<size_t>(Breakdown::kCountry)] = {{"DE", 8}, {"other", 1}};
  const DayRange range{100, 103};
  LinkStats stats = SummarizeStats(stored, range);
  BOOST_TEST(stats.clicks == 14u);
  BOOST_TEST(stats.human_clicks == 11u);
  BOOST_TEST(stats.bot_clicks == 1u);
  BOOST_TEST(stats.unique_visitors == 5u);  // 3 + 2: a new key every day
  BOOST_REQUIRE_EQUAL(stats.by_day.size(), 4u);
  BOOST_TEST(stats.by_day[0].clicks == 5u);
  BOOST_TEST(stats.by_day[0].unique_visitors == 3u);
  BOOST_TEST(stats.by_day[1].day == 101);
  BOOST_TEST(stats.by_day[1].clicks == 0u);  // a day without clicks is a zero, not a gap
  BOOST_TEST(stats.by_day[3].human_clicks == 0u);
  const auto& countries = stats.breakdowns[static_cast<size_t>(Breakdown::kCountry)];
  BOOST_REQUIRE_EQUAL(countries.size(), 2u);
  BOOST_TEST(countries[0].value == "DE");
  BOOST_TEST(countries[1].value == "other");
  BOOST_TEST(stats.breakdowns[static_cast<size_t>(Breakdown::kDevice)].empty());
}

BOOST_AUTO_TEST_CASE(a_range_keeps_the_top_values_and_sums_the_rest) {
  StoredStats stored;
  ValueCounts& referrers = stored.breakdowns[static_cast<size_t>(Breakdown::kReferrer)];
  uint64_t total = 0;
  for (int i = 0; i < 80; ++i) {
    referrers["host" + std::to_string(i) + ".example"] = 100 + i;
    total += 100 + i;
  }
  referrers["other"] = 7;
  total += 7;
  LinkStats stats = SummarizeStats(stored, DayRange{0, 0});
  const auto& top = stats.breakdowns[static_cast<size_t>(Breakdown::kReferrer)];
  BOOST_REQUIRE_EQUAL(top.size(), kTopValues + 1);
  BOOST_TEST(top[0].value == "host79.example");
  BOOST_TEST(top.back().value == "other");
  uint64_t sum = 0;
  for (const ValueCount& v : top) sum += v.clicks;
  BOOST_TEST(sum == total);
}

BOOST_AUTO_TEST_CASE(a_corrupt_sketch_counts_no_visitors) {
  StoredStats stored;
  stored.days = {{5, 3, 3, 0, std::string("\x01\x00\x0e\x05", 4), std::nullopt}};
  LinkStats stats = SummarizeStats(stored, DayRange{5, 5});
  BOOST_TEST(stats.clicks == 3u);
  BOOST_TEST(stats.unique_visitors == 0u);
}

BOOST_AUTO_TEST_CASE(a_known_estimate_is_used_instead_of_the_sketch) {
  StoredStatsDay day{5, 3, 3, 0, Sketch(3, 1), std::nullopt};
  BOOST_TEST(UniqueVisitorsOf(day) == 3u);
  day.unique_visitors = 42;  // from a kept block
  BOOST_TEST(UniqueVisitorsOf(day) == 42u);
  StoredStats stored;
  stored.days = {day};
  BOOST_TEST(SummarizeStats(stored, DayRange{5, 5}).unique_visitors == 42u);
}

BOOST_AUTO_TEST_CASE(a_range_is_cut_at_block_boundaries) {
  const int64_t k = kStatsBlockDays;
  struct Case {
    DayRange range;
    std::vector<std::pair<DayRange, bool>> expected;
  };
  const std::vector<Case> cases = {
      {{10 * k + 3, 10 * k + 5}, {{{10 * k + 3, 10 * k + 5}, false}}},
      {{10 * k, 11 * k - 1}, {{{10 * k, 11 * k - 1}, true}}},
      {{10 * k, 10 * k}, {{{10 * k, 10 * k}, false}}},
      {{10 * k + 1, 12 * k},
       {{{10 * k + 1, 11 * k - 1}, false},
        {{11 * k, 12 * k - 1}, true},
        {{12 * k, 12 * k}, false}}},
      {{0, 2 * k - 1}, {{{0, k - 1}, true}, {{k, 2 * k - 1}, true}}},
  };
  for (const Case& c : cases) {
    const std::vector<StatsPiece> pieces = StatsPieces(c.range);
    BOOST_REQUIRE_EQUAL(pieces.size(), c.expected.size());
    for (size_t i = 0; i < pieces.size(); ++i) {
      BOOST_TEST(pieces[i].days.first == c.expected[i].first.first);
      BOOST_TEST(pieces[i].days.last == c.expected[i].first.last);
      BOOST_TEST(pieces[i].whole == c.expected[i].second);
    }
  }
  // A year: every day in exactly one piece, in order, whole blocks between the ends.
  const DayRange year{20424, 20424 + kMaxStatsDays - 1};
  const std::vector<StatsPiece> pieces = StatsPieces(year);
  int64_t next = year.first;
  for (size_t i = 0; i < pieces.size(); ++i) {
    BOOST_TEST(pieces[i].days.first == next);
    BOOST_TEST(pieces[i].days.last >= pieces[i].days.first);
    BOOST_TEST(pieces[i].days.first / k == pieces[i].days.last / k);
    if (i > 0 && i + 1 < pieces.size()) BOOST_TEST(pieces[i].whole);
    next = pieces[i].days.last + 1;
  }
  BOOST_TEST(next == year.last + 1);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
