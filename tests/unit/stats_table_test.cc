// Unit tests of src/cmd/stats_table.h: the admin tool's table holds every number and value, and
// nothing from the database reaches the terminal as a control character.
#include "cmd/stats_table.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(stats_table)

BOOST_AUTO_TEST_CASE(shows_totals_days_and_breakdowns_safely) {
  LinkStats stats;
  stats.range = DayRange{20413, 20414};
  stats.clicks = 12;
  stats.human_clicks = 10;
  stats.bot_clicks = 2;
  stats.unique_visitors = 7;
  stats.by_day = {{20413, 0, 0, 0}, {20414, 12, 10, 7}};
  stats.breakdowns[static_cast<size_t>(Breakdown::kReferrer)] = {{"news.example.com", 9},
                                                                 {"evil\x1b]2;x\x07", 3}};
  stats.breakdowns[static_cast<size_t>(Breakdown::kCountry)] = {{"DE", 12}};
  const std::string table = FormatStatsTable("Ab\ncd", stats);
  BOOST_TEST(table.find("link Ab\\ncd, 2025-11-21 to 2025-11-22 (UTC)") != std::string::npos);
  BOOST_TEST(table.find("clicks 12, human 10, bot 2, unique visitors 7") != std::string::npos);
  BOOST_TEST(table.find("2025-11-22") != std::string::npos);
  BOOST_TEST(table.find("\n2025-11-21 ") == std::string::npos);  // days without clicks left out
  BOOST_TEST(table.find("news.example.com") != std::string::npos);
  BOOST_TEST(table.find("evil\\x1b]2;x\\x07") != std::string::npos);
  for (const char* heading : {"REFERRER", "COUNTRY", "DEVICE", "BROWSER", "OS"}) {
    BOOST_TEST(table.find(heading) != std::string::npos);
  }
  for (char c : table) BOOST_TEST((c == '\n' || (c >= 0x20 && c != 0x7f)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
