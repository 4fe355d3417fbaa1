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
#include "store/mysql_store.h"

namespace shortener {

// One row of `<prefix>url`, with the per-day counts of its rows in `<prefix>log`.
struct YourlsLink {
  std::string keyword;
  std::string url;
  std::string title;
  int64_t created_at = 0;           // unix seconds, from the `timestamp` column
  uint64_t clicks = 0;              // the `clicks` column: the total
  std::vector<DayClicks> log_days;  // ascending; may sum to less than `clicks` (log pruned or off)
};

class YourlsSource {
 public:
  // Connects to the YOURLS database with `options` (read only is enough) and checks that
  // `<prefix>url` and `<prefix>log` exist. `prefix` is a table name prefix: up to 64 characters
  // of [A-Za-z0-9_] (YOURLS's default is "yourls_"); it is checked here because a table name
  // cannot be a statement parameter. Errors: kBadRequest naming the prefix or the missing
  // table, kUnavailable when the server cannot be reached (the message names where).
  static Result<std::unique_ptr<YourlsSource>> Open(const MysqlOptions& options,
                                                    const std::string& prefix);
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
