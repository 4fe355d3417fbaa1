// Unit tests of src/domain/timefmt.h: ISO 8601 UTC formatting and parsing.
#include "domain/timefmt.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shortener {
namespace {

// Known instants, checked against Python's calendar.timegm.
struct Known {
  int64_t t;
  std::string text;
};

const std::vector<Known>& KnownInstants() {
  static const std::vector<Known> known = {
      {0, "1970-01-01T00:00:00Z"},
      {-1, "1969-12-31T23:59:59Z"},
      {946684800, "2000-01-01T00:00:00Z"},
      {951782400, "2000-02-29T00:00:00Z"},  // leap day of a year divisible by 400
      {1709210096, "2024-02-29T12:34:56Z"},
      {1772323199, "2026-02-28T23:59:59Z"},
      {1772323200, "2026-03-01T00:00:00Z"},
      {1795348800, "2026-11-22T12:00:00Z"},
      {2147483647, "2038-01-19T03:14:07Z"},  // last second of 32-bit time_t
      {2147483648, "2038-01-19T03:14:08Z"},
      {4102444800, "2100-01-01T00:00:00Z"},
      {-30641760000, "0999-01-01T00:00:00Z"},  // years below 1000 keep four digits
      {4294967296, "2106-02-07T06:28:16Z"},    // past 32-bit unsigned
      {253402300799, "9999-12-31T23:59:59Z"},
      {-2203891200, "1900-03-01T00:00:00Z"},
  };
  return known;
}

std::string Show(const std::optional<int64_t>& t) { return t ? std::to_string(*t) : "nullopt"; }

}  // namespace

BOOST_AUTO_TEST_SUITE(timefmt)

BOOST_AUTO_TEST_CASE(format_known_instants) {
  for (const Known& k : KnownInstants()) {
    BOOST_TEST_CONTEXT("t = " << k.t) { BOOST_TEST(FormatIso8601(k.t) == k.text); }
  }
}

BOOST_AUTO_TEST_CASE(parse_known_instants) {
  for (const Known& k : KnownInstants()) {
    BOOST_TEST_CONTEXT(k.text) { BOOST_TEST(Show(ParseIso8601(k.text)) == std::to_string(k.t)); }
  }
}

BOOST_AUTO_TEST_CASE(parse_zones_and_fractions) {
  const int64_t base = 1795348800;  // 2026-11-22T12:00:00Z
  struct Case {
    std::string text;
    int64_t expected;
  };
  const std::vector<Case> cases = {
      {"2026-11-22T12:00:00Z", base},
      {"2026-11-22T12:00:00z", base},
      {"2026-11-22t12:00:00Z", base},
      {"2026-11-22T12:00:00+00:00", base},
      {"2026-11-22T12:00:00-00:00", base},
      {"2026-11-22T14:00:00+02:00", base},
      {"2026-11-22T06:30:00-05:30", base},
      {"2026-11-23T01:45:00+13:45", base},
      {"2026-11-21T12:01:00-23:59", base},
      {"2026-11-22T12:00:00.5Z", base},
      {"2026-11-22T12:00:00.999999999Z", base},
      {"2026-11-22T12:00:00.0+00:00", base},
      {"2026-11-22T14:00:00.123+02:00", base},
      // Offsets that cross a day, a month and a year.
      {"2026-11-22T00:30:00+01:00", 1795303800},  // 2026-11-21T23:30:00Z
      {"2026-12-01T00:30:00+01:00", 1796081400},  // 2026-11-30T23:30:00Z
      {"2027-01-01T00:30:00+01:00", 1798759800},  // 2026-12-31T23:30:00Z
      {"2026-12-31T23:30:00-01:00", 1798763400},  // 2027-01-01T00:30:00Z
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.text) {
      BOOST_TEST(Show(ParseIso8601(c.text)) == std::to_string(c.expected));
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_rejects_what_is_not_iso8601) {
  const std::vector<std::string> cases = {
      // Impossible dates and times.
      "2026-02-29T00:00:00Z",  // 2026 is no leap year
      "2026-02-30T00:00:00Z",
      "2100-02-29T00:00:00Z",  // divisible by 100, not by 400
      "2026-04-31T00:00:00Z",
      "2026-01-32T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T23:60:00Z",
      "2026-01-01T23:59:60Z",
      "2026-01-01T99:99:99Z",
      // Zones: missing, malformed, out of range.
      "2026-11-22T12:00:00",
      "2026-11-22T12:00:00.5",
      "2026-11-22T12:00:00+02",
      "2026-11-22T12:00:00+0200",
      "2026-11-22T12:00:00+2:00",
      "2026-11-22T12:00:00+24:00",
      "2026-11-22T12:00:00+02:60",
      "2026-11-22T12:00:00 Z",
      "2026-11-22T12:00:00UTC",
      "2026-11-22T12:00:00GMT",
      "2026-11-22T12:00:00ZZ",
      "2026-11-22T12:00:00Z+01:00",
      // Trailing and leading junk.
      "2026-11-22T12:00:00Zjunk",
      "2026-11-22T12:00:00Z ",
      " 2026-11-22T12:00:00Z",
      "2026-11-22T12:00:00+02:00x",
      std::string("2026-11-22T12:00:00Z\0", 21),
      // Fractions.
      "2026-11-22T12:00:00.Z",
      "2026-11-22T12:00:00,5Z",
      "2026-11-22T12:00:00.5.5Z",
      // Separators and field widths.
      "2026-11-22 12:00:00Z",
      "2026/11/22T12:00:00Z",
      "2026-11-22T12.00.00Z",
      "2026-11-22T12:00Z",
      "2026-11-22Z",
      "2026-11-22",
      "20261122T120000Z",
      "26-11-22T12:00:00Z",
      "2026-1-22T12:00:00Z",
      "2026-11-2T12:00:00Z",
      "2026-11-22T1:00:00Z",
      "+2026-11-22T12:00:00Z",
      "-2026-11-22T12:00:00Z",
      "2026-11-22T12:00:0aZ",
      "２０２６-11-22T12:00:00Z",
      // Not times at all.
      "",
      "Z",
      "now",
      "1795348800",
      "T",
  };
  for (const std::string& text : cases) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") { BOOST_TEST(Show(ParseIso8601(text)) == "nullopt"); }
  }
}

BOOST_AUTO_TEST_CASE(round_trip) {
  // Spread over 1970..9999 with awkward steps, plus the edges of every month of a leap year.
  std::vector<int64_t> values;
  for (int64_t t = 0; t < 253402300800; t += 7777777 + (t % 13)) values.push_back(t);
  for (int64_t t = 1704067200; t < 1735689600; t += 86400) {  // every day of 2024
    values.push_back(t);
    values.push_back(t - 1);
  }
  for (int64_t t = -86400 * 365; t < 0; t += 86399) values.push_back(t);
  values.push_back(253402300799);
  for (int64_t t : values) {
    BOOST_TEST_CONTEXT("t = " << t) {
      std::string text = FormatIso8601(t);
      BOOST_TEST(text.size() == 20u);
      BOOST_TEST(text.back() == 'Z');
      BOOST_TEST(Show(ParseIso8601(text)) == std::to_string(t));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
