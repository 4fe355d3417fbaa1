// The days a statistics request covers: `from` and `to` of GET /api/v1/url-shorteners/{slug}/stats
// and of `shortener-admin link stats` (API.md: UTC days, default the last 30, at most 366).
#ifndef SHORTENER_STATS_QUERY_H_
#define SHORTENER_STATS_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

// Days when neither bound is given: today and the 29 before it.
inline constexpr int64_t kDefaultStatsDays = 30;
// The most days one request covers: a leap year.
inline constexpr int64_t kMaxStatsDays = 366;

// UTC days since 1970-01-01, both included.
struct DayRange {
  int64_t first = 0;
  int64_t last = 0;
  int64_t days() const { return last - first + 1; }
};

// Days since 1970-01-01 of "YYYY-MM-DD" (exactly that: 4-digit year, a real calendar date, no
// time, no blanks); nullopt otherwise. Years before 1970 are refused.
std::optional<int64_t> ParseIsoDay(std::string_view text);

// "YYYY-MM-DD" of day `day` (days since 1970-01-01).
std::string FormatIsoDay(int64_t day);

// What the two bounds are called in a caller's messages and Error::field: the API's query
// parameters by default; shortener-admin's options are "--from" and "--to".
struct RangeNames {
  const char* from = "from";
  const char* to = "to";
};

// The range `from` and `to` (each absent, or its text) ask for, given the current UTC day
// `today`: `to` defaults to today, `from` to kDefaultStatsDays - 1 days before `to`. Errors, all
// kValidation naming the field by `names`, each message a sentence starting with that name: a
// bound that is not a date as ParseIsoDay reads it (that bound), `from` after `to` ("from"),
// more than kMaxStatsDays days ("from").
Result<DayRange> StatsRange(const std::optional<std::string>& from,
                            const std::optional<std::string>& to, int64_t today,
                            const RangeNames& names = RangeNames());

// StatsRange of a raw query string (ParseQuery: a malformed one is kValidation naming "query";
// other parameters are ignored, the last of a repeated one counts).
Result<DayRange> StatsRangeOfQuery(std::string_view query, int64_t today);

}  // namespace shortener

#endif  // SHORTENER_STATS_QUERY_H_
