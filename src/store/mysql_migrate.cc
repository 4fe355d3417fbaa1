// `shortener-admin migrate`: applies sql/NNN_*.sql files once each, in order.
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/decimal.h"
#include "base/lines.h"
#include "store/mysql_session.h"
#include "store/mysql_store.h"

namespace shortener {

namespace {

// Migration files are "NNN_name.sql"; returns NNN, or -1 for files that are not migrations.
int MigrationVersion(const std::string& name) {
  if (name.size() < 9 || name.compare(name.size() - 4, 4, ".sql") != 0) return -1;
  size_t digits = 0;
  while (digits < name.size() && std::isdigit(static_cast<unsigned char>(name[digits]))) ++digits;
  if (digits == 0 || digits > 6 || name[digits] != '_') return -1;
  return static_cast<int>(ParseDecimal(std::string_view(name).substr(0, digits)).value());
}

// Splits a migration file into statements: one ends at a line whose last non-blank character is
// ';'. Lines starting with "--" are comments. The convention keeps files plain SQL without a
// multi-statement connection, whose results Connector/C++ 1.1 cannot drain reliably.
std::vector<std::string> SplitStatements(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (std::string_view line : SplitLines(text)) {
    size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line.substr(first, 2) == "--") continue;
    size_t last = line.find_last_not_of(" \t\r");
    current += line.substr(0, last + 1);
    if (line[last] == ';') {
      current.pop_back();
      out.push_back(current);
      current.clear();
    } else {
      current += '\n';
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(current);
  return out;
}

// The cluster-wide lock of a migration run: row 1 of schema_migration_lock, inserted (and so
// replicated and certified) before the run and deleted after it. Of two runs inserting it at
// once, one commits and the other gets a duplicate key (or, through another Galera node, a
// certification failure): it waits and tries again. A row older than an hour belongs to a run
// that died (the admin tool was killed mid-run) and is taken over.
class MigrationLock {
 public:
  explicit MigrationLock(sql::Statement& st) : st_(st) {}
  ~MigrationLock() {
    if (!held_) return;
    try {
      st_.execute("DELETE FROM schema_migration_lock WHERE id = 1");
    } catch (const sql::SQLException&) {
      // The connection is gone: the row stays until it is stale, and the next run says so.
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

  // Waits up to kWait for the lock; false if another run held it all along.
  bool Take() {
    st_.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration_lock ("
        " id TINYINT UNSIGNED NOT NULL PRIMARY KEY,"
        " taken_at DATETIME NOT NULL"
        ") ENGINE=InnoDB");
    for (int tries = 0; tries * kPauseMicros < kWaitMicros; ++tries) {
      try {
        st_.execute("INSERT INTO schema_migration_lock (id, taken_at) VALUES (1, UTC_TIMESTAMP())");
        held_ = true;
        return true;
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != kErrDuplicateKey && e.getErrorCode() != kErrDeadlock) throw;
      }
      st_.execute(
          "DELETE FROM schema_migration_lock WHERE id = 1 AND taken_at < UTC_TIMESTAMP() - "
          "INTERVAL 1 HOUR");
      usleep(kPauseMicros);
    }
    return false;
  }

 private:
  static constexpr int kErrDuplicateKey = 1062;
  static constexpr int kErrDeadlock = 1213;
  static constexpr useconds_t kPauseMicros = 200 * 1000;
  static constexpr useconds_t kWaitMicros = 60 * 1000 * 1000;
  sql::Statement& st_;
  bool held_ = false;
};

}  // namespace

Status ApplyMigrations(const MysqlOptions& options, const std::string& sql_dir, std::string* log) {
  std::vector<std::pair<int, std::string>> files;
  DIR* dir = opendir(sql_dir.c_str());
  if (dir == nullptr) {
    return Error::Make(ErrorCode::kBadRequest, "cannot open the sql directory " + sql_dir);
  }
  while (dirent* entry = readdir(dir)) {
    int version = MigrationVersion(entry->d_name);
    if (version >= 0) files.emplace_back(version, entry->d_name);
  }
  closedir(dir);
  std::sort(files.begin(), files.end());
  for (size_t i = 1; i < files.size(); ++i) {
    if (files[i].first == files[i - 1].first) {
      return Error::Make(ErrorCode::kBadRequest, "two migrations share version " +
                                                     std::to_string(files[i].first) + ": " +
                                                     files[i - 1].second + ", " + files[i].second);
    }
  }

  try {
    std::unique_ptr<sql::Connection> conn = ConnectMysql(options);
    std::unique_ptr<sql::Statement> st(conn->createStatement());
    st->execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INT UNSIGNED NOT NULL PRIMARY KEY,"
        " name VARCHAR(255) NOT NULL,"
        " applied_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP"
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4");
    // Two instances starting at once must not both apply the same file. GET_LOCK would do on
    // one server, but on a Galera cluster it holds on one node only; a row is replicated and
    // certified, so of two nodes taking it at once one wins (MigrationLock).
    MigrationLock lock(*st);
    if (!lock.Take()) {
      return Error::Make(ErrorCode::kUnavailable, "another migration holds the lock; try again");
    }
    std::unique_ptr<sql::PreparedStatement> applied(
        conn->prepareStatement("SELECT 1 FROM schema_migrations WHERE version = ?"));
    std::unique_ptr<sql::PreparedStatement> record(
        conn->prepareStatement("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"));
    for (const auto& [version, name] : files) {
      applied->setInt(1, version);
      std::unique_ptr<sql::ResultSet> rs(applied->executeQuery());
      if (rs->next()) continue;
      std::ifstream in(sql_dir + "/" + name);
      std::stringstream text;
      text << in.rdbuf();
      if (!in) return Error::Make(ErrorCode::kBadRequest, "cannot read " + name);
      for (const std::string& statement : SplitStatements(text.str())) st->execute(statement);
      record->setInt(1, version);
      record->setString(2, name);
      record->executeUpdate();
      *log += "applied " + name + "\n";
    }
  } catch (const sql::SQLException& e) {
    return Error::Make(
        IsConnectionLost(e.getErrorCode()) ? ErrorCode::kUnavailable : ErrorCode::kInternal,
        std::string("migration failed: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace shortener
