#include "store/yourls_source.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>

#include "base/ascii.h"
#include "domain/visit_classifier.h"
#include "domain/visit_stats.h"
#include "store/mysql_session.h"

namespace shortener {

struct YourlsSource::Impl {
  explicit Impl(VisitorKeys visitor_keys) : keys(std::move(visitor_keys)) {}
  std::unique_ptr<sql::Connection> conn;
  std::unique_ptr<sql::PreparedStatement> first_page, next_page, log_rows, count;
  std::string log_table;         // quoted
  size_t log_rows_keywords = 0;  // the placeholders of log_rows
  bool started = false;
  std::string last_keyword;
  DailyKeyCache keys;
};

namespace {

bool ValidPrefix(const std::string& prefix) {
  if (prefix.size() > 64) return false;
  for (char c : prefix) {
    if (!IsAsciiAlnum(c) && c != '_') return false;
  }
  return true;
}

constexpr int kErrUnknownColumn = 1054;  // ER_BAD_FIELD_ERROR

// The log rows of `keywords` keywords, by equality: it matches a keyword's rows under whatever
// collation the log's `shorturl` has. (A range between a page's first and last keyword was
// ordered by that collation, which in a hand-converted log is not the url table's: whole pages
// of rows were missed.) The keyword comes back as bytes: under a case-insensitive collation
// "ABC"'s rows also match "abc", and must not count for it. COALESCE: columns that are NULL in
// tables altered by plugins read as absent headers.
std::string LogRowsSql(const std::string& log, size_t keywords) {
  std::string sql =
      "SELECT CAST(shorturl AS BINARY), DATEDIFF(click_time, '1970-01-01'), "
      "COALESCE(referrer, ''), COALESCE(user_agent, ''), COALESCE(ip_address, ''), "
      "COALESCE(country_code, '') FROM " +
      log + " WHERE shorturl IN (";
  for (size_t i = 0; i < keywords; ++i) sql += i == 0 ? "?" : ", ?";
  return sql + ")";
}

Error Failed(const char* what, const sql::SQLException& e) {
  return Error::Make(ErrorCode::kUnavailable, std::string("the YOURLS database failed while ") +
                                                  what + ": " + e.what() + " (MySQL error " +
                                                  std::to_string(e.getErrorCode()) + ")");
}

}  // namespace

YourlsSource::YourlsSource(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
YourlsSource::~YourlsSource() = default;

Result<std::unique_ptr<YourlsSource>> YourlsSource::Open(const MysqlOptions& options,
                                                         const std::string& prefix,
                                                         VisitorKeys keys) {
  if (!ValidPrefix(prefix)) {
    return Error::Make(
        ErrorCode::kBadRequest,
        "--prefix must be up to 64 characters of A-Z, a-z, 0-9 and _, got '" + prefix + "'");
  }
  const std::string url = "`" + prefix + "url`";
  const std::string log = "`" + prefix + "log`";
  // The timestamp column is a TIMESTAMP, read in the session's UTC (ConnectMysql).
  const std::string columns =
      "SELECT keyword, url, COALESCE(title, ''), TIMESTAMPDIFF(SECOND, '1970-01-01', "
      "`timestamp`), clicks FROM " +
      url;
  auto impl = std::make_unique<Impl>(std::move(keys));
  impl->log_table = log;
  try {
    impl->conn = ConnectMysql(options);
    for (const std::string& table : {url, log}) {
      try {
        // The server checks the table when preparing the statement.
        std::unique_ptr<sql::PreparedStatement> probe(
            impl->conn->prepareStatement("SELECT 1 FROM " + table + " LIMIT 0"));
        std::unique_ptr<sql::ResultSet>(probe->executeQuery());
      } catch (const sql::SQLException& e) {
        return Error::Make(ErrorCode::kBadRequest, "no table " + table + " in database '" +
                                                       options.database +
                                                       "' (is --prefix right?): " + e.what());
      }
    }
    // The columns read, named (a table of a YOURLS before 1.7 has no `title`), before the
    // statements below would fail on them as if the server had.
    for (const std::string& probe : {columns + " LIMIT 0", LogRowsSql(log, 1) + " LIMIT 0"}) {
      try {
        std::unique_ptr<sql::PreparedStatement>(impl->conn->prepareStatement(probe));
      } catch (const sql::SQLException& e) {
        if (e.getErrorCode() != kErrUnknownColumn) throw;
        return Error::Make(
            ErrorCode::kBadRequest,
            std::string("the tables are not those of a YOURLS 1.7 or later: ") + e.what());
      }
    }
    impl->first_page.reset(impl->conn->prepareStatement(columns + " ORDER BY keyword LIMIT ?"));
    impl->next_page.reset(
        impl->conn->prepareStatement(columns + " WHERE keyword > ? ORDER BY keyword LIMIT ?"));
    impl->count.reset(impl->conn->prepareStatement("SELECT COUNT(*) FROM " + url));
  } catch (const sql::SQLException& e) {
    return Failed("connecting", e);
  }
  return std::unique_ptr<YourlsSource>(new YourlsSource(std::move(impl)));
}

Result<uint64_t> YourlsSource::CountLinks() {
  try {
    std::unique_ptr<sql::ResultSet> rs(impl_->count->executeQuery());
    rs->next();
    return rs->getUInt64(1);
  } catch (const sql::SQLException& e) {
    return Failed("counting links", e);
  }
}

Result<std::vector<YourlsLink>> YourlsSource::NextLinks(int limit) {
  std::vector<YourlsLink> page;
  try {
    sql::PreparedStatement* st = impl_->started ? impl_->next_page.get() : impl_->first_page.get();
    int index = 1;
    if (impl_->started) st->setString(index++, impl_->last_keyword);
    st->setInt(index, limit);
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery());
    while (rs->next()) {
      YourlsLink link;
      link.keyword = rs->getString(1);
      link.url = rs->getString(2);
      link.title = rs->getString(3);
      link.created_at = rs->isNull(4) ? 0 : rs->getInt64(4);
      link.clicks = rs->getInt64(5);
      page.push_back(std::move(link));
    }
    if (page.empty()) return page;
    impl_->started = true;
    impl_->last_keyword = page.back().keyword;
    std::map<std::string, uint64_t> by_keyword;  // keyword -> index in page
    for (size_t i = 0; i < page.size(); ++i) by_keyword[page[i].keyword] = i;
    // Keyed by (index in page, day); at most kMaxValuesInMemory values a breakdown, as in a
    // worker: a day's top 50 is what the store keeps of them anyway.
    VisitStats counted;
    // One statement for every page: a shorter one repeats its last keyword.
    const size_t keywords = std::max<size_t>(static_cast<size_t>(limit), page.size());
    if (impl_->log_rows_keywords != keywords) {
      impl_->log_rows.reset(impl_->conn->prepareStatement(LogRowsSql(impl_->log_table, keywords)));
      impl_->log_rows_keywords = keywords;
    }
    for (size_t i = 0; i < keywords; ++i) {
      impl_->log_rows->setString(static_cast<int>(i + 1),
                                 page[std::min(i, page.size() - 1)].keyword);
    }
    std::unique_ptr<sql::ResultSet> rows(impl_->log_rows->executeQuery());
    while (rows->next()) {
      auto it = by_keyword.find(rows->getString(1));
      if (it == by_keyword.end() || rows->isNull(2)) continue;
      const int64_t day = rows->getInt64(2);
      std::string referrer(rows->getString(3));
      // YOURLS logs the word "direct" for a visit without a Referer (an empty one comes only
      // from plugins): no Referer, not one that is not a URL.
      if (referrer == "direct") referrer.clear();
      const VisitClass visit =
          ClassifyVisit(std::string(rows->getString(5)), referrer, std::string(rows->getString(4)),
                        std::string(rows->getString(6)), impl_->keys.KeyOf(day));
      counted.Add(visit.ToVisit(it->second, day));
    }
    for (auto& [key, stats] : counted.Take()) {
      YourlsLink& link = page[key.first];
      link.log_stats.push_back(VisitRollup{0, key.second, std::move(stats)});
    }
  } catch (const sql::SQLException& e) {
    return Failed("reading links", e);
  }
  return page;
}

}  // namespace shortener
