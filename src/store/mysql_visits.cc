// MysqlStore's visit statistics: the flush's writes of link_visits_daily (sql/009, sql/017),
// inside AddClicks' transaction, and the stats endpoint's read.
//
// How concurrent flushes of one (link, day) stay exact: each flush first upserts the (link,
// day) row, adding its counters. That row lock is held to the end of the transaction, so every
// flush touching the pair either committed before (and is seen by the read below) or waits.
// The read is a plain consistent read: the transaction's snapshot is taken at it, after the
// upsert holds every pair's lock, so it holds every committed flush of those pairs; and it
// takes no gap locks that could deadlock with other pairs' inserts.
//
// What a flush costs MariaDB, per (link, day) of its batch (docs/performance.md): the upsert of
// the day's row, one primary-key read of it and, unless the upsert inserted it, one write-back
// of the merged sketch and breakdown values (domain/day_values.h): 2 or 3 row operations,
// whatever the number of values (sql/017; a row per value before).
#include <map>

#include "domain/day_values.h"
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

#define SHORTENER_DAY_PARAM "('1970-01-01' + INTERVAL ? DAY)"
#define SHORTENER_DAY_NUMBER_OF(col) "DATEDIFF(" col ", '1970-01-01')"
#define SHORTENER_DAY_NUMBER SHORTENER_DAY_NUMBER_OF("day")

// Counters added. A new row gets the batch's sketch and values (folded to the top 50 + other):
// complete, so the flush that inserted it need not write it again. An existing row keeps its
// own until the write-back below.
// IGNORE: a link deleted since its visits were counted drops them, as its clicks are dropped.
const ChunkedSql kAddDaily(
    "INSERT IGNORE INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors, "
    "breakdown_values) VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", ?, ?, ?, ?)",
    " ON DUPLICATE KEY UPDATE human_clicks = human_clicks + VALUES(human_clicks), "
    "bot_clicks = bot_clicks + VALUES(bot_clicks)");
// Rows picked by primary key with a row-constructor IN: MariaDB looks each row up in a sorted
// list; an OR of (link_id = ? AND day = ?) terms was evaluated term by term for every row read.
const ChunkedSql kReadDaily("SELECT link_id, " SHORTENER_DAY_NUMBER
                            ", human_clicks, bot_clicks, visitors, breakdown_values FROM "
                            "link_visits_daily WHERE (link_id, day) IN (",
                            "(?, " SHORTENER_DAY_PARAM ")", ")");
// Only rows that exist get here (read above, locked by this transaction): the update branch.
const ChunkedSql kSetDaily(
    "INSERT IGNORE INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors, "
    "breakdown_values) VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", 0, 0, ?, ?)",
    " ON DUPLICATE KEY UPDATE visitors = VALUES(visitors), "
    "breakdown_values = VALUES(breakdown_values)");

// A link's days in a range: every day with clicks, and its classified visits where it has any.
const char kReadStatsDays[] =
    "SELECT " SHORTENER_DAY_NUMBER_OF("c.day") ", c.clicks, COALESCE(v.human_clicks, 0), "
    "COALESCE(v.bot_clicks, 0) FROM link_clicks_daily c "
    "LEFT JOIN link_visits_daily v ON v.link_id = c.link_id AND v.day = c.day "
    "WHERE c.link_id = ? AND c.day BETWEEN " SHORTENER_DAY_PARAM " AND " SHORTENER_DAY_PARAM
    " ORDER BY c.day";
// The unique-visitor sketches and breakdown values of a piece of the range.
const char kReadStatsPiece[] =
    "SELECT " SHORTENER_DAY_NUMBER
    ", visitors, breakdown_values FROM link_visits_daily WHERE "
    "link_id = ? AND day BETWEEN " SHORTENER_DAY_PARAM " AND " SHORTENER_DAY_PARAM;

// What the flush found of one (link, day) in link_visits_daily.
struct StoredDay {
  uint64_t human_clicks = 0;
  uint64_t bot_clicks = 0;
  std::string visitors;
  std::string values;
};

int BindPair(sql::PreparedStatement& st, int param, uint64_t link_id, int64_t day) {
  st.setUInt64(param, link_id);
  st.setInt64(param + 1, day);
  return param + 2;
}

sql::SQLString Bytes(const std::string& bytes) {
  return sql::SQLString(bytes.data(), bytes.size());
}

// Binds a link and a range of days to the three parameters of a stats read.
sql::PreparedStatement& BoundToRange(sql::PreparedStatement& st, uint64_t link_id,
                                     const DayRange& range) {
  st.setUInt64(1, link_id);
  st.setInt64(2, range.first);
  st.setInt64(3, range.last);
  return st;
}

// The stored breakdown values of a day; none, logged, for a text that does not decode (counting
// goes on from this batch's visits rather than blocking every later batch).
DayValues StoredValues(uint64_t link_id, int64_t day, const std::string& text) {
  std::optional<DayValues> values = DecodeDayValues(text);
  if (values) return std::move(*values);
  Log(Severity::kError, "link %llu day %lld: stored breakdown values are corrupt; replacing them",
      static_cast<unsigned long long>(link_id), static_cast<long long>(day));
  return DayValues();
}

// `stored` and `added` folded to what is stored next: each breakdown's top 50 + other.
DayValues Folded(const DayValues& stored, const DayValues& added) {
  DayValues folded;
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    for (ValueCount& v : FoldTop(stored[b], added[b])) {
      folded[b].emplace(std::move(v.value), v.clicks);
    }
  }
  return folded;
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

}  // namespace

void mysql_internal::AddVisits(MysqlStore::Session& s, const std::vector<VisitRollup>& visits) {
  if (visits.empty()) return;
  // 1. Counters added, every pair's row locked; new rows written whole.
  std::vector<std::string> sketches;
  std::vector<std::string> values;
  sketches.reserve(visits.size());
  values.reserve(visits.size());
  for (const VisitRollup& v : visits) {
    sketches.push_back(v.stats.visitors.Serialize());
    values.push_back(EncodeDayValues(Folded(DayValues(), v.stats.breakdowns)));
  }
  SendInChunks(s, visits.size(), kAddDaily, [&](sql::PreparedStatement& st, int param, size_t row) {
    const VisitRollup& v = visits[row];
    param = BindPair(st, param, v.link_id, v.day);
    st.setUInt64(param, v.stats.human_clicks);
    st.setUInt64(param + 1, v.stats.bot_clicks);
    st.setString(param + 2, Bytes(sketches[row]));
    st.setString(param + 3, Bytes(values[row]));
    return param + 4;
  });
  // 2. The rows as they are now (the snapshot starts here).
  std::map<LinkDay, StoredDay> daily;
  QueryInChunks(
      s, visits.size(), kReadDaily,
      [&](sql::PreparedStatement& st, int param, size_t row) {
        return BindPair(st, param, visits[row].link_id, visits[row].day);
      },
      [&](sql::ResultSet& rs) {
        daily[LinkDay(rs.getUInt64(1), rs.getInt64(2))] =
            StoredDay{rs.getUInt64(3), rs.getUInt64(4), std::string(rs.getString(5)),
                      std::string(rs.getString(6))};
      });
  // 3. Rows that existed before the upsert: the batch merged in, written back in primary-key
  // order. A row the upsert inserted holds exactly the batch, counters and values text; a row
  // that existed differs in its counters (it had at least one visit), or, had it none, in its
  // values (none: every visit of a day adds to each breakdown) unless the batch has none either.
  struct DailyRow {
    const VisitRollup* v;
    std::string visitors;
    std::string values;
  };
  std::vector<DailyRow> set_daily;
  for (size_t i = 0; i < visits.size(); ++i) {
    const VisitRollup& v = visits[i];
    auto it = daily.find(LinkDay(v.link_id, v.day));
    if (it == daily.end()) continue;  // the link is gone
    const StoredDay& day = it->second;
    if (day.human_clicks == v.stats.human_clicks && day.bot_clicks == v.stats.bot_clicks &&
        day.values == values[i]) {
      continue;  // inserted by this flush
    }
    std::string visitors = v.stats.human_clicks > 0 ? MergedSketch(v, day.visitors) : "";
    std::string merged =
        EncodeDayValues(Folded(StoredValues(v.link_id, v.day, day.values), v.stats.breakdowns));
    if (visitors.empty() && merged == day.values) continue;  // nothing new to store
    set_daily.push_back(
        DailyRow{&v, visitors.empty() ? day.visitors : std::move(visitors), std::move(merged)});
  }
  SendInChunks(s, set_daily.size(), kSetDaily,
               [&](sql::PreparedStatement& st, int param, size_t row) {
                 const DailyRow& r = set_daily[row];
                 param = BindPair(st, param, r.v->link_id, r.v->day);
                 st.setString(param, Bytes(r.visitors));
                 st.setString(param + 1, Bytes(r.values));
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
      StatsBlock read;
      read.visits = piece.visits;
      rs.reset(BoundToRange(s.Prepared(kReadStatsPiece), link_id, piece.days).executeQuery());
      while (rs->next()) {
        const int64_t day = rs->getInt64(1);
        for (size_t d = piece.begin; d < piece.end; ++d) {
          if (stats.days[d].day == day) stats.days[d].visitors = std::string(rs->getString(2));
        }
        const DayValues values = StoredValues(link_id, day, std::string(rs->getString(3)));
        for (size_t b = 0; b < kBreakdownCount; ++b) {
          for (const auto& [value, clicks] : values[b]) read.breakdowns[b][value] += clicks;
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
