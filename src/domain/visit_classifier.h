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
#include <vector>

#include "base/error.h"
#include "domain/clicks.h"
#include "domain/client_address.h"
#include "domain/visitor_key.h"
#include "http/http.h"

namespace shortener {

// The country of a client address: an ISO 3166-1 alpha-2 code or kUnknownCountry; an error when
// the database is corrupt at its record. The wiring binds store/geoip.h's GeoIp::Country.
using CountryLookup = std::function<Result<std::string>(std::string_view address)>;

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
  // The key of UTC day `day`, derived again only when the day changes.
  const DailyVisitorKey& KeyOf(int64_t day);

  VisitorKeys keys_;
  CountryLookup country_;
  std::vector<IpNetwork> trusted_proxies_;
  std::optional<DailyVisitorKey> key_;
  bool geoip_error_logged_ = false;
};

}  // namespace shortener

#endif  // SHORTENER_DOMAIN_VISIT_CLASSIFIER_H_
