// Unit tests of src/api/export_line.h: export lines both ways, statistics included.
#include "api/export_line.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

#include "domain/visit_classifier.h"

namespace shortener {
namespace {

constexpr int64_t kDay = 86400;

bool SameDays(const std::vector<DayClicks>& a, const std::vector<DayClicks>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].day != b[i].day || a[i].clicks != b[i].clicks) return false;
  }
  return true;
}

// A link with clicks on two days, the first of them with statistics of three visits.
ExportedLink LinkWithStats() {
  ExportedLink out;
  out.link.slug = "st";
  out.link.url = "https://example.org/st";
  out.link.created_at = out.link.updated_at = 19000 * kDay;
  out.link.days = {{19000, 4}, {19001, 2}};
  VisitorKeys keys = VisitorKeys::Create("secret").value();
  VisitStats counted;
  const VisitClass chrome = ClassifyVisit(
      "198.51.100.1", "https://news.example.com/x",
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36",
      "DE", keys.ForDay(19000));
  const VisitClass bot = ClassifyVisit("198.51.100.2", "", "Googlebot/2.1", "", keys.ForDay(19000));
  counted.Add(chrome.ToVisit(0, 19000));
  counted.Add(chrome.ToVisit(0, 19000));
  counted.Add(bot.ToVisit(0, 19000));
  for (auto& [key, stats] : counted.Take()) {
    out.link.stats.push_back(VisitRollup{0, key.second, stats});
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(export_line)

BOOST_AUTO_TEST_CASE(an_export_line_reads_back_as_the_same_link) {
  ExportedLink out;
  out.link.slug = "Ab_9";
  out.link.url = "https://example.org/x?y=1";
  out.link.created_at = 19000 * kDay;
  out.link.updated_at = 19001 * kDay + 5;
  out.link.expires_at = 20000 * kDay;
  out.link.metadata_json = "{\"title\":\"Zoë\",\"tags\":[1,2]}";
  out.link.max_visits = 10;
  out.link.redirect_code = 308;
  out.link.days = {{19000, 3}, {19002, 1}};
  out.owner_username = "alice";
  const std::string line = ExportLine(out);
  BOOST_TEST(line ==
             "{\"slug\":\"Ab_9\",\"url\":\"https://example.org/x?y=1\",\"owner\":\"alice\","
             "\"created_at\":\"2022-01-08T00:00:00Z\",\"updated_at\":\"2022-01-09T00:00:05Z\","
             "\"expires_at\":\"2024-10-04T00:00:00Z\",\"metadata\":{\"title\":\"Zoë\",\"tags\":"
             "[1,2]},\"max_visits\":10,\"redirect_code\":308,\"clicks\":4,\"days\":[{\"day\":"
             "\"2022-01-08\",\"clicks\":3},{\"day\":"
             "\"2022-01-10\",\"clicks\":1}],\"stats\":[]}");
  Result<ImportLine> back = ParseExportLine(line);
  BOOST_TEST_REQUIRE(back.ok());
  BOOST_TEST(back.value().link.slug == "Ab_9");
  BOOST_TEST(back.value().link.url == out.link.url);
  BOOST_TEST(back.value().link.created_at == out.link.created_at);
  BOOST_TEST(back.value().link.updated_at == out.link.updated_at);
  BOOST_TEST(*back.value().link.expires_at == *out.link.expires_at);
  BOOST_TEST(back.value().link.metadata_json == out.link.metadata_json);
  BOOST_TEST(SameDays(back.value().link.days, out.link.days));
  BOOST_TEST(*back.value().link.max_visits == 10u);
  BOOST_TEST(back.value().link.redirect_code == 308);
  BOOST_TEST(*back.value().owner == "alice");
}

BOOST_AUTO_TEST_CASE(bad_export_lines_name_their_field) {
  const std::string good =
      "\"url\":\"https://e.org/\",\"created_at\":\"2024-01-01T00:00:00Z\",\"updated_at\":"
      "\"2024-01-01T00:00:00Z\",\"expires_at\":null,\"metadata\":{}";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", ""},
      {"[1]", ""},
      {"{" + good + ",\"days\":[]}", "slug"},
      {"{\"slug\":\"a.b\"," + good + ",\"days\":[]}", "slug"},
      {"{\"slug\":\"abc\"," + good + "}", "days"},
      {"{\"slug\":\"abc\"," + good + ",\"days\":[{\"day\":\"2024-02-30\",\"clicks\":1}]}", "days"},
      {"{\"slug\":\"abc\"," + good + ",\"days\":[{\"day\":\"2024-01-02\",\"clicks\":0}]}", "days"},
      {"{\"slug\":\"abc\"," + good +
           ",\"days\":[{\"day\":\"2024-01-02\",\"clicks\":1},{\"day\":\"2024-01-01\",\"clicks\":1}]"
           "}",
       "days"},
      {"{\"slug\":\"abc\"," + good +
           ",\"days\":[{\"day\":\"2024-01-02\",\"clicks\":2}],\"clicks\":3}",
       "clicks"},
      {"{\"slug\":\"abc\"," + good + ",\"days\":[],\"redirect_code\":303}", "redirect_code"},
      {"{\"slug\":\"abc\"," + good + ",\"days\":[],\"max_visits\":0}", "max_visits"},
      {"{\"slug\":\"abc\"," + good + ",\"days\":[],\"max_visits\":-1}", "max_visits"},
      // Metadata is held to the API's 4 KiB: 4,096 bytes serialised pass, 4,097 do not.
      {"{\"slug\":\"abc\",\"url\":\"https://e.org/\",\"created_at\":\"2024-01-01T00:00:00Z\","
       "\"updated_at\":\"2024-01-01T00:00:00Z\",\"expires_at\":null,\"metadata\":{\"t\":\"" +
           std::string(4096 - 8 + 1, 'x') + "\"},\"days\":[]}",
       "metadata"},
      {"{\"slug\":\"abc\",\"url\":\"https://e.org/\",\"created_at\":\"yesterday\",\"updated_at\":"
       "\"2024-01-01T00:00:00Z\",\"metadata\":{},\"days\":[]}",
       "created_at"},
      // Times MariaDB's DATETIME cannot hold (once a 500 for the whole import), and before 1970.
      {"{\"slug\":\"abc\",\"url\":\"https://e.org/\",\"created_at\":\"0000-01-01T00:00:00Z\","
       "\"updated_at\":\"2024-01-01T00:00:00Z\",\"metadata\":{},\"days\":[]}",
       "created_at"},
      {"{\"slug\":\"abc\",\"url\":\"https://e.org/\",\"created_at\":\"1969-12-31T23:59:59Z\","
       "\"updated_at\":\"2024-01-01T00:00:00Z\",\"metadata\":{},\"days\":[]}",
       "created_at"},
      {"{\"slug\":\"abc\",\"url\":\"https://e.org/\",\"created_at\":\"2024-01-01T00:00:00Z\","
       "\"updated_at\":\"9999-12-31T23:30:00-01:00\",\"metadata\":{},\"days\":[]}",
       "updated_at"},
      {"{\"slug\":\"abc\",\"url\":\"https://e.org/\",\"created_at\":\"2024-01-01T00:00:00Z\","
       "\"updated_at\":\"2024-01-01T00:00:00Z\",\"expires_at\":\"9999-12-31T23:30:00-01:00\","
       "\"metadata\":{},\"days\":[]}",
       "expires_at"},
      {"{\"slug\":\"abc\"," + good + ",\"days\":[{\"day\":\"0000-01-01\",\"clicks\":1}]}", "days"},
  };
  for (const auto& [line, field] : cases) {
    BOOST_TEST_CONTEXT(line) {
      Result<ImportLine> read = ParseExportLine(line);
      BOOST_TEST_REQUIRE(!read.ok());
      BOOST_TEST(read.error().field == field);
    }
  }
}

BOOST_AUTO_TEST_CASE(metadata_of_4_kib_is_read) {
  // {"t":"xxx..."}: 8 bytes around the text.
  const std::string line =
      "{\"slug\":\"abc\",\"url\":\"https://e.org/\",\"created_at\":\"2024-01-01T00:00:00Z\","
      "\"updated_at\":\"2024-01-01T00:00:00Z\",\"expires_at\":null,\"metadata\":{\"t\":\"" +
      std::string(4096 - 8, 'x') + "\"},\"days\":[]}";
  Result<ImportLine> read = ParseExportLine(line);
  BOOST_TEST_REQUIRE(read.ok(), (read.ok() ? "" : read.error().message));
  BOOST_TEST(read.value().link.metadata_json.size() == 4096u);
}

BOOST_AUTO_TEST_CASE(statistics_are_written_and_read_back_whole) {
  const ExportedLink out = LinkWithStats();
  const std::string line = ExportLine(out);
  BOOST_TEST(line.find("\"stats\":[{\"day\":\"2022-01-08\",\"human_clicks\":2,\"bot_clicks\":1,"
                       "\"visitors\":\"") != std::string::npos);
  BOOST_TEST(line.find("\"referrers\":{\"direct\":1,\"news.example.com\":2},\"countries\":{"
                       "\"DE\":2,\"unknown\":1},\"devices\":{\"bot\":1,\"desktop\":2},"
                       "\"browsers\":{\"Chrome\":2,\"Googlebot\":1},\"os\":{\"Windows\":2,"
                       "\"other\":1}}]") != std::string::npos);
  Result<ImportLine> back = ParseExportLine(line);
  BOOST_TEST_REQUIRE(back.ok());
  const std::vector<VisitRollup>& stats = back.value().link.stats;
  BOOST_TEST_REQUIRE(stats.size() == 1u);
  BOOST_TEST(stats[0].day == 19000);
  const DayStats& want = out.link.stats[0].stats;
  BOOST_TEST(stats[0].stats.clicks == 3u);
  BOOST_TEST(stats[0].stats.human_clicks == 2u);
  BOOST_TEST(stats[0].stats.bot_clicks == 1u);
  BOOST_TEST((stats[0].stats.visitors == want.visitors));
  BOOST_TEST(stats[0].stats.visitors.Count() == 1u);
  BOOST_TEST((stats[0].stats.breakdowns == want.breakdowns));
  // Written again: the same line.
  ExportedLink again;
  again.link = back.value().link;
  BOOST_TEST(ExportLine(again) == line);
  // An export from before statistics existed: none.
  const std::string old = line.substr(0, line.find(",\"stats\"")) + "}";
  BOOST_TEST_REQUIRE(ParseExportLine(old).ok());
  BOOST_TEST(ParseExportLine(old).value().link.stats.empty());
}

BOOST_AUTO_TEST_CASE(bad_statistics_are_refused_with_a_reason) {
  const std::string line = ExportLine(LinkWithStats());
  const size_t at = line.find(",\"stats\"");
  const std::string head = line.substr(0, at);
  const std::string sketch = line.substr(line.find("\"visitors\":"),
                                         line.find(",\"referrers\"") - line.find("\"visitors\":"));
  const std::string rest =
      "\"referrers\":{\"direct\":1,\"news.example.com\":2},\"countries\":{\"DE\":2,\"unknown\":"
      "1},\"devices\":{\"bot\":1,\"desktop\":2},\"browsers\":{\"Chrome\":2,\"Googlebot\":1},"
      "\"os\":{\"Windows\":2,\"other\":1}";
  auto day = [&](const std::string& date, const std::string& counts, const std::string& visitors,
                 const std::string& values) {
    return head + ",\"stats\":[{\"day\":\"" + date + "\"," + counts + "," + visitors + "," +
           values + "}]}";
  };
  const std::string counts = "\"human_clicks\":2,\"bot_clicks\":1";
  // The good day with other referrers.
  auto referrers = [&](const std::string& values) {
    return day("2022-01-08", counts, sketch,
               "\"referrers\":{" + values + "}," + rest.substr(rest.find("\"countries")));
  };
  BOOST_TEST_REQUIRE(ParseExportLine(day("2022-01-08", counts, sketch, rest)).ok());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {head + ",\"stats\":{}}", "must be an array"},
      {head + ",\"stats\":[1]}", "must be an object"},
      {day("2022-02-30", counts, sketch, rest), "YYYY-MM-DD"},
      {day("2022-01-10", counts, sketch, rest), "one of \"days\""},
      {day("2022-01-09", counts, sketch, rest), "exceed"},  // 3 visits on a day of 2 clicks
      {day("2022-01-08", "\"human_clicks\":0,\"bot_clicks\":0", sketch, rest), "above 0"},
      {day("2022-01-08", "\"human_clicks\":-1,\"bot_clicks\":1", sketch, rest), "numbers"},
      {day("2022-01-08", counts, "\"visitors\":\"AAAA\"", rest), "sketch"},
      {day("2022-01-08", counts, "\"visitors\":\"%%%\"", rest), "sketch"},
      {day("2022-01-08", counts, "\"visitors\":null", rest), "sketch"},
      {day("2022-01-08", counts, sketch, "\"referrers\":{\"direct\":3}"), "\"countries\" must be"},
      {referrers("\"direct\":2"), "sum to"},
      {referrers("\"a\\u0001\":3"), "printable ASCII"},
      {referrers("\"\":3"), "printable ASCII"},
      {referrers("\"x\":0,\"direct\":3"), "clicks > 0"},
  };
  for (const auto& [text, reason] : cases) {
    BOOST_TEST_CONTEXT(text) {
      Result<ImportLine> read = ParseExportLine(text);
      BOOST_TEST_REQUIRE(!read.ok());
      BOOST_TEST(read.error().field == "stats");
      BOOST_TEST(read.error().message.find(reason) != std::string::npos, read.error().message);
    }
  }
  // More than 50 named values in one breakdown (what the store keeps is 50 + other).
  std::string many = "\"referrers\":{";
  for (int i = 0; i < 51; ++i) many += (i ? ",\"h" : "\"h") + std::to_string(i) + "\":1";
  Result<ImportLine> read = ParseExportLine(
      day("2022-01-08", "\"human_clicks\":51,\"bot_clicks\":0", sketch, many + "}"));
  BOOST_TEST_REQUIRE(!read.ok());
  BOOST_TEST(read.error().message.find("more than 50") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
