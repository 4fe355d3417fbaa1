// Internals shared by the files that implement MysqlStore (mysql_store.cc for links,
// mysql_accounts.cc for users, tokens and keys): the session, Run, and the SQL helpers.
// Included by those files only; nothing outside them sees Connector/C++.
#ifndef SHORTENER_MYSQL_STORE_IMPL_H_
#define SHORTENER_MYSQL_STORE_IMPL_H_

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "base/metrics.h"
#include "store/mysql_session.h"
#include "store/mysql_store.h"

namespace shortener {

// DATETIME <-> unix seconds by plain arithmetic. FROM_UNIXTIME and UNIX_TIMESTAMP would be
// shorter, but MariaDB 10.11 caps them at 2038-01-19, well inside max_ttl. The session zone is
// UTC (ConnectMysql), so a DATETIME here is UTC wall time.
#define SHORTENER_SECONDS_OF(col) "TIMESTAMPDIFF(SECOND, '1970-01-01', " col ")"
#define SHORTENER_DATETIME_PARAM "('1970-01-01' + INTERVAL ? SECOND)"
// Runs the statement that follows without the causal read's wait (wsrep_sync_wait = 1 on a
// Galera session): for reads that need nothing another node committed, such as the session's
// own write. MariaDB only, and only on a session where the variable exists (traits.causal or
// traits.galera).
#define SHORTENER_NO_CAUSAL_WAIT "SET STATEMENT wsrep_sync_wait = 0 FOR "
// Runs the statement that follows with the causal read's wait, whatever the session's setting.
#define SHORTENER_CAUSAL_WAIT "SET STATEMENT wsrep_sync_wait = 1 FOR "

// A link's total: the sum of its days (sql/004), an index range scan of link_clicks_daily's
// primary key.
#define CLICK_TOTAL \
  "(SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d WHERE d.link_id = links.id)"

// The columns ReadLink reads, in its order; the click total is the 8th.
#define LINK_COLUMNS                                                                        \
  "id, slug, url, owner_id, " SHORTENER_SECONDS_OF("created_at") ", " SHORTENER_SECONDS_OF( \
      "updated_at") ", " SHORTENER_SECONDS_OF("expires_at") ", " CLICK_TOTAL                \
                                                            ", metadata, max_visits, "      \
                                                            "redirect_code"

namespace mysql_internal {

// The link of the current row of a result set that selected LINK_COLUMNS.
Link ReadLink(sql::ResultSet& rs);

constexpr int kErrDuplicateKey = 1062;
constexpr int kErrLockWaitTimeout = 1205;
constexpr int kErrDeadlock = 1213;
// A failure that took at least this share of the shorter timeout was a timeout (the server
// hangs), not a refusal or a killed connection: it opens the circuit breaker
// (circuit_breaker.h), and a read is not retried after it. A lock wait that ends in a killed
// connection after a few hundred milliseconds is no hang.
constexpr double kTimeoutShare = 0.9;
constexpr std::chrono::milliseconds kBreakerFirst{500};
constexpr std::chrono::milliseconds kBreakerMax{4000};
// How often a write that lost a deadlock or a Galera certification (1213) is run again. Two
// nodes creating the same custom slug at once: the loser's retry finds the winner's row (409).
// A hot row written through several nodes (the visits of a link with max_visits) loses often:
// each retry waits a random time below 2^n ms first (ConflictPause), so the writers spread out
// instead of colliding again; all eight pauses together stay under half a second.
constexpr int kConflictRetries = 8;
// A connection unused for this long is pinged before a write (Run). A server restart, a
// killed session or a cut network between two requests of a busy worker is caught by the
// retryable first statement of a creation instead (drawing its slug number).
constexpr std::chrono::seconds kIdleCheck{1};

// A client sees this after a lost connection or a busy database: retrying is the right move.
inline Error Unavailable() {
  return Error::Make(ErrorCode::kUnavailable, "The database is unavailable; try again shortly.");
}

// A client sees this when the connection was lost during a write: the change may have been
// committed just before (the COMMIT ran, its answer was lost), so "try again" alone could make a
// second link. Creations are safe to repeat with their Idempotency-Key.
inline Error OutcomeUnknown() {
  return Error::Make(ErrorCode::kUnavailable,
                     "The connection to the database was lost during this change, so it may or "
                     "may not have been saved. A link creation can be repeated safely with the "
                     "same Idempotency-Key header; otherwise check before repeating a change.");
}

}  // namespace mysql_internal

struct MysqlStore::Session {
  // Whether this connection has causal reads on (wsrep_sync_wait = 1: a statement that needs
  // no wait says so itself) and is to a Galera node. Declared before conn, which sets it.
  SessionTraits traits;
  std::unique_ptr<sql::Connection> conn;
  // For START TRANSACTION, COMMIT and ROLLBACK (no parameters, nothing to bind).
  std::unique_ptr<sql::Statement> control;
  // Declared after conn so they are destroyed first: a statement must not outlive its
  // connection. Keyed by the address of the statement's text, a string constant.
  std::unordered_map<const char*, std::unique_ptr<sql::PreparedStatement>> statements;

  // When the last call on this connection ended (Run pings one idle for kIdleCheck).
  std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();
  // Whether the current call has sent something whose effect may be durable, so that after a
  // lost connection its outcome is unknown and it must not be sent again. Run sets it for every
  // write before fn (the safe assumption); a write whose first statements cannot commit
  // anything clears it (Retryable) and sets it again (Writing) before the first that can.
  bool at_stake = false;

  Session(const MysqlOptions& options, const ServerAddress& server)
      : conn(ConnectMysql(options, server, &traits)), control(conn->createStatement()) {}

  // Transactions are begun and ended with statements, never with Connection::setAutoCommit,
  // commit or rollback: Connector/C++ 1.1 ignores a failed COMMIT there (mysql_commit's result
  // is dropped), so a connection lost at that moment read as success and a link answered 201
  // was rolled back. A statement's failure throws like any other, and Run answers 503.
  void Begin() { control->execute("START TRANSACTION"); }
  // A transaction whose locking reads of missing rows take no gap locks (see mysql_visits.cc);
  // the isolation level is the server's default again for the next one.
  void BeginReadCommitted() {
    control->execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
    Begin();
  }
  void Commit() { control->execute("COMMIT"); }
  void Rollback() { control->execute("ROLLBACK"); }

  // See at_stake. Retryable() only as a write's first step, before anything was sent;
  // Writing() before the first statement that may change something.
  void Retryable() { at_stake = false; }
  void Writing() { at_stake = true; }

  // The statement for `text` (a string constant), prepared on this connection's first use of
  // it and kept for the connection's life: each statement is prepared once per connection.
  sql::PreparedStatement& Prepared(const char* text) {
    std::unique_ptr<sql::PreparedStatement>& st = statements[text];
    if (!st) st.reset(conn->prepareStatement(text));
    return *st;
  }
};

namespace mysql_internal {

// The AUTO_INCREMENT id the session's last insert took.
inline uint64_t LastInsertId(MysqlStore::Session& s) {
  static const char kLastInsertId[] = "SELECT LAST_INSERT_ID()";
  std::unique_ptr<sql::ResultSet> rs(s.Prepared(kLastInsertId).executeQuery());
  rs->next();
  return rs->getUInt64(1);
}

// Inserts a links row for `link` (its id and clicks ignored) under `slug` (NULL: a row without
// a slug, which no reader lists) into the open transaction of `s`; returns the new id (one
// round trip: INSERT ... RETURNING). Throws like any statement: kErrDuplicateKey when the slug
// is taken (only the statement is undone). Locks the new row: callers check the slug's hold
// (SlugHeldFrom) after it, the order DeleteLink and the purge follow too (mysql_create.cc).
uint64_t InsertLinkRow(MysqlStore::Session& s, const std::optional<std::string>& slug,
                       const Link& link);

// Whether `slug` was freed after `held_after` by a link of another owner than `owner_id`:
// held from this owner (API.md freed_slug_hold). A locking read.
bool SlugHeldFrom(MysqlStore::Session& s, const std::string& slug, int64_t held_after,
                  const std::optional<uint64_t>& owner_id);

}  // namespace mysql_internal

namespace mysql_internal {

// A multi-row statement as prepared statements like every other: one text per chunk size 2^k
// (1 to 256 rows, k < kChunkSizes), each prepared once per connection, and n rows are sent as
// the binary decomposition of n. Every value is bound, none spliced into SQL. Rows go in
// (link_id, day) order, so concurrent flushes of several workers lock the same rows (and take
// the foreign keys' shared locks on the same links) in the same order. Define them as
// namespace-scope constants: Session::Prepared keys statements by the address of their text.
constexpr int kChunkSizes = 9;

class ChunkedSql {
 public:
  // The text for 2^k rows is head + row, repeated 2^k times joined by `separator`, + tail.
  ChunkedSql(const std::string& head, const std::string& row, const std::string& tail,
             const std::string& separator = ",") {
    for (int k = 0; k < kChunkSizes; ++k) {
      std::string text = head;
      for (size_t r = 0; r < (size_t{1} << k); ++r) text += (r ? separator : "") + row;
      texts_[k] = text + tail;
    }
  }
  const char* Text(int k) const { return texts_[k].c_str(); }

 private:
  std::string texts_[kChunkSizes];
};

// Runs `sql` over rows [0, n) in chunks of the largest prepared size that fits: bind(st,
// first_param, row) binds one row's values from first_param on and returns the next free
// parameter; run(st) then executes the bound chunk.
template <typename Bind, typename Run>
void ForEachChunk(MysqlStore::Session& s, size_t n, const ChunkedSql& sql, Bind bind, Run run) {
  size_t begin = 0;
  while (begin < n) {
    int k = kChunkSizes - 1;
    while ((size_t{1} << k) > n - begin) --k;
    sql::PreparedStatement& st = s.Prepared(sql.Text(k));
    int param = 1;
    for (size_t r = 0; r < (size_t{1} << k); ++r) param = bind(st, param, begin + r);
    run(st);
    begin += size_t{1} << k;
  }
}

// ForEachChunk of an INSERT, UPDATE or DELETE.
template <typename Bind>
void SendInChunks(MysqlStore::Session& s, size_t n, const ChunkedSql& sql, Bind bind) {
  ForEachChunk(s, n, sql, bind, [](sql::PreparedStatement& st) { st.executeUpdate(); });
}

// ForEachChunk of a SELECT: each_row(rs) reads every row of every chunk's result.
template <typename Bind, typename Read>
void QueryInChunks(MysqlStore::Session& s, size_t n, const ChunkedSql& sql, Bind bind,
                   Read each_row) {
  ForEachChunk(s, n, sql, bind, [&each_row](sql::PreparedStatement& st) {
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    while (rs->next()) each_row(*rs);
  });
}

// Inside AddClicks' transaction, after its click rows: adds `visits` (ClickBatch::visits) to
// link_visits_daily (mysql_visits.cc). Throws like any statement.
void AddVisits(MysqlStore::Session& s, const std::vector<VisitRollup>& visits);

// Sleeps a random time below 2^conflicts milliseconds (1 <= conflicts <= kConflictRetries).
void ConflictPause(int conflicts);

// After a write on a Galera session answered OK (a COMMIT, or an autocommit statement): checks
// that it is stored, and throws the certification failure's error (kErrDeadlock, which Run
// answers by running the whole write again) when it is not. MariaDB 10.11 with Galera 4 was
// seen here to answer OK and keep nothing (no row on any node, no transaction left open) for
// the first write of a connection opened while the cluster changed views (test_cluster test
// 2); a creation answered 201 for a link that did not exist, a click batch was lost. `witness`
// is the one row the write must have made, which bind(statement) binds. A row the first read
// does not find is looked for once more with a causal wait before the write is run again: a
// write that is stored but was not yet visible to its own session must not be made twice (a
// second link). Nothing on a single server, where no such loss was ever seen: no round trip
// there.
struct StoredWitness {
  const char* at_once;     // SHORTENER_NO_CAUSAL_WAIT "SELECT COUNT(*) ..."
  const char* after_wait;  // the same with SHORTENER_CAUSAL_WAIT
};
#define SHORTENER_STORED_WITNESS(count_select) \
  StoredWitness { SHORTENER_NO_CAUSAL_WAIT count_select, SHORTENER_CAUSAL_WAIT count_select }
template <typename Bind>
void RequireStored(MysqlStore::Session& s, const StoredWitness& witness, Bind bind);

}  // namespace mysql_internal

template <typename Bind>
void mysql_internal::RequireStored(MysqlStore::Session& s, const StoredWitness& witness,
                                   Bind bind) {
  if (!s.traits.galera) return;
  auto found = [&](const char* text) {
    sql::PreparedStatement& st = s.Prepared(text);
    bind(st);
    std::unique_ptr<sql::ResultSet> rs(st.executeQuery());
    return rs->next() && rs->getInt64(1) == 1;
  };
  if (found(witness.at_once)) return;
  // Named by its witness (the statement that did not find it: a link's, a click batch's).
  if (found(witness.after_wait)) {
    Log(Severity::kWarn,
        "a write answered OK was found only after a causal wait (Galera); kept (%s)",
        witness.after_wait);
    return;
  }
  Log(Severity::kWarn,
      "a write answered OK but is not stored (Galera); running it again (not found by: %s)",
      witness.after_wait);
  throw sql::SQLException("write answered OK but not stored", "40001", kErrDeadlock);
}

template <typename T, typename Fn>
Result<T> MysqlStore::Run(const char* what, Access access, Fn fn) {
  using namespace mysql_internal;
  using Clock = std::chrono::steady_clock;
  const auto slow_failure = std::chrono::duration<double>(
      kTimeoutShare * std::min(options_.connect_timeout_seconds, options_.io_timeout_seconds));
  int conflicts = 0;
  for (int attempt = 0;; ++attempt) {
    // Set once fn may have sent something: a lost connection before that changed nothing.
    bool sent = false;
    Clock::time_point start = Clock::now();
    // While the breaker is open the answer is 503 at once: a hung server must not hold the
    // worker (and every request queued behind it) for a timeout per request.
    if (!breaker_.Allow(start)) {
      outage_.Skipped();
      return Unavailable();
    }
    try {
      if (session_) MoveBack(start);
      if (!session_) {
        Connect(start);
      } else if (access == Access::kWrite && start - session_->last_used >= kIdleCheck &&
                 !session_->conn->isValid()) {
        // A write must not be re-sent after a lost connection (it may have run), so a
        // connection that died while idle is found out before anything is sent on it.
        session_.reset();
        if (Clock::now() - start >= slow_failure) {
          // The check itself waited out a timeout: the server hangs, do not connect again now.
          failover_.Failed(server_, Clock::now());
          breaker_.Failed(Clock::now(), failover_.AllResting(Clock::now()));
          outage_.Failed(std::string("no answer to a ping before ") + what, Clock::now());
          return Unavailable();
        }
        continue;
      }
      sent = true;
      session_->at_stake = access == Access::kWrite;
      Result<T> result = fn(*session_);
      session_->last_used = Clock::now();
      breaker_.Succeeded();
      outage_.Succeeded(Clock::now());
      return result;
    } catch (const sql::SQLException& e) {
      CountDatabaseError();
      Clock::time_point end = Clock::now();
      bool slow = end - start >= slow_failure;
      int code = e.getErrorCode();
      bool lost = IsConnectionLost(code);
      // The node ran nothing (not synced): whatever fn sent was refused, a write included.
      bool refused = IsNodeNotReady(code);
      if (code == kErrDeadlock && access == Access::kWrite && conflicts < kConflictRetries) {
        // The whole transaction was rolled back (InnoDB's deadlock victim, or a Galera
        // certification failure at COMMIT): nothing of it was applied, so it may run again.
        ++conflicts;
        try {
          session_->Rollback();
        } catch (const sql::SQLException&) {
          session_.reset();
        }
        ConflictPause(conflicts);
        continue;
      }
      // Whether a lost connection leaves this write's outcome unknown (see Session::at_stake).
      const bool at_stake = sent && access == Access::kWrite && session_ && session_->at_stake;
      // Whatever happened, this session may be mid-transaction or dead: start afresh.
      session_.reset();
      if (lost || refused) failover_.Failed(server_, end);
      // A connection that died while idle, or a node not serving: one quick retry of a read on
      // a new connection (the next server if this one is gone); of a write only when the node
      // refused it or nothing at stake was sent. Not after a timeout, which would only double
      // the wait.
      if ((lost || refused) && !slow && attempt == 0 && (!at_stake || refused)) continue;
      if (lost || refused) {
        // With another server ready, the next call goes there: no reason to refuse it.
        breaker_.Failed(end, slow && failover_.AllResting(end));
        outage_.Failed(std::string(slow ? "timed out" : "failed") + " during " + what + ": error " +
                           std::to_string(code),
                       end);
        if (at_stake && !refused) {
          Log(Severity::kWarn, "mysql connection lost during %s: error %d; outcome unknown", what,
              code);
          return OutcomeUnknown();
        }
        return Unavailable();
      }
      if (code == kErrDeadlock || code == kErrLockWaitTimeout) {
        Log(Severity::kWarn, "mysql busy during %s: error %d", what, code);
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

}  // namespace shortener

#endif  // SHORTENER_MYSQL_STORE_IMPL_H_
