// Connection setup shared by the two Connector/C++ files (mysql_store.cc, mysql_migrate.cc).
#ifndef SHORTENER_MYSQL_SESSION_H_
#define SHORTENER_MYSQL_SESSION_H_

#include <cppconn/connection.h>

#include <memory>

#include "store/mysql_store.h"

namespace shortener {

// What ConnectMysql found out about the session it opened.
struct SessionTraits {
  // Causal reads are on (false when not asked for, or on a server without wsrep_sync_wait).
  bool causal = false;
  // The server is a Galera node (wsrep_on).
  bool galera = false;
};

// Opens a connection to `server` in UTC, utf8mb4 and strict mode (and causal reads, if asked
// for), with the options' timeouts. Throws sql::SQLException when the server cannot be reached.
// `traits`, when given, is set to what the session turned out to be.
std::unique_ptr<sql::Connection> ConnectMysql(const MysqlOptions& options,
                                              const ServerAddress& server,
                                              SessionTraits* traits = nullptr);

// A connection to the first server of options.ServerList() that accepts one (the admin tool,
// migrations). Throws the last server's failure when none does.
std::unique_ptr<sql::Connection> ConnectMysql(const MysqlOptions& options);

// True for the client error codes that mean the connection is gone (server restarted, killed
// the session, or cannot be reached), so a reconnect may help.
bool IsConnectionLost(int error_code);

// True for the error a Galera node answers while it is not part of a primary, synced cluster
// (joining, desynced, cut off): it ran nothing, and another node may serve.
bool IsNodeNotReady(int error_code);

}  // namespace shortener

#endif  // SHORTENER_MYSQL_SESSION_H_
