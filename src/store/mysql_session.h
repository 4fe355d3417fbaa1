// Connection setup shared by the two Connector/C++ files (mysql_store.cc, mysql_migrate.cc).
#ifndef SHORTENER_MYSQL_SESSION_H_
#define SHORTENER_MYSQL_SESSION_H_

#include <cppconn/connection.h>

#include <memory>

#include "store/mysql_store.h"

namespace shortener {

// Opens a connection in UTC, utf8mb4 and strict mode, with the options' timeouts. Throws
// sql::SQLException when the server cannot be reached.
std::unique_ptr<sql::Connection> ConnectMysql(const MysqlOptions& options);

// True for the client error codes that mean the connection is gone (server restarted, killed
// the session, or cannot be reached), so a reconnect may help.
bool IsConnectionLost(int error_code);

}  // namespace shortener

#endif  // SHORTENER_MYSQL_SESSION_H_
