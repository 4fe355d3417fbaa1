// GET /api/v1/url-shorteners/{slug}/stats (API.md): a link's visit statistics over a range of
// UTC days, for its owner or an admin.
#ifndef SHORTENER_STATS_API_H_
#define SHORTENER_STATS_API_H_

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "api/auth_gate.h"
#include "api/links_api.h"
#include "base/clock.h"
#include "domain/cache.h"
#include "domain/link_stats.h"
#include "http/http.h"
#include "http/router.h"

namespace shortener {

// API.md's "data" object of the stats answer: clicks, human_clicks, bot_clicks,
// unique_visitors, from, to, by_day (every day of the range, oldest first), and the
// breakdowns "referrers" ({"host", "clicks"}), "countries" ({"code", ...}), "devices"
// ({"device", ...}), "browsers" ({"browser", ...}), "os" ({"os", ...}), each most clicks first
// with "other" last.
nlohmann::ordered_json StatsJson(const LinkStats& stats);

class StatsApi {
 public:
  // Borrows every pointer; they must outlive this object. `links` decides who may see a link;
  // `cache` keeps the blocks of long ranges between requests (store/stats_blocks.h).
  StatsApi(LinksApi* links, StatsStore* store, Cache* cache, AuthGate* gate, Clock clock)
      : links_(links), store_(store), cache_(cache), gate_(gate), clock_(std::move(clock)) {}

  void Register(Router* router);

  // 200 {"ok": true, "data": StatsJson}; 401 without a credential; 404 unless the caller owns
  // the link or is an admin (its existence is not revealed); then 422 naming "from", "to" or
  // "query" for a range that is not one (stats_query.h).
  Result<Response> Stats(const Request& request, const std::string& slug);

 private:
  LinksApi* links_;
  StatsStore* store_;
  Cache* cache_;
  AuthGate* gate_;
  Clock clock_;
};

}  // namespace shortener

#endif  // SHORTENER_STATS_API_H_
