// Unit tests of the pure parts of src/cmd/link_transfer_commands.h: YOURLS rows -> links.
#include "cmd/link_transfer_commands.h"

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "domain/visit_classifier.h"

namespace shortener {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kNow = 19100 * kDay + 7200;  // the import's time, days after the rows' own

YourlsLink Row(const std::string& keyword, const std::string& url, int64_t clicks,
               std::vector<DayClicks> log_days) {
  YourlsLink row;
  row.keyword = keyword;
  row.url = url;
  row.title = "Köln — 🚀";
  row.created_at = 19000 * kDay + 3600;  // an hour into day 19000
  row.clicks = clicks;
  // Each logged click a visit of which nothing is known: the tests below look at the days.
  for (const DayClicks& d : log_days) {
    VisitRollup v{0, d.day, DayStats{}};
    AddUnclassified(&v.stats, d.clicks);
    row.log_stats.push_back(std::move(v));
  }
  return row;
}

std::vector<DayClicks> DaysOf(const YourlsLink& row) { return YourlsDays(YourlsStats(row, kNow)); }

bool SameDays(const std::vector<DayClicks>& a, const std::vector<DayClicks>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].day != b[i].day || a[i].clicks != b[i].clicks) return false;
  }
  return true;
}

BOOST_AUTO_TEST_SUITE(link_transfer_commands)

BOOST_AUTO_TEST_CASE(the_total_beyond_the_log_goes_to_the_creation_day) {
  // Log on later days only: the rest becomes a day of its own, in order.
  BOOST_TEST(SameDays(DaysOf(Row("a", "", 10, {{19001, 3}, {19005, 2}})),
                      {{19000, 5}, {19001, 3}, {19005, 2}}));
  // Log on the creation day already: added to it.
  BOOST_TEST(
      SameDays(DaysOf(Row("a", "", 10, {{19000, 4}, {19002, 1}})), {{19000, 9}, {19002, 1}}));
  // No log at all (stats off): one day with the total; nothing at all for 0 clicks.
  BOOST_TEST(SameDays(DaysOf(Row("a", "", 7, {})), {{19000, 7}}));
  BOOST_TEST(DaysOf(Row("a", "", 0, {})).empty());
  // A log holding more than the total is kept as it is.
  BOOST_TEST(SameDays(DaysOf(Row("a", "", 1, {{19003, 2}})), {{19003, 2}}));
}

BOOST_AUTO_TEST_CASE(the_rest_beyond_the_log_is_classified_unknown_and_every_breakdown_sums) {
  // Two logged visits on the creation day (a phone from a referrer, a crawler), 3 more in the
  // total: the creation day holds 5, each breakdown summing to 5.
  YourlsLink row = Row("a", "", 5, {});
  VisitorKeys keys = VisitorKeys::Create("secret").value();
  VisitStats counted;
  const VisitClass phone = ClassifyVisit(
      "198.51.100.7", "https://news.example.com/a?b",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
      "de", keys.ForDay(19000));
  const VisitClass bot = ClassifyVisit("198.51.100.8", "", "Googlebot/2.1", "", keys.ForDay(19000));
  counted.Add(phone.ToVisit(0, 19000));
  counted.Add(bot.ToVisit(0, 19000));
  for (auto& [key, stats] : counted.Take())
    row.log_stats.push_back(VisitRollup{0, key.second, stats});
  const std::vector<VisitRollup> stats = YourlsStats(row, kNow);
  BOOST_TEST_REQUIRE(stats.size() == 1u);
  const DayStats& day = stats[0].stats;
  BOOST_TEST(day.clicks == 5u);
  BOOST_TEST(day.human_clicks == 4u);
  BOOST_TEST(day.bot_clicks == 1u);
  BOOST_TEST(day.visitors.Count() == 1u);  // the phone; the rest are nobody known
  const auto& b = day.breakdowns;
  BOOST_TEST((b[0] == ValueCounts{{"direct", 1}, {"news.example.com", 1}, {"unknown", 3}}));
  BOOST_TEST((b[1] == ValueCounts{{"DE", 1}, {"unknown", 4}}));
  BOOST_TEST((b[2] == ValueCounts{{"bot", 1}, {"mobile", 1}, {"other", 3}}));
  BOOST_TEST((b[3] == ValueCounts{{"Googlebot", 1}, {"Safari", 1}, {"other", 3}}));
  BOOST_TEST((b[4] == ValueCounts{{"iOS", 1}, {"other", 4}}));
}

BOOST_AUTO_TEST_CASE(a_row_becomes_a_permanent_link_with_its_title) {
  UrlPolicy policy;
  Result<TransferLink> link = ConvertYourlsLink(
      Row("k", "https://de.wikipedia.org/wiki/Köln", 2, {}), policy, 42, "", kNow);
  BOOST_TEST_REQUIRE(link.ok());
  BOOST_TEST(link.value().slug == "k");
  BOOST_TEST(link.value().url == "https://de.wikipedia.org/wiki/K%C3%B6ln");
  BOOST_TEST(*link.value().owner_id == 42u);
  BOOST_TEST(!link.value().expires_at.has_value());
  BOOST_TEST(link.value().created_at == 19000 * kDay + 3600);
  BOOST_TEST(link.value().updated_at == link.value().created_at);
  BOOST_TEST(link.value().metadata_json == "{\"title\":\"Köln — 🚀\"}");
  BOOST_TEST(SameDays(link.value().days, {{19000, 2}}));
}

BOOST_AUTO_TEST_CASE(a_title_too_long_for_the_metadata_is_cut_not_refused) {
  // 40,000 quotes fit YOURLS's TEXT title but escape to 80,000 bytes of JSON.
  UrlPolicy policy;
  YourlsLink row = Row("long", "https://example.org/", 1, {});
  row.title = std::string(40000, '"');
  Result<TransferLink> link = ConvertYourlsLink(row, policy, 1, "", kNow);
  BOOST_TEST_REQUIRE(link.ok());
  BOOST_TEST(link.value().metadata_json.size() <= kMaxMetadataBytes);
  const nlohmann::json metadata = nlohmann::json::parse(link.value().metadata_json);
  BOOST_TEST(metadata.at("title").get<std::string>() == std::string(2042, '"'));
}

BOOST_AUTO_TEST_CASE(rows_that_cannot_come_over_say_why) {
  UrlPolicy policy;
  const std::vector<std::pair<YourlsLink, std::string>> cases = {
      {Row("a.b", "https://example.org/", 0, {}), "keyword"},
      {Row("", "https://example.org/", 0, {}), "keyword"},
      {Row(std::string(101, 'k'), "https://example.org/", 0, {}), "keyword"},
      {Row("api", "https://example.org/", 0, {}), "keyword"},
      {Row("ok", "javascript:alert(1)", 0, {}), "url"},
      {Row("ok", "http://127.1/", 0, {}), "url"},
      {Row("ok", "https://example.org/", -5, {}), "clicks"},
      {Row("ok", "https://example.org/", int64_t{1} << 53, {}), "clicks"},
  };
  for (const auto& [row, field] : cases) {
    BOOST_TEST_CONTEXT("keyword '" << row.keyword << "' url '" << row.url << "'") {
      Result<TransferLink> link = ConvertYourlsLink(row, policy, 1, "", kNow);
      BOOST_TEST_REQUIRE(!link.ok());
      BOOST_TEST(link.error().field == field);
    }
  }
  // The largest total a JSON client reads exactly still comes over.
  BOOST_TEST(ConvertYourlsLink(Row("ok", "https://example.org/", (int64_t{1} << 53) - 1, {}),
                               policy, 1, "", kNow)
                 .ok());
  // A suffix renames a reserved keyword into one that may come over.
  BOOST_TEST(ConvertYourlsLink(Row("api", "https://example.org/", 0, {}), policy, 1, "-old", kNow)
                 .value()
                 .slug == "api-old");
}

BOOST_AUTO_TEST_CASE(impossible_times_come_over_as_possible_ones) {
  // A creation time in the future is the import's.
  YourlsLink future = Row("f", "https://example.org/", 3, {});
  future.created_at = kNow + 400 * kDay;
  BOOST_TEST(YourlsCreatedAt(future, kNow) == kNow);
  BOOST_TEST(SameDays(DaysOf(future), {{kNow / kDay, 3}}));
  // None (NULL or a zero date read as 0, or before 1970): the first logged day, at midnight.
  for (int64_t unknown : {int64_t{0}, int64_t{-86400 * 400}}) {
    YourlsLink none = Row("n", "", 5, {{-30, 1}, {19050, 2}, {19060, 1}});
    none.created_at = unknown;
    BOOST_TEST(YourlsCreatedAt(none, kNow) == 19050 * kDay);
    BOOST_TEST(SameDays(DaysOf(none), {{19050, 4}, {19060, 1}}));
  }
  // ... and without a log, the import's time.
  YourlsLink bare = Row("b", "", 2, {});
  bare.created_at = 0;
  BOOST_TEST(YourlsCreatedAt(bare, kNow) == kNow);
  // Logged days before the creation day or after today are not the link's: left out of its
  // statistics, and what the total holds beyond the rest goes to the creation day.
  BOOST_TEST(SameDays(DaysOf(Row("l", "", 6, {{-5, 1}, {18999, 1}, {19000, 2}, {19101, 1}})),
                      {{19000, 6}}));
  // A log over the total keeps its possible days only.
  BOOST_TEST(SameDays(DaysOf(Row("l", "", 1, {{18000, 4}, {19003, 2}})), {{19003, 2}}));
  // The time kept for the link is the one its days were counted from.
  UrlPolicy policy;
  Result<TransferLink> link = ConvertYourlsLink(future, policy, 1, "", kNow);
  BOOST_TEST_REQUIRE(link.ok());
  BOOST_TEST(link.value().created_at == kNow);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
