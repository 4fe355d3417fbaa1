// Unit tests of src/domain/visit_classifier.h: a request's headers and address turned into one
// classified visit, counted with its click, against the test country database.
#include "domain/visit_classifier.h"

#include <boost/test/unit_test.hpp>
#include <memory>
#include <string>
#include <vector>

#include "store/geoip.h"
#include "test_paths.h"

namespace shortener {
namespace {

constexpr int64_t kNow = 1795348800;  // 2026-11-22T12:00:00Z
constexpr int64_t kToday = kNow / 86400;

class NullClickStore : public ClickStore {
 public:
  Result<bool> AddClicks(const ClickBatch& batch) override {
    batches.push_back(batch);
    return true;
  }
  std::vector<ClickBatch> batches;
};

struct Env {
  Env()
      : counter(
            &store, [] { return kNow; }, 1) {}

  // The one (link 5, today) rollup after counting `requests`.
  DayStats Count(VisitClassifier& classifier, const std::vector<Request>& requests) {
    for (const Request& r : requests) classifier.Count(r, 5, kNow, &counter);
    BOOST_REQUIRE(counter.Flush().ok());
    BOOST_REQUIRE_EQUAL(store.batches.back().visits.size(), 1u);
    const VisitRollup& rollup = store.batches.back().visits[0];
    BOOST_TEST(rollup.link_id == 5u);
    BOOST_TEST(rollup.day == kToday);
    BOOST_TEST(store.batches.back().counts[0].clicks == rollup.stats.clicks);
    return rollup.stats;
  }

  NullClickStore store;
  ClickCounter counter;
};

VisitorKeys Keys(const std::string& secret = "0123456789abcdef-visitor") {
  Result<VisitorKeys> keys = VisitorKeys::Create(secret);
  BOOST_REQUIRE(keys.ok());
  return keys.value();
}

Request Visit(const std::string& address, const std::string& agent, const std::string& referer) {
  Request r;
  r.method = "GET";
  r.remote_addr = address;
  r.user_agent = agent;
  r.referer = referer;
  return r;
}

uint64_t Value(const DayStats& day, Breakdown b, const std::string& value) {
  const ValueCounts& counts = day.breakdowns[static_cast<size_t>(b)];
  auto it = counts.find(value);
  return it == counts.end() ? 0 : it->second;
}

// The lookup the workers bind: GeoIp::Country of `db`.
CountryLookup CountriesOf(const GeoIp* db) {
  return [db](std::string_view address) { return db->Country(address); };
}

const char kFirefox[] = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";

BOOST_AUTO_TEST_SUITE(visit_classifier)

BOOST_AUTO_TEST_CASE(classifies_every_breakdown) {
  Result<std::unique_ptr<GeoIp>> geoip = GeoIp::Open(TestDatabasePath());
  BOOST_TEST_REQUIRE(geoip.ok(), (geoip.ok() ? "" : geoip.error().message));
  VisitClassifier classifier(Keys(), CountriesOf(geoip.value().get()), {});
  Env env;
  DayStats day = env.Count(
      classifier, {Visit("192.0.2.1", kFirefox, "https://Example.COM/secret/path?q=1"),
                   Visit("2001:db8::1", kFirefox, ""),
                   Visit("10.0.0.1", "Slackbot-LinkExpanding 1.0", "https://example.com/x")});
  BOOST_TEST(day.clicks == 3u);
  BOOST_TEST(day.human_clicks == 2u);
  BOOST_TEST(day.bot_clicks == 1u);
  BOOST_TEST(day.visitors.Count() == 2u);
  BOOST_TEST(Value(day, Breakdown::kReferrer, "example.com") == 2u);
  BOOST_TEST(Value(day, Breakdown::kReferrer, "direct") == 1u);
  BOOST_TEST(Value(day, Breakdown::kCountry, "DE") == 1u);
  BOOST_TEST(Value(day, Breakdown::kCountry, "JP") == 1u);
  BOOST_TEST(Value(day, Breakdown::kCountry, "unknown") == 1u);
  BOOST_TEST(Value(day, Breakdown::kDevice, "desktop") == 2u);
  BOOST_TEST(Value(day, Breakdown::kDevice, "bot") == 1u);
  BOOST_TEST(Value(day, Breakdown::kBrowser, "Firefox") == 2u);
  BOOST_TEST(Value(day, Breakdown::kBrowser, "Slackbot") == 1u);
  BOOST_TEST(Value(day, Breakdown::kOs, "Linux") == 2u);
  // Only what the tables and the host produce is kept: no path, no address, no User-Agent.
  for (const ValueCounts& counts : day.breakdowns) {
    for (const auto& [value, clicks] : counts) {
      BOOST_TEST(value.find("secret") == std::string::npos);
      BOOST_TEST(value.find("192.0.2.1") == std::string::npos);
      BOOST_TEST(value.find("Mozilla") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(without_a_database_every_country_is_unknown) {
  VisitClassifier classifier(Keys(), nullptr, {});
  Env env;
  DayStats day = env.Count(classifier, {Visit("192.0.2.1", kFirefox, "")});
  BOOST_TEST(Value(day, Breakdown::kCountry, "unknown") == 1u);
}

BOOST_AUTO_TEST_CASE(the_client_behind_a_trusted_proxy_is_the_visitor) {
  Result<std::unique_ptr<GeoIp>> geoip = GeoIp::Open(TestDatabasePath());
  BOOST_REQUIRE(geoip.ok());
  Result<IpNetwork> proxy = ParseIpNetwork("127.0.0.1");
  BOOST_REQUIRE(proxy.ok());
  VisitClassifier classifier(Keys(), CountriesOf(geoip.value().get()), {proxy.value()});
  Env env;
  Request a = Visit("127.0.0.1", kFirefox, "");
  a.forwarded_for = "198.51.100.4";
  Request b = a;
  b.forwarded_for = "198.51.100.5";
  Request untrusted = Visit("10.9.9.9", kFirefox, "");
  untrusted.forwarded_for = "192.0.2.1";  // not believed: 10.9.9.9 is no trusted proxy
  DayStats day = env.Count(classifier, {a, a, b, untrusted});
  BOOST_TEST(Value(day, Breakdown::kCountry, "FR") == 3u);
  BOOST_TEST(Value(day, Breakdown::kCountry, "unknown") == 1u);
  BOOST_TEST(day.visitors.Count() == 3u);  // a twice is one visitor
}

BOOST_AUTO_TEST_CASE(the_same_visitor_is_the_same_hash_for_every_worker_with_the_secret) {
  VisitClassifier one(Keys(), nullptr, {});
  VisitClassifier two(Keys(), nullptr, {});
  VisitClassifier other(Keys("another secret, 16+ bytes"), nullptr, {});
  Env env1, env2, env3;
  DayStats a = env1.Count(one, {Visit("192.0.2.1", kFirefox, "")});
  DayStats b = env2.Count(two, {Visit("192.0.2.1", kFirefox, "")});
  DayStats c = env3.Count(other, {Visit("192.0.2.1", kFirefox, "")});
  BOOST_TEST((a.visitors == b.visitors));
  BOOST_TEST((a.visitors != c.visitors));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
