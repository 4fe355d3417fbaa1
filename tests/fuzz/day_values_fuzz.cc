// Fuzz target of domain/day_values.h: any bytes decode without harm, and what decodes encodes
// to text that decodes to the same values; FoldDayValues refuses what DecodeDayValues refuses,
// and folds what it decodes to the text of the long way (FoldTop of the decoded values).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "domain/day_values.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shortener;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<DayValues> values = DecodeDayValues(text);
  DayValues added;
  added[0] = {{"direct", 1}, {"other", 2}, {"x.example", 3}};
  added[3] = {{"Firefox", 4}};
  const std::optional<std::string> folded = FoldDayValues(text, added, 3);
  FUZZ_CHECK(folded.has_value() == values.has_value(), "fold and decode disagree on the text");
  if (!values) return 0;
  DayValues long_way;
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    for (ValueCount& v : FoldTop((*values)[b], added[b], 3)) {
      long_way[b].emplace(std::move(v.value), v.clicks);
    }
  }
  FUZZ_CHECK(*folded == EncodeDayValues(long_way), "fold differs from the long way");
  const std::string encoded = EncodeDayValues(*values);
  const std::optional<DayValues> again = DecodeDayValues(encoded);
  FUZZ_CHECK(again.has_value(), "encoded day values are refused");
  FUZZ_CHECK(*again == *values, "day values do not round-trip");
  FUZZ_CHECK(EncodeDayValues(*again) == encoded, "day values encode two ways");
  return 0;
}
