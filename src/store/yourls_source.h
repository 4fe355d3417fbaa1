// Reads a YOURLS database (versions 1.7 to 1.10) for `shortener-admin import yourls`: its links
// table `<prefix>url` and its click log `<prefix>log`, a page at a time, never writing to it.
#ifndef SHORTENER_YOURLS_SOURCE_H_
#define SHORTENER_YOURLS_SOURCE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/store.h"
#include "domain/visitor_key.h"
#include "store/mysql_store.h"

namespace shortener {

// One row of `<prefix>url`, with its rows in `<prefix>log` counted per day and classified.
struct YourlsLink {
  std::string keyword;
  std::string url;
  std::string title;
  int64_t created_at = 0;  // unix seconds, from the `timestamp` column
  int64_t clicks = 0;      // the `clicks` column: the total (negative only in a hand-made table)
  // Its log rows per day (ascending), classified as the workers classify visits (ClassifyVisit:
  // referrer host, country_code, User-Agent classes, the day's keyed visitor hash of
  // (ip_address, user_agent)); stats.clicks is the day's rows; link_id is 0. They may sum to
  // less than `clicks` (log pruned or off). The addresses, User-Agents and referrers themselves
  // are dropped as each row is read.
  std::vector<VisitRollup> log_stats;
};

class YourlsSource {
 public:
  // Connects to the YOURLS database with `options` (read only is enough) and checks that
  // `<prefix>url` and `<prefix>log` exist. `prefix` is a table name prefix: up to 64 characters
  // of [A-Za-z0-9_] (YOURLS's default is "yourls_"); it is checked here because a table name
  // cannot be a statement parameter. Errors: kBadRequest naming the prefix or the missing
  // table, kUnavailable when the server cannot be reached (the message names where).
  // `keys` are the service's visitor keys (slug_secret), so that the imported unique visitors
  // of a day are hashed as the workers hash that day's visitors.
  static Result<std::unique_ptr<YourlsSource>> Open(const MysqlOptions& options,
                                                    const std::string& prefix, VisitorKeys keys);
  ~YourlsSource();

  // How many rows `<prefix>url` holds (for the progress line).
  Result<uint64_t> CountLinks();

  // The next (up to) `limit` links after those returned so far, in the order of their keyword
  // under the table's own collation; empty at the end.
  Result<std::vector<YourlsLink>> NextLinks(int limit);

 private:
  struct Impl;
  explicit YourlsSource(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace shortener

#endif  // SHORTENER_YOURLS_SOURCE_H_
