// MysqlStore's visit statistics: the flush's writes of link_visits_daily (sql/009, sql/017),
// inside AddClicks' transaction, and the stats endpoint's read.
//
// How concurrent flushes of one (link, day) stay exact: a flush first reads its batch's pairs
// with a locking read. Each row found stays locked to the end of the transaction, so every
// other flush of that pair either committed before (and is in what was read) or waits; the row
// is written back once, with the batch merged in. A pair not found is inserted whole; the insert
// names the rows it made, and a pair that another flush inserted meanwhile is read again,
// locked, and merged like the others. AddClicks runs the flush in READ COMMITTED, where a
// locking read of a missing key takes no gap lock: two flushes adding a day to links that sit
// side by side in the index would otherwise block each other's inserts and deadlock.
//
// What a flush costs MariaDB, per (link, day) of its batch (docs/performance.md): for a row that
// exists, the locking read and one write (2 B-tree searches, 1 update); for a new one, the read
// that misses and one insert. Whatever the number of breakdown values (sql/017: one text a row,
// domain/day_values.h).
#include <map>
#include <set>

#include "domain/day_values.h"
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

#define SHORTENER_DAY_PARAM "('1970-01-01' + INTERVAL ? DAY)"
#define SHORTENER_DAY_NUMBER_OF(col) "DATEDIFF(" col ", '1970-01-01')"
#define SHORTENER_DAY_NUMBER SHORTENER_DAY_NUMBER_OF("day")
#define SHORTENER_DAILY_COLUMNS                                                                   \
  " INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors, breakdown_values) " \
  "VALUES "
#define SHORTENER_DAILY_ROW "(?, " SHORTENER_DAY_PARAM ", ?, ?, ?, ?)"

// The rows of a batch's pairs that exist, each locked. Picked by primary key with a
// row-constructor IN: MariaDB looks each row up in a sorted list (an OR of (link_id = ? AND
// day = ?) terms was evaluated term by term for every row read).
const ChunkedSql kLockDaily("SELECT link_id, " SHORTENER_DAY_NUMBER
                            ", human_clicks, bot_clicks, visitors, breakdown_values FROM "
                            "link_visits_daily WHERE (link_id, day) IN (",
                            "(?, " SHORTENER_DAY_PARAM ")", ") FOR UPDATE");
// New rows, whole. RETURNING names the rows made. IGNORE leaves out a pair that another flush
// inserted since the read, and a pair whose link was deleted since its visits were counted (a
// foreign key failure becomes a warning): those visits are dropped, as the link's clicks are.
const ChunkedSql kInsertDaily("INSERT IGNORE" SHORTENER_DAILY_COLUMNS, SHORTENER_DAILY_ROW,
                              " RETURNING link_id, " SHORTENER_DAY_NUMBER);
// Rows this transaction holds locked, rewritten whole (only the update branch runs).
const ChunkedSql kSetDaily("INSERT" SHORTENER_DAILY_COLUMNS, SHORTENER_DAILY_ROW,
                           " ON DUPLICATE KEY UPDATE human_clicks = VALUES(human_clicks), "
                           "bot_clicks = VALUES(bot_clicks), visitors = VALUES(visitors), "
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

// Counting goes on from a batch's visits, rather than blocking every later batch, when a day's
// stored values text does not decode; the log says so.
void LogCorruptValues(uint64_t link_id, int64_t day) {
  Log(Severity::kError, "link %llu day %lld: stored breakdown values are corrupt; replacing them",
      static_cast<unsigned long long>(link_id), static_cast<long long>(day));
}

// The stored breakdown values of a day; none, logged, for a text that does not decode.
DayValues StoredValues(uint64_t link_id, int64_t day, const std::string& text) {
  std::optional<DayValues> values = DecodeDayValues(text);
  if (values) return std::move(*values);
  LogCorruptValues(link_id, day);
  return DayValues();
}

// The stored values text of a day and the batch's, folded to what is stored next (each
// breakdown's top 50 + other); the batch's alone, logged, for a text that does not decode.
std::string FoldedValues(const VisitRollup& v, std::string_view stored) {
  std::optional<std::string> folded = FoldDayValues(stored, v.stats.breakdowns);
  if (folded) return std::move(*folded);
  LogCorruptValues(v.link_id, v.day);
  return *FoldDayValues("", v.stats.breakdowns);
}

// The stored sketch of a pair merged with the batch's.
std::string MergedSketch(const VisitRollup& v, const std::string& stored) {
  if (v.stats.human_clicks == 0) return stored;  // bots add no visitor
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
  return merged.Serialize();
}

// One row of link_visits_daily as written: a batch's pair, whole.
struct DailyRow {
  const VisitRollup* v;
  uint64_t human_clicks;
  uint64_t bot_clicks;
  std::string visitors;
  std::string values;
};

DailyRow NewRow(const VisitRollup& v) {
  return DailyRow{&v, v.stats.human_clicks, v.stats.bot_clicks, v.stats.visitors.Serialize(),
                  FoldedValues(v, "")};
}

DailyRow MergedRow(const VisitRollup& v, const StoredDay& day) {
  return DailyRow{&v, day.human_clicks + v.stats.human_clicks, day.bot_clicks + v.stats.bot_clicks,
                  MergedSketch(v, day.visitors), FoldedValues(v, day.values)};
}

int BindRow(sql::PreparedStatement& st, int param, const DailyRow& r) {
  param = BindPair(st, param, r.v->link_id, r.v->day);
  st.setUInt64(param, r.human_clicks);
  st.setUInt64(param + 1, r.bot_clicks);
  st.setString(param + 2, Bytes(r.visitors));
  st.setString(param + 3, Bytes(r.values));
  return param + 4;
}

// The batch's pairs `pairs`, each locked where its row exists (kLockDaily) and merged into
// `merged`; missing(pair) for each without a row.
template <typename Missing>
void MergeLocked(MysqlStore::Session& s, const std::vector<const VisitRollup*>& pairs,
                 std::vector<DailyRow>* merged, Missing missing) {
  std::map<LinkDay, StoredDay> found;
  QueryInChunks(
      s, pairs.size(), kLockDaily,
      [&](sql::PreparedStatement& st, int param, size_t row) {
        return BindPair(st, param, pairs[row]->link_id, pairs[row]->day);
      },
      [&](sql::ResultSet& rs) {
        found[LinkDay(rs.getUInt64(1), rs.getInt64(2))] =
            StoredDay{rs.getUInt64(3), rs.getUInt64(4), std::string(rs.getString(5)),
                      std::string(rs.getString(6))};
      });
  for (const VisitRollup* v : pairs) {
    auto it = found.find(LinkDay(v->link_id, v->day));
    if (it != found.end()) {
      merged->push_back(MergedRow(*v, it->second));
    } else {
      missing(*v);
    }
  }
}

}  // namespace

void mysql_internal::AddVisits(MysqlStore::Session& s, const std::vector<VisitRollup>& visits) {
  if (visits.empty()) return;
  std::vector<const VisitRollup*> pairs;
  pairs.reserve(visits.size());
  for (const VisitRollup& v : visits) pairs.push_back(&v);
  // 1. The pairs that exist, locked, merged; the others to insert.
  std::vector<DailyRow> merged;
  std::vector<DailyRow> fresh;
  MergeLocked(s, pairs, &merged, [&](const VisitRollup& v) { fresh.push_back(NewRow(v)); });
  // 2. New rows; a pair not made here was inserted by another flush since the read (or its
  // link is gone, and its visits are dropped): read it again, locked now, and merge the batch in.
  std::set<LinkDay> made;
  QueryInChunks(
      s, fresh.size(), kInsertDaily,
      [&](sql::PreparedStatement& st, int param, size_t row) {
        return BindRow(st, param, fresh[row]);
      },
      [&](sql::ResultSet& rs) { made.emplace(rs.getUInt64(1), rs.getInt64(2)); });
  if (made.size() < fresh.size()) {
    std::vector<const VisitRollup*> raced;
    for (const DailyRow& r : fresh) {
      if (made.count(LinkDay(r.v->link_id, r.v->day)) == 0) raced.push_back(r.v);
    }
    MergeLocked(s, raced, &merged, [](const VisitRollup&) {});
  }
  // 3. The rows that existed, written back whole.
  SendInChunks(s, merged.size(), kSetDaily, [&](sql::PreparedStatement& st, int param, size_t row) {
    return BindRow(st, param, merged[row]);
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
