// A link's statistics over a range of days: what the stats endpoint and `shortener-admin link
// stats` show, built from what the store keeps (sql/009: per-day rollups and per-day top values).
#ifndef SHORTENER_LINK_STATS_H_
#define SHORTENER_LINK_STATS_H_

#include <array>
#include <cstdint>
#include <optional>
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
  // The day's unique-visitor estimate when the reader already has it (from a StatsBlock);
  // without, SummarizeStats counts `visitors`.
  std::optional<uint64_t> unique_visitors;
};

// What the store holds for one link and range: its days with clicks, oldest first, and each
// breakdown's clicks per value summed over those days ("other" included as a value).
struct StoredStats {
  std::vector<StoredStatsDay> days;
  std::array<ValueCounts, kBreakdownCount> breakdowns;
};

// The stats read sums a long range from blocks of kStatsBlockDays days (block k: days
// k * kStatsBlockDays to (k + 1) * kStatsBlockDays - 1 since 1970-01-01) that it keeps between
// requests, so that it reads the day rows of the range's ends only (docs/performance.md).
inline constexpr int64_t kStatsBlockDays = 16;

// What the days of one block of one link summed to: their classified visits (human + bot),
// each day's unique-visitor estimate and each breakdown's clicks per value. A block is right
// exactly while its classified visits are unchanged: every flush that changes a day's breakdown
// values or sketch adds at least one classified visit to that day in the same transaction
// (mysql_visits.cc), so the number only grows and no two states of a block's rows share it.
struct StatsBlock {
  uint64_t visits = 0;
  std::array<uint64_t, kStatsBlockDays> unique_visitors{};  // by day of the block
  std::array<ValueCounts, kBreakdownCount> breakdowns;
};

// Where the StatsBlocks of one link are kept between requests (store/stats_blocks.h: the shared
// cache). A hint that may lose anything or hold a stale block: the reader uses a block only when
// its `visits` equals what the days it has just read say.
class StatsBlockCache {
 public:
  virtual ~StatsBlockCache() = default;
  // The kept blocks of `blocks`, in their order (nullopt where none is kept): all asked at
  // once, as a range needs up to 23 of them.
  virtual std::vector<std::optional<StatsBlock>> Get(const std::vector<int64_t>& blocks) = 0;
  virtual void Put(int64_t block, const StatsBlock& stats) = 0;
};

// One piece of a range cut at block boundaries; `whole` when it is a whole block.
struct StatsPiece {
  DayRange days;
  bool whole = false;
};

// `range` (days >= 0) cut at block boundaries, oldest first: at most a partial block at either
// end and whole blocks between.
std::vector<StatsPiece> StatsPieces(const DayRange& range);

// The unique-visitor estimate of a stored day: its unique_visitors, else the count of its
// sketch (0 without one, and 0, logged, for a sketch that does not parse).
uint64_t UniqueVisitorsOf(const StoredStatsDay& day);

// Reads what StoredStats holds. Apart from LinkStore so the handlers can be tested with a fake.
class StatsStore {
 public:
  virtual ~StatsStore() = default;
  // Link `link_id`'s statistics on the days of `range`, read in one consistent snapshot (so
  // the totals agree with each other). Empty for a link that does not exist. With `blocks`
  // (may be null), whole blocks of the range whose classified visits did not change since they
  // were kept come from there instead of the day rows, and blocks read are kept there; the
  // result is the same either way.
  virtual Result<StoredStats> ReadStats(uint64_t link_id, const DayRange& range,
                                        StatsBlockCache* blocks) = 0;
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
