// A link's statistics over a range of days: what the stats endpoint and `shortener-admin link
// stats` show, built from what the store keeps (sql/009: per-day rollups and per-day top values).
#ifndef SHORTENER_LINK_STATS_H_
#define SHORTENER_LINK_STATS_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/stats_query.h"
#include "domain/visit_stats.h"

namespace shortener {

// One stored day of a link, as read: its clicks (link_clicks_daily) and, when the day has visit
// statistics, their counters and serialised unique-visitor sketch (empty without).
struct StoredStatsDay {
  int64_t day = 0;  // days since 1970-01-01
  uint64_t clicks = 0;
  uint64_t human_clicks = 0;
  uint64_t bot_clicks = 0;
  std::string visitors;
};

// What the store holds for one link and range: its days with clicks, oldest first, and each
// breakdown's clicks per value summed over those days ("other" included as a value).
struct StoredStats {
  std::vector<StoredStatsDay> days;
  std::array<ValueCounts, kBreakdownCount> breakdowns;
};

// Reads what StoredStats holds. Apart from LinkStore so the handlers can be tested with a fake.
class StatsStore {
 public:
  virtual ~StatsStore() = default;
  // Link `link_id`'s statistics on the days of `range`, read in one consistent snapshot (so
  // the totals agree with each other). Empty for a link that does not exist.
  virtual Result<StoredStats> ReadStats(uint64_t link_id, const DayRange& range) = 0;
};

// One day of LinkStats::by_day.
struct StatsDay {
  int64_t day = 0;
  uint64_t clicks = 0;
  uint64_t human_clicks = 0;
  uint64_t unique_visitors = 0;
};

// API.md's stats: totals, every day of the range (days without clicks as zeros), and each
// breakdown's top kTopValues values by clicks plus "other" (last) for the rest.
//
// clicks counts every counted visit, as the link's record does; human_clicks + bot_clicks count
// those classified (visit_statistics on), as does each breakdown's sum. Unique visitors are the
// sum of the days' estimates: the visitor hash changes every UTC day, so one person on two days
// is two visitors in a range (docs/statistics.md).
struct LinkStats {
  DayRange range;
  uint64_t clicks = 0;
  uint64_t human_clicks = 0;
  uint64_t bot_clicks = 0;
  uint64_t unique_visitors = 0;
  std::vector<StatsDay> by_day;
  std::array<std::vector<ValueCount>, kBreakdownCount> breakdowns;
};

// Builds LinkStats from `stored` (days outside `range` are ignored). A day whose sketch does
// not parse counts 0 unique visitors (logged); the flush replaces such a sketch.
LinkStats SummarizeStats(const StoredStats& stored, const DayRange& range);

}  // namespace shortener

#endif  // SHORTENER_LINK_STATS_H_
