// Classification of counted visits (see visit_classifier.h).
#include "domain/visit_classifier.h"

#include <string>
#include <utility>

#include "base/log.h"
#include "domain/referrer.h"
#include "domain/ua_class.h"
#include "domain/visit_stats.h"

namespace shortener {

VisitClassifier::VisitClassifier(VisitorKeys keys, CountryLookup country,
                                 std::vector<IpNetwork> trusted_proxies)
    : keys_(std::move(keys)),
      country_(std::move(country)),
      trusted_proxies_(std::move(trusted_proxies)) {}

const DailyVisitorKey& VisitClassifier::KeyOf(int64_t day) {
  if (!key_ || key_->day() != day) key_ = keys_.ForDay(day);
  return *key_;
}

void VisitClassifier::Count(const Request& request, uint64_t link_id, int64_t now,
                            ClickCounter* counter) {
  const std::string address =
      ClientAddress(request.remote_addr, request.forwarded_for, trusted_proxies_);
  std::string country(kUnknownCountry);
  if (country_) {
    Result<std::string> found = country_(address);
    if (found.ok()) {
      country = std::move(found).value();
    } else if (!geoip_error_logged_) {
      // The message names the database, never the address.
      geoip_error_logged_ = true;
      Log(Severity::kError, "geoip_database: %s; such visits count as unknown",
          found.error().message.c_str());
    }
  }
  const std::string referrer = ReferrerHost(request.referer);
  const UserAgentClass agent = ClassifyUserAgent(request.user_agent);

  Visit visit;
  visit.link_id = link_id;
  visit.day = UtcDay(now);
  visit.bot = agent.bot;
  visit.values[static_cast<size_t>(Breakdown::kReferrer)] = referrer;
  visit.values[static_cast<size_t>(Breakdown::kCountry)] = country;
  visit.values[static_cast<size_t>(Breakdown::kDevice)] = DeviceName(agent.device);
  visit.values[static_cast<size_t>(Breakdown::kBrowser)] = agent.browser;
  visit.values[static_cast<size_t>(Breakdown::kOs)] = agent.os;
  // Bots are not visitors (VisitStats adds human visits only): no hash to make for them.
  if (!agent.bot) visit.visitor_hash = KeyOf(visit.day).Hash(address, request.user_agent);
  counter->CountVisit(visit);
}

}  // namespace shortener
