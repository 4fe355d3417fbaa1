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
    : country_(std::move(country)),
      trusted_proxies_(std::move(trusted_proxies)),
      key_(std::move(keys)) {}

Visit VisitClass::ToVisit(uint64_t link_id, int64_t day) const {
  Visit visit;
  visit.link_id = link_id;
  visit.day = day;
  visit.bot = agent.bot;
  visit.values[static_cast<size_t>(Breakdown::kReferrer)] = referrer;
  visit.values[static_cast<size_t>(Breakdown::kCountry)] = country;
  visit.values[static_cast<size_t>(Breakdown::kDevice)] = DeviceName(agent.device);
  visit.values[static_cast<size_t>(Breakdown::kBrowser)] = agent.browser;
  visit.values[static_cast<size_t>(Breakdown::kOs)] = agent.os;
  visit.visitor_hash = visitor_hash;
  return visit;
}

VisitClass ClassifyVisit(std::string_view address, std::string_view referer,
                         std::string_view user_agent, std::string_view country,
                         const DailyVisitorKey& key, UserAgentMemo* memo) {
  VisitClass out;
  out.referrer = ReferrerHost(referer);
  out.country = CountryValue(country);
  out.agent = memo != nullptr ? memo->Classify(user_agent) : ClassifyUserAgent(user_agent);
  // Bots are not visitors (VisitStats adds human visits only): no hash to make for them.
  if (!out.agent.bot) out.visitor_hash = key.Hash(address, user_agent);
  return out;
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
  const int64_t day = UtcDay(now);
  const VisitClass visit = ClassifyVisit(address, request.referer, request.user_agent, country,
                                         key_.KeyOf(day), &agents_);
  counter->CountVisit(visit.ToVisit(link_id, day));
}

}  // namespace shortener
