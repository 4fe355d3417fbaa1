// A link's statistics over a range (see link_stats.h).
#include "domain/link_stats.h"

#include <algorithm>

#include "base/log.h"
#include "domain/hll.h"

namespace shortener {

std::vector<StatsPiece> StatsPieces(const DayRange& range) {
  std::vector<StatsPiece> pieces;
  for (int64_t first = range.first; first <= range.last;) {
    const int64_t block_last = (first / kStatsBlockDays + 1) * kStatsBlockDays - 1;
    const int64_t last = std::min(block_last, range.last);
    pieces.push_back(
        StatsPiece{DayRange{first, last}, first % kStatsBlockDays == 0 && last == block_last});
    first = last + 1;
  }
  return pieces;
}

uint64_t UniqueVisitorsOf(const StoredStatsDay& day) {
  if (day.unique_visitors) return *day.unique_visitors;
  if (day.visitors.empty()) return 0;
  Result<HyperLogLog> sketch = HyperLogLog::Parse(day.visitors);
  if (sketch.ok()) return sketch.value().Count();
  Log(Severity::kWarn, "day %lld: stored unique-visitor sketch is corrupt; counted as 0",
      static_cast<long long>(day.day));
  return 0;
}

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
    day.unique_visitors = UniqueVisitorsOf(stored_day);
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
