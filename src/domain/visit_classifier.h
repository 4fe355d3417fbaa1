// The statistics' view of one counted visit: what the redirect paths hand the click counter
// besides the link (docs/statistics.md, API.md "Statistics").
//
// Cheap enough for every redirect: no cache get, no database; the User-Agent table search, the
// Referer's host, one lookup in the memory-mapped country database, one keyed BLAKE2b. The
// client address, the User-Agent and the Referer are read here and nowhere else, and only what
// they classify into (a host, a country code, table names, a daily keyed hash) leaves.
#ifndef SHORTENER_DOMAIN_VISIT_CLASSIFIER_H_
#define SHORTENER_DOMAIN_VISIT_CLASSIFIER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "domain/clicks.h"
#include "domain/client_address.h"
#include "domain/ua_class.h"
#include "domain/visit_stats.h"
#include "domain/visitor_key.h"
#include "http/http.h"

namespace shortener {

// The country of a client address: an ISO 3166-1 alpha-2 code or kUnknownCountry; an error when
// the database is corrupt at its record. The wiring binds store/geoip.h's GeoIp::Country.
using CountryLookup = std::function<Result<std::string>(std::string_view address)>;

// What one visit's raw parts classify into (docs/statistics.md "What is counted"): the worker's
// requests (VisitClassifier) and the rows of a YOURLS click log (store/yourls_source.h) both go
// through ClassifyVisit, so an imported visit counts exactly as a redirect would.
struct VisitClass {
  std::string referrer;  // ReferrerHost
  std::string country;   // CountryValue
  UserAgentClass agent;
  uint64_t visitor_hash = 0;  // 0 for a bot (bots are not visitors)

  // The visit VisitStats::Add counts; its views point into this object.
  Visit ToVisit(uint64_t link_id, int64_t day) const;
};

// Classifies a visit from `address` with headers `referer` and `user_agent` (empty when absent)
// whose country is `country` (a code as CountryValue reads it), on the day of `key`; the
// User-Agent through `memo` when there is one (the same class, found sooner).
VisitClass ClassifyVisit(std::string_view address, std::string_view referer,
                         std::string_view user_agent, std::string_view country,
                         const DailyVisitorKey& key, UserAgentMemo* memo = nullptr);

// The key of the day asked for, derived again only when the day changes.
class DailyKeyCache {
 public:
  explicit DailyKeyCache(VisitorKeys keys) : keys_(std::move(keys)) {}
  const DailyVisitorKey& KeyOf(int64_t day) {
    if (!key_ || key_->day() != day) key_ = keys_.ForDay(day);
    return *key_;
  }

 private:
  VisitorKeys keys_;
  std::optional<DailyVisitorKey> key_;
};

class VisitClassifier {
 public:
  // `keys` derive the daily visitor keys (every worker and instance with the same secret makes
  // the same ones). `country` looks up countries; empty: every country is kUnknownCountry.
  // `trusted_proxies` decide the client address, as for the rate limits.
  VisitClassifier(VisitorKeys keys, CountryLookup country, std::vector<IpNetwork> trusted_proxies);

  // Classifies the visit `request` made to link `link_id` at unix time `now` and counts it,
  // classified, in `counter` (ClickCounter::CountVisit). Memory only; never fails: a country
  // database corrupt at the client's record counts it "unknown" (logged once per worker).
  void Count(const Request& request, uint64_t link_id, int64_t now, ClickCounter* counter);

 private:
  CountryLookup country_;
  std::vector<IpNetwork> trusted_proxies_;
  DailyKeyCache key_;
  UserAgentMemo agents_;
  bool geoip_error_logged_ = false;
};

}  // namespace shortener

#endif  // SHORTENER_DOMAIN_VISIT_CLASSIFIER_H_
