// Opening a MySQL/MariaDB connection with the session settings the store relies on.
#include "store/mysql_session.h"

#include <cppconn/statement.h>
#include <mysql_driver.h>

namespace shortener {

std::unique_ptr<sql::Connection> ConnectMysql(const MysqlOptions& options) {
  sql::ConnectOptionsMap opts;
  if (!options.socket.empty()) {
    opts["hostName"] = sql::SQLString("localhost");
    opts["socket"] = sql::SQLString(options.socket);
  } else {
    opts["hostName"] = sql::SQLString("tcp://" + options.host + ":" + std::to_string(options.port));
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
  return conn;
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

}  // namespace shortener
