// Fuzz target of domain/day_values.h: any bytes decode without harm, and what decodes encodes
// to text that decodes to the same values.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "domain/day_values.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shortener;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<DayValues> values = DecodeDayValues(text);
  if (!values) return 0;
  const std::string encoded = EncodeDayValues(*values);
  const std::optional<DayValues> again = DecodeDayValues(encoded);
  FUZZ_CHECK(again.has_value(), "encoded day values are refused");
  FUZZ_CHECK(*again == *values, "day values do not round-trip");
  FUZZ_CHECK(EncodeDayValues(*again) == encoded, "day values encode two ways");
  return 0;
}
