// A link's statistics over a range (see link_stats.h).
#include "domain/link_stats.h"

#include "base/log.h"
#include "domain/hll.h"

namespace shortener {

LinkStats SummarizeStats(const StoredStats& stored, const DayRange& range) {
  LinkStats stats;
  stats.range = range;
  stats.by_day.reserve(static_cast<size_t>(range.days()));
  for (int64_t day = range.first; day <= range.last; ++day) stats.by_day.push_back({day, 0, 0, 0});
  for (const StoredStatsDay& stored_day : stored.days) {
    if (stored_day.day < range.first || stored_day.day > range.last) continue;
    StatsDay& day = stats.by_day[static_cast<size_t>(stored_day.day - range.first)];
    day.clicks = stored_day.clicks;
    day.human_clicks = stored_day.human_clicks;
    if (!stored_day.visitors.empty()) {
      Result<HyperLogLog> sketch = HyperLogLog::Parse(stored_day.visitors);
      if (sketch.ok()) {
        day.unique_visitors = sketch.value().Count();
      } else {
        Log(Severity::kWarn, "day %lld: stored unique-visitor sketch is corrupt; counted as 0",
            static_cast<long long>(stored_day.day));
      }
    }
    stats.clicks += stored_day.clicks;
    stats.human_clicks += stored_day.human_clicks;
    stats.bot_clicks += stored_day.bot_clicks;
    stats.unique_visitors += day.unique_visitors;
  }
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    stats.breakdowns[b] = FoldTop(stored.breakdowns[b], ValueCounts());
  }
  return stats;
}

}  // namespace shortener
