// LinkStore and AccountStore on MySQL/MariaDB through Connector/C++: one connection per worker,
// each statement prepared once per connection, reconnect after a server restart.
#ifndef SHORTENER_MYSQL_STORE_H_
#define SHORTENER_MYSQL_STORE_H_

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/server_address.h"
#include "domain/admin_store.h"
#include "domain/link_reports.h"
#include "domain/link_stats.h"
#include "domain/link_transfer.h"
#include "domain/store.h"
#include "domain/user_directory.h"
#include "store/circuit_breaker.h"
#include "store/failover.h"
#include "store/outage.h"

namespace shortener {

struct MysqlOptions {
  // mysql_servers: the servers (or the nodes of one Galera cluster) in order of preference.
  // Empty: the one server of socket, or else host and port.
  std::vector<ServerAddress> servers;
  std::string socket;  // unix socket path; when empty, host and port are used
  std::string host = "127.0.0.1";
  int port = 3306;
  // How long a server that failed is left alone; then a worker that moved on tries it first
  // again (store/failover.h).
  int failback_seconds = 30;
  // Each connection asks for causal reads (wsrep_sync_wait = 1): on a Galera node a read first
  // waits until the node has applied every write the cluster committed before it, so a read
  // through one node sees what was written through another. No effect without Galera.
  bool causal_reads = true;
  std::string user = "shortener";
  std::string password;
  std::string database = "shortener";
  int connect_timeout_seconds = 3;
  // Bounds a request stuck on a wedged server; the worker answers 503 instead of hanging.
  int io_timeout_seconds = 10;
  // The workers' settings (WorkerMysqlOptions): a hung server must cost a request about a
  // second (API.md "Retries"), not the admin tool's patient defaults above.
  static constexpr int kWorkerTimeoutSeconds = 1;

  // The servers to connect to, in order: `servers`, or else the single one.
  std::vector<ServerAddress> ServerList() const;
};

class MysqlStore : public LinkStore,
                   public AccountStore,
                   public AdminStore,
                   public ClickStore,
                   public LinkReports,
                   public LinkTransfer,
                   public StatsStore,
                   public UserDirectory {
 public:
  // Connects lazily: a worker starts and answers 503 while the database is down, and connects
  // as soon as it is back. After a lost connection (server restart, timeout) the next call
  // reconnects, prepares its statements again and retries once.
  explicit MysqlStore(MysqlOptions options);
  ~MysqlStore() override;
  MysqlStore(const MysqlStore&) = delete;
  MysqlStore& operator=(const MysqlStore&) = delete;

  Result<RedirectTarget> FindRedirect(const std::string& slug) override;
  Result<Link> CreateLink(const NewLink& link, const SlugMaker& make_slug) override;
  Result<KeyedCreate> CreateLinkOnce(const NewLink& link, const SlugMaker& make_slug,
                                     const IdempotencyClaim& claim) override;
  Result<LinkPage> ListLinks(std::optional<uint64_t> owner_id, std::optional<uint64_t> before_id,
                             int limit) override;
  // (mysql_search.cc)
  Result<LinkPage> SearchLinks(std::optional<uint64_t> owner_id, const std::string& text,
                               std::optional<uint64_t> before_id, int limit, int window) override;
  Result<Link> FindLink(const std::string& slug) override;
  Result<Link> UpdateLink(uint64_t id, const LinkChange& change) override;
  Status DeleteLink(uint64_t id, int64_t now) override;
  Result<bool> UseVisit(uint64_t id, bool consume) override;
  Result<std::vector<DayClicks>> ClicksByDay(uint64_t id) override;
  Status Ping() override;

  Result<bool> AddClicks(const ClickBatch& batch) override;

  // StatsStore (mysql_visits.cc).
  Result<StoredStats> ReadStats(uint64_t link_id, const DayRange& range,
                                StatsBlockCache* blocks) override;

  // LinkReports (mysql_reports.cc).
  Result<std::optional<Link>> FindOwnedLinkByUrl(uint64_t owner_id, const std::string& url,
                                                 int64_t now) override;
  Result<std::vector<Link>> RankLinks(std::optional<uint64_t> owner_id, LinkOrder order,
                                      int limit) override;
  Result<std::optional<KeptAnswer>> FindKeptAnswer(uint64_t user_id, const std::string& key,
                                                   int64_t now) override;
  Result<LinkTotals> Totals(std::optional<uint64_t> owner_id) override;

  // LinkTransfer (mysql_transfer.cc).
  Result<std::vector<ImportOutcome>> ImportLinks(const std::vector<TransferLink>& links,
                                                 int64_t now, int64_t freed_slug_hold,
                                                 bool dry_run) override;
  Result<std::vector<ExportedLink>> ExportLinks(std::optional<uint64_t> owner_id, uint64_t after_id,
                                                int limit) override;

  Result<User> CreateUser(const NewUser& user) override;
  Result<User> FindUser(const std::string& username) override;
  Status SetPasswordHash(uint64_t user_id, const std::string& password_hash,
                         EndAccess end) override;
  Status AddToken(const std::string& token_digest, uint64_t user_id,
                  const std::string& password_hash, int64_t now, int64_t expires_at) override;
  Result<Principal> FindToken(const std::string& token_digest, int64_t now) override;
  Status DeleteToken(const std::string& token_digest) override;
  Result<ApiKeyInfo> AddApiKey(uint64_t user_id, const std::string& name,
                               const std::string& key_digest, int64_t now) override;
  Result<Principal> UseApiKey(const std::string& key_digest, int64_t now) override;
  Result<std::vector<ApiKeyInfo>> ListApiKeys(uint64_t user_id) override;
  Status DeleteApiKey(std::optional<uint64_t> user_id, uint64_t key_id) override;
  Result<uint64_t> PurgeExpiredTokens(int64_t now, int limit) override;
  // AdminStore, for shortener-admin (mysql_purge.cc, mysql_admin.cc).
  Result<uint64_t> DeleteExpiredBatch(int64_t now, int limit) override;
  Result<uint64_t> ForgetBatch(Leftover what, int64_t made_before, int limit) override;
  Result<std::vector<UserSummary>> ListUsers(int limit) override;
  Result<std::map<uint64_t, std::string>> Usernames(const std::vector<uint64_t>& ids) override;
  Status SetUserDisabled(uint64_t user_id, std::optional<int64_t> disabled_at) override;
  Status DeleteUser(uint64_t user_id) override;
  // UserDirectory, for GET /api/v1/users (mysql_admin.cc).
  Result<UserPage> ListUsersPage(std::optional<uint64_t> before_id, int limit) override;

  // The connection and its prepared statements, defined in mysql_store_impl.h: Connector/C++
  // stays in the .cc files. Opaque everywhere else.
  struct Session;

 private:
  enum class Access { kRead, kWrite };

  // Runs fn(session) with a live session and converts database exceptions into
  // kUnavailable (connection lost, deadlock, lock timeout: worth retrying) or kInternal.
  // A read whose connection was lost is retried once on a new one (on the next server of
  // mysql_servers if its own is gone). A write that ended in a deadlock or a Galera
  // certification failure (error 1213: the transaction was rolled back whole) is run again, up
  // to kConflictRetries times. A Galera node that refuses to serve (1047: not synced) rests,
  // and the call goes to the next server: nothing was run. A write is never re-sent once
  // its outcome is at stake (Session::at_stake: the server may have run it before the
  // connection dropped); before that (a creation's draw of its slug number) a lost
  // connection is retried once like a read. A connection idle for
  // kIdleCheck or longer is checked (a ping) before a write, so one that died while idle costs
  // nothing; a busy one is not, saving a round trip per write. A write whose connection was
  // lost once its outcome was at stake may or may not be committed: its kUnavailable says
  // so (a deadlock or lock timeout, by contrast, rolled it back). After a call that failed
  // slowly (a timeout), calls answer kUnavailable at once while breaker_ is open (0.5 s,
  // doubling to 4 s). outage_ logs the outage once, not once per call.
  template <typename T, typename Fn>
  Result<T> Run(const char* what, Access access, Fn fn);
  // Opens session_ on the first server of failover_'s order that accepts a connection, trying
  // the next only while the failures come at once (a refused connection), so a call never
  // waits more than about one timeout. Throws the last failure when none could be reached.
  void Connect(std::chrono::steady_clock::time_point start);
  // Between calls, on a server other than the first choice: moves session_ back to an earlier
  // server whose rest is over, if it accepts a connection (else it rests again).
  void MoveBack(std::chrono::steady_clock::time_point now);

  MysqlOptions options_;
  std::vector<ServerAddress> servers_;  // options_.ServerList()
  ServerFailover failover_;
  size_t server_ = 0;  // the index into servers_ of session_'s server
  std::unique_ptr<Session> session_;
  CircuitBreaker breaker_;
  OutageLog outage_;
};

// Connects as a worker would (each server of `options` in turn, the same session checks) and
// closes again, for an operator's tool that must say why MySQL refused: Ok, or kUnavailable
// with the server's own words and error number ("error 1045 (28000): Access denied for user
// 'shortener'@'localhost' (using password: YES)"), which never hold the password. Logs nothing:
// a MysqlStore's lines are worded for a worker's clients ("answering 503").
Status ProbeMysql(const MysqlOptions& options);

// Applies every sql/NNN_*.sql file in `sql_dir` not yet recorded in schema_migrations, in
// order, each recorded after it succeeds. Re-running applies nothing new. Progress lines go to
// *log.
Status ApplyMigrations(const MysqlOptions& options, const std::string& sql_dir, std::string* log);

}  // namespace shortener

#endif  // SHORTENER_MYSQL_STORE_H_
