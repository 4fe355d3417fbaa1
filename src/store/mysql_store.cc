// MysqlStore's link half (the account half is mysql_accounts.cc, creation mysql_create.cc, the
// purge mysql_purge.cc): links and their clicks, and the conversion of sql::SQLException into
// the project's errors through Run (mysql_store_impl.h).
#include <cppconn/statement.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <limits>

#include "base/sodium.h"
#include "domain/slug.h"
#include "store/mysql_store_impl.h"

namespace shortener {

using namespace mysql_internal;

namespace {

const char kFindRedirect[] = "SELECT url, " SHORTENER_SECONDS_OF(
    "expires_at") ", id, redirect_code, max_visits IS NOT NULL FROM links WHERE slug = ?";
const char kListAll[] =
    "SELECT " LINK_COLUMNS " FROM links WHERE slug IS NOT NULL AND id < ? ORDER BY id DESC LIMIT ?";
// FORCE INDEX: for a user who owns most of the table MariaDB picks a `ref` on owner_id alone
// and filters id < cursor row by row, so page N read N pages of rows; the index makes the cursor
// a range bound, and every page reads its own rows only (bench.py --only scale, test_search).
const char kListOwner[] = "SELECT " LINK_COLUMNS
                          " FROM links FORCE INDEX (idx_links_owner) WHERE owner_id = ? AND slug "
                          "IS NOT NULL AND id < ? ORDER BY id DESC LIMIT ?";
const char kFindLink[] = "SELECT " LINK_COLUMNS " FROM links WHERE slug = ?";
const char kFindLinkById[] = "SELECT " LINK_COLUMNS " FROM links WHERE id = ?";
// One statement for every PATCH: a NULL parameter keeps the column as it is, except for the
// expiry and max_visits, where NULL means permanent or unlimited: the flag before each says
// whether to set it. A limit counts the visits made since it was set (docs/usage.md): a limit
// given to a link that has none starts its count at 0 (the flag before `visits`); a changed
// limit keeps the count. `visits` comes before `max_visits`: MariaDB assigns left to right,
// each assignment seeing the ones before it, so the test reads the old limit.
const char kUpdateLink[] =
    "UPDATE links SET url = COALESCE(?, url), expires_at = IF(?, " SHORTENER_DATETIME_PARAM
    ", expires_at), metadata = COALESCE(?, metadata), "
    "visits = IF(? AND max_visits IS NULL, 0, visits), max_visits = IF(?, ?, max_visits), "
    "redirect_code = COALESCE(?, redirect_code), updated_at = " SHORTENER_DATETIME_PARAM
    " WHERE id = ?";
// A visit of a limited link (sql/010): the row lock of the UPDATE serialises every worker and
// instance, so the condition is checked and the count raised as one step. A link without a
// limit matches too (its limit was removed since the cache said otherwise).
const char kUseVisit[] =
    "UPDATE links SET visits = visits + 1 WHERE id = ? AND (max_visits IS NULL OR visits < "
    "max_visits)";
const char kVisitLeft[] =
    "SELECT 1 FROM links WHERE id = ? AND (max_visits IS NULL OR visits < max_visits)";
// A deletion locks its row for writing first: two deletions of one link then queue instead of
// both taking a shared lock and deadlocking over the upgrade.
const char kLockLinkToDelete[] = "SELECT slug, owner_id FROM links WHERE id = ? FOR UPDATE";
const char kDeleteLink[] = "DELETE FROM links WHERE id = ?";
// The hold of a deleted link's slug (sql/006), written in the deleting transaction. A slug
// freed again restarts its hold, under its latest owner.
const char kHoldSlug[] =
    "INSERT INTO freed_slugs (slug, owner_id, freed_at) VALUES (?, ?, " SHORTENER_DATETIME_PARAM
    ") ON DUPLICATE KEY UPDATE owner_id = VALUES(owner_id), freed_at = VALUES(freed_at)";
const char kPing[] = "SELECT 1";
const char kClicksByDay[] =
    "SELECT DATEDIFF(day, '1970-01-01'), clicks FROM link_clicks_daily WHERE link_id = ? "
    "ORDER BY day";
const char kRecordBatch[] =
    "INSERT INTO click_batches (id, applied_at) VALUES (?, UTC_TIMESTAMP())";
// RequireStored's witness of a click batch: its record.
const StoredWitness kBatchStored =
    SHORTENER_STORED_WITNESS("SELECT COUNT(*) FROM click_batches WHERE id = ?");

// Also the answer, without a round trip, for a slug no link can have: `links.slug` is ASCII, and
// MariaDB refuses to compare it with a string of other characters (an error, not "no row"), so
// a lookup by a YOURLS `shorturl` or an admin's argument of any bytes would fail as an outage.
Error NoSuchLink() { return Error::Make(ErrorCode::kNotFound, "No such link."); }

// The one link `st` (already bound) selects, or kNotFound.
Result<Link> QueryOneLink(sql::PreparedStatement& st) {
  std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
  if (!rs->next()) return NoSuchLink();
  return ReadLink(*rs);
}

}  // namespace

Link mysql_internal::ReadLink(sql::ResultSet& rs) {
  Link link;
  link.id = rs.getUInt64(1);
  link.slug = rs.getString(2);
  link.url = rs.getString(3);
  if (!rs.isNull(4)) link.owner_id = rs.getUInt64(4);
  link.created_at = rs.getInt64(5);
  link.updated_at = rs.getInt64(6);
  if (!rs.isNull(7)) link.expires_at = rs.getInt64(7);
  link.clicks = rs.getUInt64(8);
  link.metadata_json = rs.getString(9);
  if (!rs.isNull(10)) link.max_visits = rs.getUInt64(10);
  link.redirect_code = rs.getInt(11);
  return link;
}

MysqlStore::MysqlStore(MysqlOptions options)
    : options_(std::move(options)),
      servers_(options_.ServerList()),
      failover_(servers_.size(), std::chrono::seconds(options_.failback_seconds)),
      breaker_(kBreakerFirst, kBreakerMax),
      outage_("mysql", "answering 503", "requests refused") {}

MysqlStore::~MysqlStore() = default;

void MysqlStore::Connect(std::chrono::steady_clock::time_point start) {
  using Clock = std::chrono::steady_clock;
  const auto slow_failure = std::chrono::duration<double>(
      kTimeoutShare * std::min(options_.connect_timeout_seconds, options_.io_timeout_seconds));
  std::vector<size_t> order = failover_.ConnectOrder(start);
  for (size_t n = 0; n < order.size(); ++n) {
    size_t i = order[n];
    try {
      session_ = std::make_unique<Session>(options_, servers_[i]);
    } catch (const sql::SQLException& e) {
      failover_.Failed(i, Clock::now());
      // A refusal costs nothing: the next server may answer. A timeout has used the call's
      // time, and an error that is no connection failure (a wrong password) is the same
      // everywhere.
      bool last = n + 1 == order.size();
      bool next = IsConnectionLost(e.getErrorCode()) || IsNodeNotReady(e.getErrorCode());
      if (last || !next || Clock::now() - start >= slow_failure) throw;
      continue;
    }
    if (i != server_ && i == 0) {
      Log(Severity::kInfo, "mysql: back on %s", servers_[i].ToString().c_str());
    } else if (i != server_) {
      Log(Severity::kWarn, "mysql: now on %s (%s is the first choice)",
          servers_[i].ToString().c_str(), servers_[0].ToString().c_str());
    }
    server_ = i;
    return;
  }
}

void MysqlStore::MoveBack(std::chrono::steady_clock::time_point now) {
  std::optional<size_t> back = failover_.MoveBack(server_, now);
  if (!back) return;
  try {
    session_ = std::make_unique<Session>(options_, servers_[*back]);
  } catch (const sql::SQLException&) {
    // Still away: stay where we are, ask again after another rest.
    failover_.Failed(*back, std::chrono::steady_clock::now());
    return;
  }
  Log(Severity::kInfo, "mysql: back on %s", servers_[*back].ToString().c_str());
  server_ = *back;
}

Result<RedirectTarget> MysqlStore::FindRedirect(const std::string& slug) {
  if (!LooksLikeSlug(slug)) return NoSuchLink();
  return Run<RedirectTarget>("find_redirect", Access::kRead,
                             [&](Session& s) -> Result<RedirectTarget> {
                               sql::PreparedStatement& st = s.Prepared(kFindRedirect);
                               st.setString(1, slug);
                               std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
                               if (!rs->next()) return NoSuchLink();
                               int64_t expires_at = rs->isNull(2) ? kNeverExpires : rs->getInt64(2);
                               return RedirectTarget{rs->getString(1), expires_at, rs->getUInt64(3),
                                                     rs->getInt(4), rs->getInt(5) != 0};
                             });
}

Result<bool> MysqlStore::UseVisit(uint64_t id, bool consume) {
  return Run<bool>(consume ? "use_visit" : "visit_left", consume ? Access::kWrite : Access::kRead,
                   [&](Session& s) -> Result<bool> {
                     sql::PreparedStatement& st = s.Prepared(consume ? kUseVisit : kVisitLeft);
                     st.setUInt64(1, id);
                     if (consume) return st.executeUpdate() == 1;
                     std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
                     return rs->next();
                   });
}

Result<LinkPage> MysqlStore::ListLinks(std::optional<uint64_t> owner_id,
                                       std::optional<uint64_t> before_id, int limit) {
  return Run<LinkPage>("list_links", Access::kRead, [&](Session& s) -> Result<LinkPage> {
    sql::PreparedStatement& st = s.Prepared(owner_id ? kListOwner : kListAll);
    int i = 1;
    if (owner_id) st.setUInt64(i++, *owner_id);
    st.setUInt64(i++, before_id.value_or(std::numeric_limits<uint64_t>::max()));
    // One row more than asked tells whether another page exists.
    st.setInt(i, limit + 1);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    LinkPage page;
    while (rs->next()) page.links.push_back(ReadLink(*rs));
    if (static_cast<int>(page.links.size()) > limit) {
      page.links.pop_back();
      page.next_before_id = page.links.back().id;
    }
    return page;
  });
}

Result<Link> MysqlStore::FindLink(const std::string& slug) {
  if (!LooksLikeSlug(slug)) return NoSuchLink();
  return Run<Link>("find_link", Access::kRead, [&](Session& s) -> Result<Link> {
    sql::PreparedStatement& st = s.Prepared(kFindLink);
    st.setString(1, slug);
    return QueryOneLink(st);
  });
}

Result<Link> MysqlStore::UpdateLink(uint64_t id, const LinkChange& change) {
  return Run<Link>("update_link", Access::kWrite, [&](Session& s) -> Result<Link> {
    sql::PreparedStatement& st = s.Prepared(kUpdateLink);
    if (change.url) {
      st.setString(1, *change.url);
    } else {
      st.setNull(1, sql::DataType::VARCHAR);
    }
    st.setBoolean(2, change.expires_at.has_value());
    if (change.expires_at && *change.expires_at) {
      st.setInt64(3, **change.expires_at);
    } else {
      st.setNull(3, sql::DataType::BIGINT);
    }
    if (change.metadata_json) {
      st.setString(4, *change.metadata_json);
    } else {
      st.setNull(4, sql::DataType::VARCHAR);
    }
    const bool sets_limit = change.max_visits && *change.max_visits;
    st.setBoolean(5, sets_limit);
    st.setBoolean(6, change.max_visits.has_value());
    if (sets_limit) {
      st.setUInt64(7, **change.max_visits);
    } else {
      st.setNull(7, sql::DataType::BIGINT);
    }
    if (change.redirect_code) {
      st.setInt(8, *change.redirect_code);
    } else {
      st.setNull(8, sql::DataType::INTEGER);
    }
    st.setInt64(9, change.now);
    st.setUInt64(10, id);
    // The row is read back in the same transaction, so the answer is exactly what was written.
    s.Begin();
    st.executeUpdate();
    sql::PreparedStatement& find = s.Prepared(kFindLinkById);
    find.setUInt64(1, id);
    Result<Link> link = QueryOneLink(find);
    s.Commit();
    return link;
  });
}

Status MysqlStore::DeleteLink(uint64_t id, int64_t now) {
  Result<bool> deleted = Run<bool>("delete_link", Access::kWrite, [&](Session& s) -> Result<bool> {
    s.Begin();
    sql::PreparedStatement& lock = s.Prepared(kLockLinkToDelete);
    lock.setUInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(lock.executeQuery());
    if (!rs->next()) {
      s.Rollback();
      return false;
    }
    sql::PreparedStatement& hold = s.Prepared(kHoldSlug);
    hold.setString(1, rs->getString(1));
    if (rs->isNull(2)) {
      hold.setNull(2, sql::DataType::BIGINT);
    } else {
      hold.setUInt64(2, rs->getUInt64(2));
    }
    hold.setInt64(3, now);
    hold.executeUpdate();
    sql::PreparedStatement& st = s.Prepared(kDeleteLink);
    st.setUInt64(1, id);
    st.executeUpdate();
    s.Commit();
    return true;
  });
  if (!deleted.ok()) return deleted.error();
  if (!deleted.value()) return NoSuchLink();
  return Status::Ok();
}

Result<std::vector<DayClicks>> MysqlStore::ClicksByDay(uint64_t id) {
  return Run<std::vector<DayClicks>>(
      "clicks_by_day", Access::kRead, [&](Session& s) -> Result<std::vector<DayClicks>> {
        sql::PreparedStatement& st = s.Prepared(kClicksByDay);
        st.setUInt64(1, id);
        std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
        std::vector<DayClicks> days;
        while (rs->next()) days.push_back(DayClicks{rs->getInt64(1), rs->getUInt64(2)});
        return days;
      });
}

namespace {

// The per-day rows. IGNORE drops the rows of links deleted since their clicks were counted (a
// foreign key failure becomes a warning) instead of failing the batch for good.
const ChunkedSql kAddDays("INSERT IGNORE INTO link_clicks_daily (link_id, day, clicks) VALUES ",
                          "(?, '1970-01-01' + INTERVAL ? DAY, ?)",
                          " ON DUPLICATE KEY UPDATE clicks = clicks + VALUES(clicks)");

const char kForgetBatch[] = "DELETE FROM click_batches WHERE id = ?";

}  // namespace

Result<bool> MysqlStore::AddClicks(const ClickBatch& batch) {
  return Run<bool>("add_clicks", Access::kWrite, [&](Session& s) -> Result<bool> {
    s.BeginReadCommitted();
    // First, so that a batch applied before stops here having written nothing.
    sql::PreparedStatement& record = s.Prepared(kRecordBatch);
    record.setString(1, batch.id);
    try {
      record.executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kErrDuplicateKey) throw;
      s.Rollback();
      return false;
    }
    const std::vector<ClickCount>& counts = batch.counts;
    SendInChunks(s, counts.size(), kAddDays,
                 [&](sql::PreparedStatement& st, int param, size_t row) {
                   st.setUInt64(param, counts[row].link_id);
                   st.setInt64(param + 1, counts[row].day);
                   st.setUInt64(param + 2, counts[row].clicks);
                   return param + 3;
                 });
    // The same visits, classified, in the same transaction: as exact and idempotent as the
    // clicks themselves.
    AddVisits(s, batch.visits);
    for (const std::string& id : batch.forget) {
      sql::PreparedStatement& forget = s.Prepared(kForgetBatch);
      forget.setString(1, id);
      forget.executeUpdate();
    }
    s.Commit();
    RequireStored(s, kBatchStored, [&](sql::PreparedStatement& st) { st.setString(1, batch.id); });
    return true;
  });
}

void mysql_internal::ConflictPause(int conflicts) {
  RequireSodium();
  const uint32_t below_micros = 1000u << std::clamp(conflicts, 1, kConflictRetries);
  usleep(randombytes_uniform(below_micros));
}

Status ProbeMysql(const MysqlOptions& options) {
  try {
    ConnectMysql(options);
    return Status::Ok();
  } catch (const sql::SQLException& e) {
    return Error::Make(ErrorCode::kUnavailable, "error " + std::to_string(e.getErrorCode()) + " (" +
                                                    e.getSQLStateCStr() + "): " + e.what());
  } catch (const std::exception& e) {
    return Error::Make(ErrorCode::kUnavailable, e.what());
  }
}

Status MysqlStore::Ping() {
  Result<bool> r = Run<bool>("ping", Access::kRead, [](Session& s) -> Result<bool> {
    std::unique_ptr<sql::ResultSet> rs(s.Prepared(kPing).executeQuery());
    return rs->next();
  });
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace shortener
