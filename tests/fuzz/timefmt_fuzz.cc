// Fuzzes ParseIso8601 (src/domain/timefmt.h) on any bytes: an accepted time formats with
// FormatIso8601 to text that parses back to the same instant, for every instant in ISO 8601's years
// 0000-9999.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/timefmt.h"
#include "fuzz_check.h"

namespace {

// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the instants a four-digit year can write. An
// offset can push a parsed time just outside them ("0000-01-01T00:00:00+01:00"), where no
// "YYYY-" text exists to round-trip through.
constexpr int64_t kFirstInstant = -62167219200;
constexpr int64_t kLastInstant = 253402300799;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<int64_t> parsed = shortener::ParseIso8601(text);
  if (!parsed) return 0;
  FUZZ_CHECK(text.size() >= 20, "ParseIso8601 accepted text shorter than YYYY-MM-DDTHH:MM:SSZ");
  if (*parsed < kFirstInstant || *parsed > kLastInstant) return 0;
  const std::string formatted = shortener::FormatIso8601(*parsed);
  FUZZ_CHECK(formatted.size() == 20 && formatted.back() == 'Z',
             "FormatIso8601 did not write YYYY-MM-DDTHH:MM:SSZ");
  const std::optional<int64_t> again = shortener::ParseIso8601(formatted);
  FUZZ_CHECK(again.has_value(), "ParseIso8601 refused what FormatIso8601 wrote");
  FUZZ_CHECK(*again == *parsed, "parse -> format -> parse moved the instant");
  FUZZ_CHECK(shortener::FormatIso8601(*again) == formatted, "FormatIso8601 is not stable");
  return 0;
}
