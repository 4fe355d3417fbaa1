// Statistics date ranges (see stats_query.h).
#include "domain/stats_query.h"

#include <algorithm>
#include <map>

#include "domain/timefmt.h"
#include "http/http.h"

namespace shortener {

namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr size_t kIsoDayLength = 10;  // "YYYY-MM-DD"

// One bound: absent, or a date (kValidation naming `field` otherwise).
Result<std::optional<int64_t>> Bound(const std::optional<std::string>& text, const char* field) {
  if (!text) return std::optional<int64_t>();
  std::optional<int64_t> day = ParseIsoDay(*text);
  if (!day) {
    return Error::Validation(field, std::string(field) + " must be a UTC date, YYYY-MM-DD.");
  }
  return day;
}

}  // namespace

std::optional<int64_t> ParseIsoDay(std::string_view text) {
  if (text.size() != kIsoDayLength) return std::nullopt;
  // The time parser checks the digits, the dashes and the calendar; midnight UTC is the day.
  std::optional<int64_t> midnight = ParseIso8601(std::string(text) + "T00:00:00Z");
  if (!midnight || *midnight < 0) return std::nullopt;
  return *midnight / kSecondsPerDay;
}

std::string FormatIsoDay(int64_t day) {
  return FormatIso8601(day * kSecondsPerDay).substr(0, kIsoDayLength);
}

Result<DayRange> StatsRange(const std::optional<std::string>& from,
                            const std::optional<std::string>& to, int64_t today,
                            const RangeNames& names) {
  ASSIGN_OR_RETURN(std::optional<int64_t> first, Bound(from, names.from));
  ASSIGN_OR_RETURN(std::optional<int64_t> last, Bound(to, names.to));
  const std::string from_name = names.from;
  const std::string to_name = names.to;
  DayRange range;
  range.last = last.value_or(today);
  // Not before 1970: the default range of a `to` in January 1970 starts on its first day.
  range.first = first.value_or(std::max<int64_t>(0, range.last - (kDefaultStatsDays - 1)));
  if (range.first > range.last) {
    return Error::Validation(from_name, from_name + " must not be after " + to_name + ".");
  }
  if (range.days() > kMaxStatsDays) {
    return Error::Validation(from_name, from_name + " must be at most " +
                                            std::to_string(kMaxStatsDays - 1) + " days before " +
                                            to_name + ": a range covers at most " +
                                            std::to_string(kMaxStatsDays) + " days.");
  }
  return range;
}

Result<DayRange> StatsRangeOfQuery(std::string_view query, int64_t today) {
  ASSIGN_OR_RETURN(const auto params, ParseQuery(query));
  auto param = [&params](const char* name) {
    auto it = params.find(name);
    return it == params.end() ? std::optional<std::string>() : std::optional(it->second);
  };
  return StatsRange(param("from"), param("to"), today);
}

}  // namespace shortener
