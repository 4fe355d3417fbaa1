// Opening a MySQL/MariaDB connection with the session settings the store relies on.
#include "store/mysql_session.h"

#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

namespace shortener {

namespace {

// MySQL, unlike MariaDB, has no wsrep_sync_wait at all.
constexpr int kErrUnknownVariable = 1193;
constexpr int kErrNodeNotReady = 1047;

// Whether the server is a Galera node (wsrep_on).
bool IsGaleraNode(sql::Statement& st) {
  try {
    std::unique_ptr<sql::ResultSet> on(st.executeQuery("SELECT @@wsrep_on"));
    return on->next() && on->getInt(1) != 0;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kErrUnknownVariable) return false;  // MySQL: no Galera
    throw;
  }
}

// Whether a Galera node's state is Synced (4).
bool NodeSynced(sql::Statement& st) {
  std::unique_ptr<sql::ResultSet> state(st.executeQuery("SHOW STATUS LIKE 'wsrep_local_state'"));
  return state->next() && state->getString(2) == "4";
}

}  // namespace

std::vector<ServerAddress> MysqlOptions::ServerList() const {
  if (!servers.empty()) return servers;
  if (!socket.empty()) return {ServerAddress{"", 0, socket}};
  return {ServerAddress{host, port, ""}};
}

std::unique_ptr<sql::Connection> ConnectMysql(const MysqlOptions& options,
                                              const ServerAddress& server, SessionTraits* traits) {
  sql::ConnectOptionsMap opts;
  if (!server.socket_path.empty()) {
    opts["hostName"] = sql::SQLString("localhost");
    opts["socket"] = sql::SQLString(server.socket_path);
  } else {
    opts["hostName"] = sql::SQLString("tcp://" + server.ToString());
  }
  opts["userName"] = sql::SQLString(options.user);
  opts["password"] = sql::SQLString(options.password);
  opts["schema"] = sql::SQLString(options.database);
  opts["OPT_CONNECT_TIMEOUT"] = options.connect_timeout_seconds;
  opts["OPT_READ_TIMEOUT"] = options.io_timeout_seconds;
  opts["OPT_WRITE_TIMEOUT"] = options.io_timeout_seconds;
  // We reconnect ourselves: the library's silent reconnect would drop our prepared statements
  // and session settings without telling us.
  opts["OPT_RECONNECT"] = false;
  opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
  sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
  std::unique_ptr<sql::Connection> conn(driver->connect(opts));
  std::unique_ptr<sql::Statement> st(conn->createStatement());
  // Times go in and out as unix seconds by DATETIME arithmetic, which reads DATETIME as UTC only
  // if the session zone is UTC: pin it so every worker reads the same instant.
  st->execute("SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE'");
  // A Galera node that is not Synced (joining and catching up, a donor, cut off from the
  // primary component) accepts connections, but its reads would wait (causal reads) or be
  // refused: refuse it here, as the node itself would, so the caller tries the next one.
  // Before causal reads are set: this check must not wait for the node to catch up.
  SessionTraits found;
  found.galera = IsGaleraNode(*st);
  if (found.galera && !NodeSynced(*st)) {
    throw sql::SQLException("the Galera node is not synced", "08S01", kErrNodeNotReady);
  }
  if (options.causal_reads) {
    try {
      // Bit 1: reads (SELECT, SHOW, BEGIN) wait for the node to catch up with the cluster.
      // Writes need no wait: certification orders them against everything committed before.
      st->execute("SET SESSION wsrep_sync_wait = 1");
      found.causal = true;
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kErrUnknownVariable) throw;
    }
  }
  if (traits) *traits = found;
  return conn;
}

std::unique_ptr<sql::Connection> ConnectMysql(const MysqlOptions& options) {
  std::vector<ServerAddress> servers = options.ServerList();
  for (size_t i = 0;; ++i) {
    try {
      return ConnectMysql(options, servers[i]);
    } catch (const sql::SQLException& e) {
      if (i + 1 == servers.size() || !IsConnectionLost(e.getErrorCode())) throw;
    }
  }
}

bool IsConnectionLost(int error_code) {
  switch (error_code) {
    case 1053:  // server shutdown in progress
    case 1927:  // connection killed
    case 2002:  // cannot connect through socket
    case 2003:  // cannot connect over TCP
    case 2006:  // server has gone away
    case 2013:  // lost connection during query
    case 2055:  // lost connection at a reading stage
    case 4031:  // disconnected by the server for inactivity
      return true;
  }
  return false;
}

bool IsNodeNotReady(int error_code) { return error_code == kErrNodeNotReady; }

}  // namespace shortener
