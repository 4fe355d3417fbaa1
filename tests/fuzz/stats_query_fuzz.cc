// Fuzzes StatsRangeOfQuery (src/domain/stats_query.h), the stats endpoint's query parser, on any
// bytes. Properties: an accepted range is in order and covers 1 to kMaxStatsDays days; its
// bounds format as YYYY-MM-DD dates that parse back to the same days; asking again with those
// formatted bounds gives the same range; a refusal is a validation error naming "from", "to"
// or "query" (or, for a NUL byte in another parameter or another parameter given twice, that
// parameter).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/stats_query.h"
#include "fuzz_check.h"

namespace {

constexpr int64_t kToday = 20414;  // 2025-11-22

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shortener;
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  const Result<DayRange> range = StatsRangeOfQuery(query, kToday);
  if (!range.ok()) {
    FUZZ_CHECK(range.error().code == ErrorCode::kValidation, "a refusal that is not a 422");
    const std::string& field = range.error().field;
    FUZZ_CHECK(!field.empty(), "the refusal names no field");
    // Another parameter's name only for a NUL byte in it or for a name given twice, which
    // takes two pieces (ParseQuery names the parameter).
    FUZZ_CHECK(field == "from" || field == "to" || field == "query" ||
                   query.find("%00") != std::string_view::npos ||
                   query.find('&') != std::string_view::npos,
               "the refusal names a field that is not from, to or query");
    return 0;
  }
  const DayRange r = range.value();
  FUZZ_CHECK(r.first >= 0 && r.first <= r.last, "a range out of order or before 1970");
  FUZZ_CHECK(r.days() >= 1 && r.days() <= kMaxStatsDays, "a range of the wrong length");
  const std::string from = FormatIsoDay(r.first);
  const std::string to = FormatIsoDay(r.last);
  FUZZ_CHECK(ParseIsoDay(from) == std::optional<int64_t>(r.first), "from does not round-trip");
  FUZZ_CHECK(ParseIsoDay(to) == std::optional<int64_t>(r.last), "to does not round-trip");
  const Result<DayRange> again = StatsRange(from, to, kToday);
  FUZZ_CHECK(again.ok(), "the formatted bounds of an accepted range are refused");
  FUZZ_CHECK(again.value().first == r.first && again.value().last == r.last,
             "the formatted bounds give another range");
  return 0;
}
