// Per-worker aggregation of classified visits into per (link, UTC day) rollups, and the fold
// that keeps a stored rollup at its top kTopValues values per breakdown plus "other".
//
// Totals are exact: every visit adds one to clicks, to exactly one of human_clicks and
// bot_clicks, and to exactly one value of every breakdown (bots included: their device is
// "bot"), so for each (link, day) clicks = human_clicks + bot_clicks = the sum of each
// breakdown's counts, in memory, after FoldTop and after any number of merges.
//
// Memory bound: each breakdown of one (link, day) holds at most max_values named values plus
// "other" (a value seen when max_values are already held is counted under "other"). A referrer
// host is at most 253 bytes, a country 2 and the other values are names from ua_class.cc's
// tables; with about 64 bytes of map node each and a sketch of at most 16 KiB, one (link, day)
// takes at most about (max_values + 1) x (317 + 66) bytes + 3 KiB + 16 KiB: 55 KiB with the
// default 100, and usually a few hundred bytes. The number of (link, day) pairs held is at most
// the number of distinct links visited since the last flush (a few more around midnight), so
// referrer or User-Agent spam cannot grow a worker without bound.
#ifndef SHORTENER_VISIT_STATS_H_
#define SHORTENER_VISIT_STATS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/hll.h"

namespace shortener {

// The country of an address that has none: not in the database, no country in its record, or no
// database configured (store/geoip.h).
inline constexpr std::string_view kUnknownCountry = "unknown";

// A country code as stored: two ASCII letters, upper-cased; anything else (empty, "A1", a
// longer text) is kUnknownCountry. The country database's codes and YOURLS's country_code
// column (empty when its GeoIP had none) both pass through here.
std::string CountryValue(std::string_view code);

// The value that sums what a breakdown does not list by name.
inline constexpr std::string_view kOtherValue = "other";
// How many named values per breakdown a stored rollup of one (link, day) keeps (API.md).
inline constexpr size_t kTopValues = 50;
// The default number of named values per breakdown a worker holds for one (link, day) between
// flushes: above kTopValues, so that a day's top values are rarely lost to "other" in memory.
inline constexpr size_t kMaxValuesInMemory = 100;

enum class Breakdown : size_t { kReferrer, kCountry, kDevice, kBrowser, kOs };
inline constexpr size_t kBreakdownCount = 5;

// "referrers", "countries", "devices", "browsers", "os": API.md's keys, and the stored names.
std::string_view BreakdownName(Breakdown breakdown);

// One counted visit, classified (referrer.h, ua_class.h, store/geoip.h, visitor_key.h). The
// views need live only for the call to VisitStats::Add.
struct Visit {
  uint64_t link_id = 0;
  int64_t day = 0;  // UTC days since 1970-01-01
  bool bot = false;
  // Indexed by Breakdown: referrer host, country code, device, browser family, OS family.
  std::array<std::string_view, kBreakdownCount> values;
  // DailyVisitorKey::Hash of the visit, for the day `day`. Used for human visits only: unique
  // visitors count people.
  uint64_t visitor_hash = 0;
};

// Counts per value; a map so that rollups come out in one order.
using ValueCounts = std::map<std::string, uint64_t, std::less<>>;

// One (link, day) rollup.
struct DayStats {
  uint64_t clicks = 0;
  uint64_t human_clicks = 0;
  uint64_t bot_clicks = 0;
  std::array<ValueCounts, kBreakdownCount> breakdowns;
  HyperLogLog visitors;  // human visitors
};

using LinkDay = std::pair<uint64_t, int64_t>;  // (link id, day)

// Adds `clicks` visits of which nothing is known to `day` (an imported total beyond its click
// log, docs/statistics.md "Imported statistics"): human clicks, referrer kUnknownReferrer,
// country kUnknownCountry, device, browser and OS "other", no visitor (the sketch is unchanged).
// Keeps clicks = human + bot = the sum of every breakdown.
void AddUnclassified(DayStats* day, uint64_t clicks);

class VisitStats {
 public:
  // Holds at most `max_values` (>= 1) named values per breakdown of one (link, day).
  explicit VisitStats(size_t max_values = kMaxValuesInMemory);

  // Counts one visit. Memory only; never fails.
  void Add(const Visit& visit);

  // Everything counted since the last Take, by (link, day); this object is left empty. What a
  // flush writes with the click batch of the same interval.
  std::map<LinkDay, DayStats> Take();

  const std::map<LinkDay, DayStats>& pending() const { return days_; }

 private:
  void Count(ValueCounts& counts, std::string_view value) const;

  size_t max_values_;
  std::map<LinkDay, DayStats> days_;
};

struct ValueCount {
  std::string value;
  uint64_t clicks = 0;
  bool operator==(const ValueCount& other) const {
    return value == other.value && clicks == other.clicks;
  }
};

// Folds a stored breakdown and newly counted ones into what is stored next: the `top` values
// with the most clicks by name, then kOtherValue with the sum of all the rest, "other"s of both
// inputs included (left out when 0). Values with 0 clicks are dropped. The sum of the result
// equals the sum of both inputs exactly. A value once folded into "other" keeps its old clicks
// there: later clicks may bring it back by name, with those only. Ties: a value `added` holds
// before one it does not, then the smaller value. So a value that keeps being clicked gets its
// name back as soon as its count ties the least of the named ones (the one it pushes out was not
// clicked since): ranked the other way, a referrer arriving once a flush after 50 others had a
// click each stayed in "other" all day, however many clicks it brought.
// Sorted by clicks, most first, with "other" last.
std::vector<ValueCount> FoldTop(const ValueCounts& stored, const ValueCounts& added,
                                size_t top = kTopValues);

// The number of named values in `counts` (every value but kOtherValue).
size_t NamedValues(const ValueCounts& counts);

}  // namespace shortener

#endif  // SHORTENER_VISIT_STATS_H_
