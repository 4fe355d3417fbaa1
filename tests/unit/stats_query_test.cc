// Unit tests of src/domain/stats_query.h: the stats endpoint's from/to, their defaults and every
// refusal, table-driven.
#include "domain/stats_query.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace shortener {
namespace {

constexpr int64_t kToday = 20414;  // 2025-11-22

BOOST_AUTO_TEST_SUITE(stats_query)

BOOST_AUTO_TEST_CASE(days_parse_and_format) {
  BOOST_TEST(ParseIsoDay("1970-01-01").value() == 0);
  BOOST_TEST(ParseIsoDay("2025-11-22").value() == kToday);
  BOOST_TEST(ParseIsoDay("2024-02-29").value() == 19782);
  BOOST_TEST(FormatIsoDay(kToday) == "2025-11-22");
  BOOST_TEST(FormatIsoDay(0) == "1970-01-01");
  for (const char* bad :
       {"", "2025-11-2", "2025-11-22T00:00:00Z", "2025-02-29", "2025-13-01", "1969-12-31",
        " 2025-11-22", "2025/11/22", "+2025-11-2", "20251122xx", "2025-11-22\n"}) {
    BOOST_TEST_CONTEXT("'" << bad << "'") { BOOST_TEST(!ParseIsoDay(bad).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(ranges) {
  struct Case {
    const char* query;
    int64_t first;  // -1: refused
    int64_t last;
    const char* field;  // of the refusal
  } cases[] = {
      {"", kToday - 29, kToday, ""},
      {"to=2025-11-01", kToday - 21 - 29, kToday - 21, ""},
      {"from=2025-11-20", kToday - 2, kToday, ""},
      {"from=2025-11-22&to=2025-11-22", kToday, kToday, ""},
      {"from=2024-11-22&to=2025-11-22", kToday - 365, kToday, ""},  // 366 days
      {"from=2024-11-21&to=2025-11-22", -1, 0, "from"},             // 367
      {"from=2020-01-01", -1, 0, "from"},                           // until today: too long
      {"from=2025-11-23&to=2025-11-22", -1, 0, "from"},
      {"from=2025-11-31", -1, 0, "from"},
      {"from=", -1, 0, "from"},
      {"to=yesterday", -1, 0, "to"},
      {"to=2025-11-22T00:00:00Z", -1, 0, "to"},
      {"from=2025-11-01&from=2025-11-02", -1, 0, "from"},  // which one was meant is a guess
      {"to=2025-11-22&from=2025-11-01&to=2025-11-22", -1, 0, "to"},
      {"from=%32025-11-01", kToday - 21, kToday, ""},    // %32 is "2"
      {"from=2025%2D11%2D01", kToday - 21, kToday, ""},  // percent-decoded first
      {"other=1&to=2025-11-22", kToday - 29, kToday, ""},
      {"to=1970-01-05", 0, 4, ""},  // the default start is clipped to 1970-01-01
      {"from=%zz", -1, 0, "from"},  // not decoded: no date
      {"x%00=1", -1, 0, "query"},   // a NUL byte in a name
      {"from=2025-11-01%00", -1, 0, "from"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.query) {
      Result<DayRange> range = StatsRangeOfQuery(c.query, kToday);
      if (c.first < 0) {
        BOOST_TEST_REQUIRE(!range.ok());
        BOOST_TEST((range.error().code == ErrorCode::kValidation));
        BOOST_TEST(range.error().field == c.field);
      } else {
        BOOST_TEST_REQUIRE(range.ok(), (range.ok() ? "" : range.error().message));
        BOOST_TEST(range.value().first == c.first);
        BOOST_TEST(range.value().last == c.last);
      }
    }
  }
}

// Each refusal is a sentence that starts with the bound's name, the API's or the admin's: the
// admin's once read "--from: A range covers at most 366 days.".
BOOST_AUTO_TEST_CASE(refusals_name_the_bound_as_the_caller_calls_it) {
  const std::optional<std::string> none;
  struct Case {
    std::optional<std::string> from, to;
    std::string api, admin;
  } cases[] = {
      {"2024-11-21", "2025-11-22",
       "from must be at most 365 days before to: a range covers at most 366 days.",
       "--from must be at most 365 days before --to: a range covers at most 366 days."},
      {"2025-11-23", "2025-11-22", "from must not be after to.", "--from must not be after --to."},
      {"2025-13-01", none, "from must be a UTC date, YYYY-MM-DD.",
       "--from must be a UTC date, YYYY-MM-DD."},
      {none, "soon", "to must be a UTC date, YYYY-MM-DD.", "--to must be a UTC date, YYYY-MM-DD."},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.api) {
      Result<DayRange> api = StatsRange(c.from, c.to, kToday);
      BOOST_TEST_REQUIRE(!api.ok());
      BOOST_TEST(api.error().message == c.api);
      Result<DayRange> admin = StatsRange(c.from, c.to, kToday, RangeNames{"--from", "--to"});
      BOOST_TEST_REQUIRE(!admin.ok());
      BOOST_TEST(admin.error().message == c.admin);
      BOOST_TEST(admin.error().field == "--" + api.error().field);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
