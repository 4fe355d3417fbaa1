// Unit tests of src/domain/day_values.h: a day's breakdown values round-trip through their
// stored text in one order, and anything else is refused.
#include "domain/day_values.h"

#include <boost/test/unit_test.hpp>
#include <random>
#include <string>
#include <vector>

namespace shortener {
namespace {

DayValues Sample() {
  DayValues values;
  values[0] = {{"news.example.com", 700}, {"direct", 500}, {"other", 34}};
  values[1] = {{"DE", 1200}, {"unknown", 34}};
  values[2] = {{"desktop", 1234}};
  values[3] = {{"Firefox", 1000}, {"other bot", 234}};
  values[4] = {{"Linux", 1234}};
  return values;
}

BOOST_AUTO_TEST_SUITE(day_values)

BOOST_AUTO_TEST_CASE(values_round_trip_in_breakdown_then_value_order) {
  const std::string text = EncodeDayValues(Sample());
  BOOST_TEST(text ==
             "0\tdirect\t500\n0\tnews.example.com\t700\n0\tother\t34\n1\tDE\t1200\n"
             "1\tunknown\t34\n2\tdesktop\t1234\n3\tFirefox\t1000\n3\tother bot\t234\n"
             "4\tLinux\t1234");
  std::optional<DayValues> back = DecodeDayValues(text);
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST((*back == Sample()));
  BOOST_TEST(EncodeDayValues(DayValues()).empty());
  std::optional<DayValues> none = DecodeDayValues("");
  BOOST_REQUIRE(none.has_value());
  BOOST_TEST((*none == DayValues()));
}

BOOST_AUTO_TEST_CASE(zero_counts_and_unstorable_values_are_not_written) {
  DayValues values;
  values[0] = {{"a.example", 0}, {"", 3}, {"tab\there", 2}, {std::string(254, 'a'), 1}, {"b", 1}};
  BOOST_TEST(EncodeDayValues(values) == "0\tb\t1");
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused) {
  for (const std::string& bad : {
           std::string("0\ta\t1\n"),               // a line ending the text
           std::string("\n0\ta\t1"),               // an empty line
           std::string("5\ta\t1"),                 // no breakdown 5
           std::string("a\ta\t1"),                 // not a digit
           std::string("00\ta\t1"),                // two digits
           std::string("0\t\t1"),                  // empty value
           std::string("0\ta\t0"),                 // no clicks
           std::string("0\ta\t-1"),                // not a count
           std::string("0\ta\t1x"),                // not a count
           std::string("0\ta\t"),                  // no count
           std::string("0\ta"),                    // no count
           std::string("0\ta\tb\t1"),              // a tab in the value
           std::string("0\ta\xff\t1"),             // not ASCII
           std::string("0\tb\t1\n0\ta\t1"),        // out of order
           std::string("0\ta\t1\n0\ta\t2"),        // a value twice
           std::string("1\ta\t1\n0\ta\t1"),        // breakdowns out of order
           "0\t" + std::string(254, 'a') + "\t1",  // longer than a stored value
       }) {
    BOOST_TEST_CONTEXT(bad) {
      BOOST_TEST(!DecodeDayValues(bad).has_value());
      BOOST_TEST(!FoldDayValues(bad, Sample()).has_value());
    }
  }
  BOOST_TEST(DecodeDayValues("0\t" + std::string(253, 'a') + "\t1\n4\tz\t18446744073709551615")
                 .has_value());
}

// The long way FoldDayValues stands for: decode, FoldTop each breakdown, encode.
std::string FoldTheLongWay(const std::string& stored, const DayValues& added, size_t top) {
  std::optional<DayValues> decoded = DecodeDayValues(stored);
  BOOST_REQUIRE(decoded.has_value());
  DayValues folded;
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    for (ValueCount& v : FoldTop((*decoded)[b], added[b], top)) {
      folded[b].emplace(std::move(v.value), v.clicks);
    }
  }
  return EncodeDayValues(folded);
}

BOOST_AUTO_TEST_CASE(fold_sums_keeps_the_top_and_sums_the_rest_as_other) {
  DayValues added;
  added[0] = {{"direct", 1}, {"a.example", 600}, {"other", 6}};
  added[3] = {{"Chrome", 2000}};
  // Top 2 of referrers: news 700, a.example 600; direct's 501 joins other (34 + 6). Top 2
  // of browsers: Chrome and Firefox; "other bot" becomes other.
  const std::optional<std::string> folded = FoldDayValues(EncodeDayValues(Sample()), added, 2);
  BOOST_TEST(folded.value_or("") ==
             "0\ta.example\t600\n0\tnews.example.com\t700\n0\tother\t541\n1\tDE\t1200\n"
             "1\tunknown\t34\n2\tdesktop\t1234\n3\tChrome\t2000\n3\tFirefox\t1000\n"
             "3\tother\t234\n4\tLinux\t1234");
  BOOST_TEST(FoldDayValues("", DayValues()).value_or("x") == "");
}

// Random days, random batches, small and default tops: always the long way's text.
BOOST_AUTO_TEST_CASE(fold_writes_what_decode_foldtop_encode_would) {
  const std::vector<std::string> pool = {"a", "b",         "direct",    "other",   "othe", "otherz",
                                         "Z", "x.example", "y.example", "unknown", "bot",  "~"};
  std::mt19937 rng(12345);
  auto random_values = [&](int max_per_breakdown, bool with_zero) {
    DayValues values;
    for (size_t b = 0; b < kBreakdownCount; ++b) {
      const int n = static_cast<int>(rng() % static_cast<unsigned>(max_per_breakdown + 1));
      for (int i = 0; i < n; ++i) {
        const uint64_t clicks = with_zero ? rng() % 4 : 1 + rng() % 5;
        values[b][pool[rng() % pool.size()]] += clicks;
      }
    }
    return values;
  };
  for (int round = 0; round < 3000; ++round) {
    const std::string stored = EncodeDayValues(random_values(8, false));
    const DayValues added = random_values(8, true);
    const size_t top = round % 3 == 0 ? kTopValues : 1 + rng() % 4;
    BOOST_TEST_CONTEXT("round " << round << " top " << top << " stored " << stored) {
      BOOST_TEST(FoldDayValues(stored, added, top).value_or("(none)") ==
                 FoldTheLongWay(stored, added, top));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
