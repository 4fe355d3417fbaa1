// The stats endpoint (see stats_api.h).
#include "api/stats_api.h"

#include "domain/clicks.h"
#include "domain/stats_query.h"
#include "http/respond.h"
#include "store/stats_blocks.h"

namespace shortener {

namespace {

// The name of a breakdown's value in its items: "host", "code", "device", "browser", "os".
const char* ItemKey(Breakdown breakdown) {
  switch (breakdown) {
    case Breakdown::kReferrer:
      return "host";
    case Breakdown::kCountry:
      return "code";
    case Breakdown::kDevice:
      return "device";
    case Breakdown::kBrowser:
      return "browser";
    case Breakdown::kOs:
      break;
  }
  return "os";
}

}  // namespace

nlohmann::ordered_json StatsJson(const LinkStats& stats) {
  nlohmann::ordered_json by_day = nlohmann::ordered_json::array();
  for (const StatsDay& day : stats.by_day) {
    by_day.push_back({{"date", FormatIsoDay(day.day)},
                      {"clicks", day.clicks},
                      {"human_clicks", day.human_clicks},
                      {"unique_visitors", day.unique_visitors}});
  }
  nlohmann::ordered_json data = {{"clicks", stats.clicks},
                                 {"human_clicks", stats.human_clicks},
                                 {"bot_clicks", stats.bot_clicks},
                                 {"unique_visitors", stats.unique_visitors},
                                 {"from", FormatIsoDay(stats.range.first)},
                                 {"to", FormatIsoDay(stats.range.last)},
                                 {"by_day", std::move(by_day)}};
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    const Breakdown breakdown = static_cast<Breakdown>(b);
    nlohmann::ordered_json items = nlohmann::ordered_json::array();
    for (const ValueCount& value : stats.breakdowns[b]) {
      items.push_back({{ItemKey(breakdown), value.value}, {"clicks", value.clicks}});
    }
    data[std::string(BreakdownName(breakdown))] = std::move(items);
  }
  return data;
}

void StatsApi::Register(Router* router) {
  router->Add("GET", "/api/v1/url-shorteners/{slug}/stats", Router::Slash::kTolerant,
              [this](const Request& r, const std::string& slug) { return Stats(r, slug); });
}

Result<Response> StatsApi::Stats(const Request& request, const std::string& slug) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOrKey));
  ASSIGN_OR_RETURN(Link link, links_->OwnedLink(who, slug));
  ASSIGN_OR_RETURN(DayRange range, StatsRangeOfQuery(request.query, UtcDay(clock_())));
  CachedStatsBlocks blocks(cache_, link);
  ASSIGN_OR_RETURN(StoredStats stored, store_->ReadStats(link.id, range, &blocks));
  return JsonResponse(200, {{"ok", true}, {"data", StatsJson(SummarizeStats(stored, range))}});
}

}  // namespace shortener
