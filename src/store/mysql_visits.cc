// MysqlStore's visit statistics: the flush's writes of link_visits_daily and link_visit_values
// (sql/009, sql/015), inside AddClicks' transaction, and the stats endpoint's read.
//
// How concurrent flushes of one (link, day) stay exact: each flush first upserts the (link,
// day) row of link_visits_daily, adding its counters. That row lock is held to the end of the
// transaction, so every flush touching the pair either committed before (and is seen by the
// reads below) or waits. The reads are plain consistent reads: the transaction's snapshot is
// taken at the first of them, after the upsert holds every pair's lock, so it holds every
// committed flush of those pairs; and they take no gap locks that could deadlock with other
// pairs' inserts.
//
// What a flush costs MariaDB, per (link, day) of its batch (docs/performance.md): the upsert
// of the daily row, one primary-key read of it (sketch and values_bound), the upsert of the
// batch's value rows (each adding its clicks), and a write-back of the row only when its sketch
// gained registers. The pair's stored values are read only when values_bound says a breakdown
// may overflow its top 50 (sql/015); then they are folded (FoldTopChanges) and written as the
// same additive upserts plus the deletes of values that left the top.
#include <map>

#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

#define SHORTENER_DAY_PARAM "('1970-01-01' + INTERVAL ? DAY)"
#define SHORTENER_DAY_NUMBER_OF(col) "DATEDIFF(" col ", '1970-01-01')"
#define SHORTENER_DAY_NUMBER SHORTENER_DAY_NUMBER_OF("day")
// Rows picked by primary key with a row-constructor IN: MariaDB looks each row up in a sorted
// list; an OR of (link_id = ? AND day = ?) terms was evaluated term by term for every row read.
#define SHORTENER_PAIRS_IN "(link_id, day) IN ("
#define SHORTENER_PAIR "(?, " SHORTENER_DAY_PARAM ")"

// values_bound's "not known" and its ceiling (sql/015): adding to it stays far from
// SMALLINT UNSIGNED's limit.
#define SHORTENER_BOUND_CEILING "1000"

// Counters added, values_bound raised by the batch's most named values in one breakdown; the
// sketch is the batch's when the row is new (kept otherwise, merged below).
// IGNORE: a link deleted since its visits were counted drops them, as its clicks are dropped.
const ChunkedSql kAddDaily(
    "INSERT IGNORE INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors, "
    "values_bound) VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", ?, ?, ?, ?)",
    " ON DUPLICATE KEY UPDATE human_clicks = human_clicks + VALUES(human_clicks), "
    "bot_clicks = bot_clicks + VALUES(bot_clicks), values_bound = LEAST(values_bound + "
    "VALUES(values_bound), " SHORTENER_BOUND_CEILING ")");
const ChunkedSql kReadDaily(
    "SELECT link_id, " SHORTENER_DAY_NUMBER
    ", visitors, values_bound FROM link_visits_daily WHERE " SHORTENER_PAIRS_IN,
    SHORTENER_PAIR, ")");
// Only rows that exist get here (read above, locked by this transaction): the update branch.
const ChunkedSql kSetDaily(
    "INSERT IGNORE INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors, "
    "values_bound) VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", 0, 0, ?, ?)",
    " ON DUPLICATE KEY UPDATE visitors = VALUES(visitors), values_bound = VALUES(values_bound)");
const ChunkedSql kReadValues(
    "SELECT link_id, " SHORTENER_DAY_NUMBER
    ", breakdown, value, clicks FROM link_visit_values WHERE " SHORTENER_PAIRS_IN,
    SHORTENER_PAIR, ")");
const ChunkedSql kAddValues(
    "INSERT IGNORE INTO link_visit_values (link_id, day, breakdown, value, clicks) VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", ?, ?, ?)",
    " ON DUPLICATE KEY UPDATE clicks = clicks + VALUES(clicks)");
const ChunkedSql kDropValues(
    "DELETE FROM link_visit_values WHERE (link_id, day, breakdown, value) IN (",
    "(?, " SHORTENER_DAY_PARAM ", ?, ?)", ")");

// A link's days in a range: every day with clicks, and its classified visits where it has any.
const char kReadStatsDays[] =
    "SELECT " SHORTENER_DAY_NUMBER_OF("c.day") ", c.clicks, COALESCE(v.human_clicks, 0), "
    "COALESCE(v.bot_clicks, 0) FROM link_clicks_daily c "
    "LEFT JOIN link_visits_daily v ON v.link_id = c.link_id AND v.day = c.day "
    "WHERE c.link_id = ? AND c.day BETWEEN " SHORTENER_DAY_PARAM " AND " SHORTENER_DAY_PARAM
    " ORDER BY c.day";
// The unique-visitor sketches of a piece of the range.
const char kReadStatsSketches[] = "SELECT " SHORTENER_DAY_NUMBER
                                  ", visitors FROM link_visits_daily WHERE link_id = ? AND day "
                                  "BETWEEN " SHORTENER_DAY_PARAM " AND " SHORTENER_DAY_PARAM;
// Each breakdown's values summed over a piece of the range: at most 51 rows a day and breakdown.
const char kReadStatsValues[] =
    "SELECT breakdown, value, SUM(clicks) FROM link_visit_values WHERE link_id = ? AND day "
    "BETWEEN " SHORTENER_DAY_PARAM " AND " SHORTENER_DAY_PARAM " GROUP BY breakdown, value";

// One change to a stored value: clicks added (kAddValues), or the value deleted (kDropValues).
struct ValueRow {
  uint64_t link_id;
  int64_t day;
  size_t breakdown;
  std::string value;
  uint64_t clicks;
};

// What the flush found of one (link, day) in link_visits_daily.
struct StoredDay {
  std::string visitors;
  uint64_t values_bound = 0;
};

int BindPair(sql::PreparedStatement& st, int param, uint64_t link_id, int64_t day) {
  st.setUInt64(param, link_id);
  st.setInt64(param + 1, day);
  return param + 2;
}

// Binds a link and a range of days to the three parameters of a stats read.
sql::PreparedStatement& BoundToRange(sql::PreparedStatement& st, uint64_t link_id,
                                     const DayRange& range) {
  st.setUInt64(1, link_id);
  st.setInt64(2, range.first);
  st.setInt64(3, range.last);
  return st;
}

// The most named values one breakdown of `stats` holds: what the batch adds to values_bound.
uint64_t BoundOf(const DayStats& stats) {
  size_t most = 0;
  for (const ValueCounts& counts : stats.breakdowns) most = std::max(most, NamedValues(counts));
  return most;
}

// The stored sketch of a pair merged with the batch's; empty when nothing changed.
std::string MergedSketch(const VisitRollup& v, const std::string& stored) {
  Result<HyperLogLog> sketch = HyperLogLog::Parse(stored);
  if (!sketch.ok()) {
    // Counting goes on from this batch's visitors rather than blocking every later batch.
    Log(Severity::kError,
        "link %llu day %lld: stored unique-visitor sketch is corrupt; "
        "replacing it",
        static_cast<unsigned long long>(v.link_id), static_cast<long long>(v.day));
    sketch = HyperLogLog();
  }
  HyperLogLog merged = std::move(sketch).value();
  merged.Merge(v.stats.visitors);
  std::string bytes = merged.Serialize();
  return bytes == stored ? std::string() : bytes;
}

// The stored values of `pairs` (sorted), by pair and breakdown.
std::map<LinkDay, std::array<ValueCounts, kBreakdownCount>> ReadValues(
    MysqlStore::Session& s, const std::vector<const VisitRollup*>& pairs) {
  std::map<LinkDay, std::array<ValueCounts, kBreakdownCount>> stored;
  QueryInChunks(
      s, pairs.size(), kReadValues,
      [&](sql::PreparedStatement& st, int param, size_t row) {
        return BindPair(st, param, pairs[row]->link_id, pairs[row]->day);
      },
      [&](sql::ResultSet& rs) {
        size_t breakdown = rs.getUInt(3);
        if (breakdown >= kBreakdownCount) return;  // written by a later version: left alone
        stored[LinkDay(rs.getUInt64(1), rs.getInt64(2))][breakdown][std::string(rs.getString(4))] =
            rs.getUInt64(5);
      });
  return stored;
}

}  // namespace

void mysql_internal::AddVisits(MysqlStore::Session& s, const std::vector<VisitRollup>& visits) {
  if (visits.empty()) return;
  // 1. Counters and bounds added; every pair's row locked.
  std::vector<std::string> sketches;
  sketches.reserve(visits.size());
  for (const VisitRollup& v : visits) sketches.push_back(v.stats.visitors.Serialize());
  SendInChunks(s, visits.size(), kAddDaily, [&](sql::PreparedStatement& st, int param, size_t row) {
    const VisitRollup& v = visits[row];
    param = BindPair(st, param, v.link_id, v.day);
    st.setUInt64(param, v.stats.human_clicks);
    st.setUInt64(param + 1, v.stats.bot_clicks);
    st.setString(param + 2, sql::SQLString(sketches[row].data(), sketches[row].size()));
    st.setUInt64(param + 3, BoundOf(v.stats));
    return param + 4;
  });
  // 2. The rows as they are now (the snapshot starts here): sketch and bound of each pair.
  std::map<LinkDay, StoredDay> daily;
  QueryInChunks(
      s, visits.size(), kReadDaily,
      [&](sql::PreparedStatement& st, int param, size_t row) {
        return BindPair(st, param, visits[row].link_id, visits[row].day);
      },
      [&](sql::ResultSet& rs) {
        daily[LinkDay(rs.getUInt64(1), rs.getInt64(2))] =
            StoredDay{std::string(rs.getString(3)), rs.getUInt64(4)};
      });
  // 3. Pairs whose bound says a breakdown may overflow: their stored values, read once.
  std::vector<const VisitRollup*> overflowing;
  for (const VisitRollup& v : visits) {
    auto it = daily.find(LinkDay(v.link_id, v.day));
    if (it != daily.end() && it->second.values_bound > kTopValues) overflowing.push_back(&v);
  }
  const std::map<LinkDay, std::array<ValueCounts, kBreakdownCount>> stored_values =
      overflowing.empty() ? std::map<LinkDay, std::array<ValueCounts, kBreakdownCount>>()
                          : ReadValues(s, overflowing);
  // 4. What to write, in primary-key order: value rows added to or dropped, daily rows whose
  // sketch grew or whose bound is exact again.
  std::vector<ValueRow> add;
  std::vector<ValueRow> drop;
  struct DailyRow {
    const VisitRollup* v;
    std::string visitors;
    uint64_t values_bound;
  };
  std::vector<DailyRow> set_daily;
  const std::array<ValueCounts, kBreakdownCount> none{};
  for (const VisitRollup& v : visits) {
    const LinkDay pair(v.link_id, v.day);
    auto it = daily.find(pair);
    if (it == daily.end()) continue;  // the link is gone
    const StoredDay& day = it->second;
    std::string visitors = v.stats.human_clicks > 0 ? MergedSketch(v, day.visitors) : "";
    uint64_t bound = day.values_bound;
    if (bound <= kTopValues) {
      // No breakdown can pass its top 50: the batch's counts are added as they are.
      for (size_t b = 0; b < kBreakdownCount; ++b) {
        for (const auto& [value, clicks] : v.stats.breakdowns[b]) {
          add.push_back(ValueRow{v.link_id, v.day, b, value, clicks});
        }
      }
    } else {
      auto found = stored_values.find(pair);
      const std::array<ValueCounts, kBreakdownCount>& old =
          found == stored_values.end() ? none : found->second;
      bound = 0;
      for (size_t b = 0; b < kBreakdownCount; ++b) {
        FoldChanges changes = FoldTopChanges(old[b], v.stats.breakdowns[b]);
        for (ValueCount& c : changes.add) {
          add.push_back(ValueRow{v.link_id, v.day, b, std::move(c.value), c.clicks});
        }
        for (std::string& value : changes.drop) {
          drop.push_back(ValueRow{v.link_id, v.day, b, std::move(value), 0});
        }
        bound = std::max<uint64_t>(bound, changes.named);
      }
    }
    if (!visitors.empty() || bound != day.values_bound) {
      set_daily.push_back(
          DailyRow{&v, visitors.empty() ? day.visitors : std::move(visitors), bound});
    }
  }
  SendInChunks(s, add.size(), kAddValues, [&](sql::PreparedStatement& st, int param, size_t row) {
    const ValueRow& r = add[row];
    param = BindPair(st, param, r.link_id, r.day);
    st.setUInt(param, static_cast<unsigned>(r.breakdown));
    st.setString(param + 1, r.value);
    st.setUInt64(param + 2, r.clicks);
    return param + 3;
  });
  // Only for pairs past their top 50 in some breakdown: the values pushed out.
  SendInChunks(s, drop.size(), kDropValues, [&](sql::PreparedStatement& st, int param, size_t row) {
    const ValueRow& r = drop[row];
    param = BindPair(st, param, r.link_id, r.day);
    st.setUInt(param, static_cast<unsigned>(r.breakdown));
    st.setString(param + 1, r.value);
    return param + 2;
  });
  SendInChunks(s, set_daily.size(), kSetDaily,
               [&](sql::PreparedStatement& st, int param, size_t row) {
                 const DailyRow& r = set_daily[row];
                 param = BindPair(st, param, r.v->link_id, r.v->day);
                 st.setString(param, sql::SQLString(r.visitors.data(), r.visitors.size()));
                 st.setUInt64(param + 1, r.values_bound);
                 return param + 2;
               });
}

Result<StoredStats> MysqlStore::ReadStats(uint64_t link_id, const DayRange& range,
                                          StatsBlockCache* blocks) {
  return Run<StoredStats>("read_stats", Access::kRead, [&](Session& s) -> Result<StoredStats> {
    // One transaction, one snapshot (taken at its first read): the days and the breakdowns are
    // of the same flushes, so their totals agree; and a kept block is checked against the very
    // days it stands for.
    s.Begin();
    StoredStats stats;
    std::unique_ptr<sql::ResultSet> rs(
        BoundToRange(s.Prepared(kReadStatsDays), link_id, range).executeQuery());
    while (rs->next()) {
      StoredStatsDay day;
      day.day = rs->getInt64(1);
      day.clicks = rs->getUInt64(2);
      day.human_clicks = rs->getUInt64(3);
      day.bot_clicks = rs->getUInt64(4);
      stats.days.push_back(std::move(day));
    }
    rs.reset();
    // stats.days is in day order: the days of a piece are a run of it. Without a place to keep
    // blocks, the range is one piece: two reads instead of two per block.
    struct Piece {
      DayRange days;
      size_t begin, end;  // its run of stats.days
      uint64_t visits;    // classified
      bool keep;          // a whole block, kept between requests
    };
    std::vector<Piece> pieces;
    std::vector<int64_t> wanted;  // the blocks of the pieces kept, for one multi-get
    size_t next = 0;
    for (const StatsPiece& piece :
         blocks != nullptr ? StatsPieces(range) : std::vector<StatsPiece>{{range, false}}) {
      Piece p{piece.days, next, next, 0, blocks != nullptr && piece.whole};
      for (; p.end < stats.days.size() && stats.days[p.end].day <= piece.days.last; ++p.end) {
        p.visits += stats.days[p.end].human_clicks + stats.days[p.end].bot_clicks;
      }
      next = p.end;
      if (p.visits == 0) continue;  // nothing classified: no values, no sketches
      if (p.keep) wanted.push_back(p.days.first / kStatsBlockDays);
      pieces.push_back(p);
    }
    std::vector<std::optional<StatsBlock>> kept_blocks =
        wanted.empty() ? std::vector<std::optional<StatsBlock>>() : blocks->Get(wanted);
    size_t kept_at = 0;
    for (const Piece& piece : pieces) {
      if (piece.keep) {
        const std::optional<StatsBlock>& kept = kept_blocks[kept_at++];
        if (kept && kept->visits == piece.visits) {
          for (size_t d = piece.begin; d < piece.end; ++d) {
            stats.days[d].unique_visitors =
                kept->unique_visitors[static_cast<size_t>(stats.days[d].day - piece.days.first)];
          }
          for (size_t b = 0; b < kBreakdownCount; ++b) {
            for (const auto& [value, clicks] : kept->breakdowns[b]) {
              stats.breakdowns[b][value] += clicks;
            }
          }
          continue;
        }
      }
      rs.reset(BoundToRange(s.Prepared(kReadStatsSketches), link_id, piece.days).executeQuery());
      while (rs->next()) {
        const int64_t day = rs->getInt64(1);
        for (size_t d = piece.begin; d < piece.end; ++d) {
          if (stats.days[d].day == day) stats.days[d].visitors = std::string(rs->getString(2));
        }
      }
      StatsBlock read;
      read.visits = piece.visits;
      rs.reset(BoundToRange(s.Prepared(kReadStatsValues), link_id, piece.days).executeQuery());
      while (rs->next()) {
        size_t breakdown = rs->getUInt(1);
        if (breakdown < kBreakdownCount) {
          read.breakdowns[breakdown][std::string(rs->getString(2))] = rs->getUInt64(3);
        }
      }
      rs.reset();
      for (size_t b = 0; b < kBreakdownCount; ++b) {
        for (const auto& [value, clicks] : read.breakdowns[b]) stats.breakdowns[b][value] += clicks;
      }
      if (piece.keep) {
        for (size_t d = piece.begin; d < piece.end; ++d) {
          StoredStatsDay& day = stats.days[d];
          day.unique_visitors = UniqueVisitorsOf(day);
          read.unique_visitors[static_cast<size_t>(day.day - piece.days.first)] =
              *day.unique_visitors;
        }
        blocks->Put(piece.days.first / kStatsBlockDays, read);
      }
    }
    s.Commit();
    return stats;
  });
}

}  // namespace shortener
