// MysqlStore's visit statistics: the flush's writes of link_visits_daily and link_visit_values
// (sql/009), inside AddClicks' transaction.
//
// How concurrent flushes of one (link, day) stay exact: each flush first upserts the (link,
// day) row of link_visits_daily, adding its counters. That row lock is held to the end of the
// transaction, so every flush touching the pair either committed before (and is seen by the
// reads below) or waits. Then the sketches and the breakdown values of the batch's pairs are
// read, merged or folded in memory (HyperLogLog::Merge, FoldTop) and written back as absolute
// values. The reads are plain consistent reads: the transaction's snapshot is taken at the
// first of them, after the upsert holds every pair's lock, so it holds every committed flush
// of those pairs; and they take no gap locks that could deadlock with other pairs' inserts.
#include <map>

#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

#define SHORTENER_DAY_PARAM "('1970-01-01' + INTERVAL ? DAY)"
#define SHORTENER_DAY_NUMBER_OF(col) "DATEDIFF(" col ", '1970-01-01')"
#define SHORTENER_DAY_NUMBER SHORTENER_DAY_NUMBER_OF("day")
#define SHORTENER_PAIR_ROW "(link_id = ? AND day = " SHORTENER_DAY_PARAM ")"

// Counters added; the sketch is the batch's when the row is new (kept otherwise, merged below).
// IGNORE: a link deleted since its visits were counted drops them, as its clicks are dropped.
const ChunkedSql kAddDaily(
    "INSERT IGNORE INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors) "
    "VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", ?, ?, ?)",
    " ON DUPLICATE KEY UPDATE human_clicks = human_clicks + VALUES(human_clicks), "
    "bot_clicks = bot_clicks + VALUES(bot_clicks)");
const ChunkedSql kReadSketches("SELECT link_id, " SHORTENER_DAY_NUMBER
                               ", visitors FROM link_visits_daily WHERE ",
                               SHORTENER_PAIR_ROW, "", " OR ");
// Only rows that exist get here (read above, locked by this transaction): the update branch.
const ChunkedSql kSetSketches(
    "INSERT IGNORE INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, visitors) "
    "VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", 0, 0, ?)",
    " ON DUPLICATE KEY UPDATE visitors = VALUES(visitors)");
const ChunkedSql kReadValues("SELECT link_id, " SHORTENER_DAY_NUMBER
                             ", breakdown, value, clicks FROM link_visit_values WHERE ",
                             SHORTENER_PAIR_ROW, "", " OR ");
const ChunkedSql kSetValues(
    "INSERT IGNORE INTO link_visit_values (link_id, day, breakdown, value, clicks) VALUES ",
    "(?, " SHORTENER_DAY_PARAM ", ?, ?, ?)", " ON DUPLICATE KEY UPDATE clicks = VALUES(clicks)");
const char kDropValue[] =
    "DELETE FROM link_visit_values WHERE link_id = ? AND day = " SHORTENER_DAY_PARAM
    " AND breakdown = ? AND value = ?";

// A link's days in a range: every day with clicks, and its visit rollup where there is one.
const char kReadStatsDays[] =
    "SELECT " SHORTENER_DAY_NUMBER_OF("c.day") ", c.clicks, COALESCE(v.human_clicks, 0), "
    "COALESCE(v.bot_clicks, 0), COALESCE(v.visitors, '') FROM link_clicks_daily c "
    "LEFT JOIN link_visits_daily v ON v.link_id = c.link_id AND v.day = c.day "
    "WHERE c.link_id = ? AND c.day BETWEEN " SHORTENER_DAY_PARAM " AND " SHORTENER_DAY_PARAM
    " ORDER BY c.day";
// Each breakdown's values summed over the range: at most 51 rows a day and breakdown.
const char kReadStatsValues[] =
    "SELECT breakdown, value, SUM(clicks) FROM link_visit_values WHERE link_id = ? AND day "
    "BETWEEN " SHORTENER_DAY_PARAM " AND " SHORTENER_DAY_PARAM " GROUP BY breakdown, value";

// One breakdown value to write back, or to drop (folded into "other").
struct ValueRow {
  uint64_t link_id;
  int64_t day;
  size_t breakdown;
  std::string value;
  uint64_t clicks;
};

struct SketchRow {
  uint64_t link_id;
  int64_t day;
  std::string bytes;
};

int BindPair(sql::PreparedStatement& st, int param, uint64_t link_id, int64_t day) {
  st.setUInt64(param, link_id);
  st.setInt64(param + 1, day);
  return param + 2;
}

// Merges the stored sketches of `visits` with the batch's, writing back those that changed.
void MergeSketches(MysqlStore::Session& s, const std::vector<VisitRollup>& visits) {
  std::vector<const VisitRollup*> human;
  for (const VisitRollup& v : visits) {
    if (v.stats.human_clicks > 0) human.push_back(&v);
  }
  std::map<LinkDay, std::string> stored;
  QueryInChunks(
      s, human.size(), kReadSketches,
      [&](sql::PreparedStatement& st, int param, size_t row) {
        return BindPair(st, param, human[row]->link_id, human[row]->day);
      },
      [&](sql::ResultSet& rs) {
        stored[LinkDay(rs.getUInt64(1), rs.getInt64(2))] = std::string(rs.getString(3));
      });
  std::vector<SketchRow> changed;
  for (const VisitRollup* v : human) {
    auto it = stored.find(LinkDay(v->link_id, v->day));
    if (it == stored.end()) continue;  // the link is gone
    Result<HyperLogLog> sketch = HyperLogLog::Parse(it->second);
    if (!sketch.ok()) {
      // Counting goes on from this batch's visitors rather than blocking every later batch.
      Log(Severity::kError,
          "link %llu day %lld: stored unique-visitor sketch is corrupt; "
          "replacing it",
          static_cast<unsigned long long>(v->link_id), static_cast<long long>(v->day));
      sketch = HyperLogLog();
    }
    HyperLogLog merged = std::move(sketch).value();
    merged.Merge(v->stats.visitors);
    std::string bytes = merged.Serialize();
    if (bytes != it->second) changed.push_back(SketchRow{v->link_id, v->day, std::move(bytes)});
  }
  SendInChunks(
      s, changed.size(), kSetSketches, [&](sql::PreparedStatement& st, int param, size_t row) {
        param = BindPair(st, param, changed[row].link_id, changed[row].day);
        st.setString(param, sql::SQLString(changed[row].bytes.data(), changed[row].bytes.size()));
        return param + 1;
      });
}

// Folds each breakdown of `visits` into its stored top values, writing what changed.
void FoldValues(MysqlStore::Session& s, const std::vector<VisitRollup>& visits) {
  std::map<LinkDay, std::array<ValueCounts, kBreakdownCount>> stored;
  QueryInChunks(
      s, visits.size(), kReadValues,
      [&](sql::PreparedStatement& st, int param, size_t row) {
        return BindPair(st, param, visits[row].link_id, visits[row].day);
      },
      [&](sql::ResultSet& rs) {
        size_t breakdown = rs.getUInt(3);
        if (breakdown >= kBreakdownCount) return;  // written by a later version: left alone
        stored[LinkDay(rs.getUInt64(1), rs.getInt64(2))][breakdown][std::string(rs.getString(4))] =
            rs.getUInt64(5);
      });
  std::vector<ValueRow> set;
  std::vector<ValueRow> drop;
  const std::array<ValueCounts, kBreakdownCount> none{};
  for (const VisitRollup& v : visits) {
    auto it = stored.find(LinkDay(v.link_id, v.day));
    const std::array<ValueCounts, kBreakdownCount>& old = it == stored.end() ? none : it->second;
    for (size_t b = 0; b < kBreakdownCount; ++b) {
      std::vector<ValueCount> folded = FoldTop(old[b], v.stats.breakdowns[b]);
      ValueCounts kept;
      for (ValueCount& vc : folded) {
        auto was = old[b].find(vc.value);
        if (was == old[b].end() || was->second != vc.clicks) {
          set.push_back(ValueRow{v.link_id, v.day, b, vc.value, vc.clicks});
        }
        kept.emplace(std::move(vc.value), vc.clicks);
      }
      for (const auto& [value, clicks] : old[b]) {
        if (kept.count(value) == 0) drop.push_back(ValueRow{v.link_id, v.day, b, value, clicks});
      }
    }
  }
  SendInChunks(s, set.size(), kSetValues, [&](sql::PreparedStatement& st, int param, size_t row) {
    const ValueRow& r = set[row];
    param = BindPair(st, param, r.link_id, r.day);
    st.setUInt(param, static_cast<unsigned>(r.breakdown));
    st.setString(param + 1, r.value);
    st.setUInt64(param + 2, r.clicks);
    return param + 3;
  });
  // Only once a (link, day) has more than kTopValues values in a breakdown: rare.
  for (const ValueRow& r : drop) {
    sql::PreparedStatement& st = s.Prepared(kDropValue);
    int param = BindPair(st, 1, r.link_id, r.day);
    st.setUInt(param, static_cast<unsigned>(r.breakdown));
    st.setString(param + 1, r.value);
    st.executeUpdate();
  }
}

}  // namespace

void mysql_internal::AddVisits(MysqlStore::Session& s, const std::vector<VisitRollup>& visits) {
  if (visits.empty()) return;
  std::vector<std::string> sketches;
  sketches.reserve(visits.size());
  for (const VisitRollup& v : visits) sketches.push_back(v.stats.visitors.Serialize());
  SendInChunks(s, visits.size(), kAddDaily, [&](sql::PreparedStatement& st, int param, size_t row) {
    const VisitRollup& v = visits[row];
    param = BindPair(st, param, v.link_id, v.day);
    st.setUInt64(param, v.stats.human_clicks);
    st.setUInt64(param + 1, v.stats.bot_clicks);
    st.setString(param + 2, sql::SQLString(sketches[row].data(), sketches[row].size()));
    return param + 3;
  });
  MergeSketches(s, visits);
  FoldValues(s, visits);
}

Result<StoredStats> MysqlStore::ReadStats(uint64_t link_id, const DayRange& range) {
  return Run<StoredStats>("read_stats", Access::kRead, [&](Session& s) -> Result<StoredStats> {
    // One transaction, one snapshot (taken at its first read): the days and the breakdowns are
    // of the same flushes, so their totals agree.
    s.Begin();
    StoredStats stats;
    sql::PreparedStatement& days = s.Prepared(kReadStatsDays);
    days.setUInt64(1, link_id);
    days.setInt64(2, range.first);
    days.setInt64(3, range.last);
    std::unique_ptr<sql::ResultSet> rs(days.executeQuery());
    while (rs->next()) {
      stats.days.push_back(StoredStatsDay{rs->getInt64(1), rs->getUInt64(2), rs->getUInt64(3),
                                          rs->getUInt64(4), rs->getString(5)});
    }
    sql::PreparedStatement& values = s.Prepared(kReadStatsValues);
    values.setUInt64(1, link_id);
    values.setInt64(2, range.first);
    values.setInt64(3, range.last);
    rs.reset(values.executeQuery());
    while (rs->next()) {
      size_t breakdown = rs->getUInt(1);
      if (breakdown < kBreakdownCount) {
        stats.breakdowns[breakdown][std::string(rs->getString(2))] = rs->getUInt64(3);
      }
    }
    s.Commit();
    return stats;
  });
}

}  // namespace shortener
