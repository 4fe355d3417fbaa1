// The only user of Connector/C++ (with mysql_migrate.cc): sessions, prepared statements,
// reconnects, and the conversion of sql::SQLException into the project's errors.
#include "mysql_store.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_connection.h>
#include <mysql_driver.h>

#include <chrono>
#include <limits>

#include "log.h"
#include "metrics.h"
#include "mysql_session.h"

namespace shortener {

namespace {

constexpr int kErrDuplicateKey = 1062;
constexpr int kErrLockWaitTimeout = 1205;
constexpr int kErrDeadlock = 1213;
constexpr std::chrono::milliseconds kSlowConnect{100};
constexpr std::chrono::milliseconds kReconnectBackoff{1000};
// A custom slug can hold the slug of the next id too; a few tries always get past them.
constexpr int kMaxSlugAttempts = 8;

// DATETIME <-> unix seconds by plain arithmetic. FROM_UNIXTIME and UNIX_TIMESTAMP would be
// shorter, but MariaDB 10.11 caps them at 2038-01-19, well inside max_ttl. The session zone is
// UTC (ConnectMysql), so a DATETIME here is UTC wall time.
#define SECONDS_OF(col) "TIMESTAMPDIFF(SECOND, '1970-01-01', " col ")"
#define DATETIME_OF_PARAM "('1970-01-01' + INTERVAL ? SECOND)"

const char kLinkColumns[] = "id, slug, url, owner_id, " SECONDS_OF("created_at") ", " SECONDS_OF(
    "updated_at") ", " SECONDS_OF("expires_at") ", clicks, metadata";

// A client sees this after a lost connection or a busy database: retrying is the right move.
Error Unavailable() {
  return Error::Make(ErrorCode::kUnavailable, "The database is unavailable; try again shortly.");
}

Link ReadLink(sql::ResultSet& rs) {
  Link link;
  link.id = rs.getUInt64(1);
  link.slug = rs.getString(2);
  link.url = rs.getString(3);
  if (!rs.isNull(4)) link.owner_id = rs.getUInt64(4);
  link.created_at = rs.getInt64(5);
  link.updated_at = rs.getInt64(6);
  link.expires_at = rs.getInt64(7);
  link.clicks = rs.getUInt64(8);
  link.metadata_json = rs.getString(9);
  return link;
}

}  // namespace

struct MysqlStore::Session {
  std::unique_ptr<sql::Connection> conn;
  // Declared after conn so they are destroyed first: a statement must not outlive its
  // connection.
  std::unique_ptr<sql::PreparedStatement> find_redirect;
  std::unique_ptr<sql::PreparedStatement> insert_link;
  std::unique_ptr<sql::PreparedStatement> last_insert_id;
  std::unique_ptr<sql::PreparedStatement> set_slug;
  std::unique_ptr<sql::PreparedStatement> list_all;
  std::unique_ptr<sql::PreparedStatement> list_owner;
  std::unique_ptr<sql::PreparedStatement> ping;

  explicit Session(const MysqlOptions& options) : conn(ConnectMysql(options)) {
    auto prepare = [this](const std::string& text) {
      return std::unique_ptr<sql::PreparedStatement>(conn->prepareStatement(text));
    };
    find_redirect = prepare("SELECT url, " SECONDS_OF("expires_at") " FROM links WHERE slug = ?");
    insert_link = prepare(
        "INSERT INTO links (slug, url, owner_id, created_at, updated_at, expires_at, metadata) "
        "VALUES (?, ?, ?, " DATETIME_OF_PARAM ", " DATETIME_OF_PARAM ", " DATETIME_OF_PARAM ", ?)");
    last_insert_id = prepare("SELECT LAST_INSERT_ID()");
    set_slug = prepare("UPDATE links SET slug = ? WHERE id = ?");
    list_all = prepare(std::string("SELECT ") + kLinkColumns +
                       " FROM links WHERE slug IS NOT NULL AND id < ? ORDER BY id DESC LIMIT ?");
    list_owner = prepare(std::string("SELECT ") + kLinkColumns +
                         " FROM links WHERE owner_id = ? AND slug IS NOT NULL AND id < ? "
                         "ORDER BY id DESC LIMIT ?");
    ping = prepare("SELECT 1");
  }
};

MysqlStore::MysqlStore(MysqlOptions options) : options_(std::move(options)) {}

MysqlStore::~MysqlStore() = default;

template <typename T, typename Fn>
Result<T> MysqlStore::Run(const char* what, Access access, Fn fn) {
  for (int attempt = 0;; ++attempt) {
    try {
      if (!session_) {
        // While the database is down, fail fast instead of paying a connect attempt (up to
        // connect_timeout on TCP) on every request and tying up the whole pool.
        auto start = std::chrono::steady_clock::now();
        if (start < next_connect_at_) return Unavailable();
        try {
          session_ = std::make_unique<Session>(options_);
        } catch (const sql::SQLException&) {
          // A refused connect (server down, socket gone) costs nothing, so the next request tries
          // again and finds a restarted server at once. One that timed out does not get retried
          // for a while: a pool facing an unreachable host would otherwise spend all its time
          // connecting.
          auto end = std::chrono::steady_clock::now();
          if (end - start > kSlowConnect) next_connect_at_ = end + kReconnectBackoff;
          throw;
        }
      } else if (access == Access::kWrite && !session_->conn->isValid()) {
        // A write must not be re-sent after a lost connection (it may have run), so a
        // connection that died while idle is found out before anything is sent on it.
        session_.reset();
        continue;
      }
      return fn(*session_);
    } catch (const sql::SQLException& e) {
      CountDatabaseError();
      int code = e.getErrorCode();
      bool lost = IsConnectionLost(code);
      // Whatever happened, this session may be mid-transaction or dead: start afresh.
      session_.reset();
      if (lost && access == Access::kRead && attempt == 0) continue;
      if (lost || code == kErrDeadlock || code == kErrLockWaitTimeout) {
        Log(Severity::kWarn, "mysql unavailable during %s: error %d", what, code);
        return Unavailable();
      }
      Log(Severity::kError, "mysql error during %s: %d (%s) %s", what, code, e.getSQLStateCStr(),
          e.what());
      return Error::Make(ErrorCode::kInternal, "Internal error.");
    } catch (const std::exception& e) {
      // Not the database's doing, but the session may be mid-transaction: drop it.
      session_.reset();
      Log(Severity::kError, "error during %s: %s", what, e.what());
      return Error::Make(ErrorCode::kInternal, "Internal error.");
    }
  }
}

Result<RedirectTarget> MysqlStore::FindRedirect(const std::string& slug) {
  return Run<RedirectTarget>("find_redirect", Access::kRead,
                             [&](Session& s) -> Result<RedirectTarget> {
                               s.find_redirect->setString(1, slug);
                               std::unique_ptr<sql::ResultSet> rs(s.find_redirect->executeQuery());
                               if (!rs->next())
                                 return Error::Make(ErrorCode::kNotFound, "No such link.");
                               return RedirectTarget{rs->getString(1), rs->getInt64(2)};
                             });
}

Result<Link> MysqlStore::CreateLink(const NewLink& link, const SlugMaker& make_slug) {
  return Run<Link>("create_link", Access::kWrite, [&](Session& s) -> Result<Link> {
    Link out;
    out.url = link.url;
    out.owner_id = link.owner_id;
    out.created_at = out.updated_at = link.now;
    out.expires_at = link.expires_at;
    out.metadata_json = link.metadata_json;
    auto bind = [&](const std::optional<std::string>& slug) {
      sql::PreparedStatement& st = *s.insert_link;
      if (slug) {
        st.setString(1, *slug);
      } else {
        st.setNull(1, sql::DataType::VARCHAR);
      }
      st.setString(2, link.url);
      if (link.owner_id) {
        st.setUInt64(3, *link.owner_id);
      } else {
        st.setNull(3, sql::DataType::BIGINT);
      }
      st.setInt64(4, link.now);
      st.setInt64(5, link.now);
      st.setInt64(6, link.expires_at);
      st.setString(7, link.metadata_json);
    };
    auto read_id = [&s]() {
      std::unique_ptr<sql::ResultSet> rs(s.last_insert_id->executeQuery());
      rs->next();
      return rs->getUInt64(1);
    };

    if (link.custom_slug) {
      bind(link.custom_slug);
      try {
        s.insert_link->executeUpdate();
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != kErrDuplicateKey) throw;
        return Error::Make(ErrorCode::kSlugTaken, "That slug is already taken.");
      }
      out.id = read_id();
      out.slug = *link.custom_slug;
      return out;
    }

    // The slug derives from the row's own id, so the row is inserted first and named after;
    // both happen in one transaction so no reader ever sees a link without a slug.
    for (int attempt = 0; attempt < kMaxSlugAttempts; ++attempt) {
      s.conn->setAutoCommit(false);
      bind(std::nullopt);
      s.insert_link->executeUpdate();
      out.id = read_id();
      std::optional<std::string> slug = make_slug(out.id);
      bool taken = !slug;
      if (slug) {
        s.set_slug->setString(1, *slug);
        s.set_slug->setUInt64(2, out.id);
        try {
          s.set_slug->executeUpdate();
        } catch (const sql::SQLException& e) {
          if (e.getErrorCode() != kErrDuplicateKey) throw;
          taken = true;
        }
      }
      if (taken) {
        // The id stays consumed (InnoDB never reuses it), so the next attempt gets a new slug.
        s.conn->rollback();
        s.conn->setAutoCommit(true);
        continue;
      }
      s.conn->commit();
      s.conn->setAutoCommit(true);
      out.slug = std::move(*slug);
      return out;
    }
    Log(Severity::kError, "no free generated slug after %d ids", kMaxSlugAttempts);
    return Error::Make(ErrorCode::kInternal, "Internal error.");
  });
}

Result<LinkPage> MysqlStore::ListLinks(std::optional<uint64_t> owner_id,
                                       std::optional<uint64_t> before_id, int limit) {
  return Run<LinkPage>("list_links", Access::kRead, [&](Session& s) -> Result<LinkPage> {
    sql::PreparedStatement& st = owner_id ? *s.list_owner : *s.list_all;
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

Status MysqlStore::Ping() {
  Result<bool> r = Run<bool>("ping", Access::kRead, [](Session& s) -> Result<bool> {
    std::unique_ptr<sql::ResultSet> rs(s.ping->executeQuery());
    return rs->next();
  });
  if (!r.ok()) return r.error();
  return Status::Ok();
}

}  // namespace shortener
