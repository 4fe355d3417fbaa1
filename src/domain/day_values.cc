// A day's breakdown values as stored (see day_values.h).
#include "domain/day_values.h"

#include <utility>

#include "base/decimal.h"

namespace shortener {

namespace {

// A stored value is at most a 253-byte host (sql/009).
constexpr size_t kMaxValueBytes = 253;

}  // namespace

bool IsStoredValue(std::string_view value) {
  if (value.empty() || value.size() > kMaxValueBytes) return false;
  for (unsigned char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string EncodeDayValues(const DayValues& values) {
  std::string text;
  for (size_t b = 0; b < kBreakdownCount; ++b) {
    for (const auto& [value, clicks] : values[b]) {
      if (clicks == 0 || !IsStoredValue(value)) continue;
      if (!text.empty()) text += '\n';
      text += static_cast<char>('0' + b);
      text += '\t';
      text += value;
      text += '\t';
      text += std::to_string(clicks);
    }
  }
  return text;
}

std::optional<DayValues> DecodeDayValues(std::string_view text) {
  DayValues values;
  // The (breakdown, value) of the line before: each line's must be greater (one order, no
  // value twice). Values are never empty, so (0, "") is below every line.
  std::pair<size_t, std::string_view> last(0, "");
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(at, end - at);
    // An empty line anywhere (a trailing '\n' too) is not what EncodeDayValues writes.
    if (end + 1 == text.size()) return std::nullopt;
    at = end + 1;
    if (line.size() < 5 || line[1] != '\t' || line[0] < '0' ||
        static_cast<size_t>(line[0] - '0') >= kBreakdownCount) {
      return std::nullopt;
    }
    const size_t breakdown = static_cast<size_t>(line[0] - '0');
    const size_t tab = line.rfind('\t');
    if (tab < 2) return std::nullopt;
    const std::string_view value = line.substr(2, tab - 2);
    const std::optional<uint64_t> clicks = ParseDecimal(line.substr(tab + 1));
    if (!IsStoredValue(value) || !clicks || *clicks == 0) return std::nullopt;
    if (!(last < std::make_pair(breakdown, value))) return std::nullopt;
    last = {breakdown, value};
    values[breakdown].emplace(std::string(value), *clicks);
  }
  return values;
}

}  // namespace shortener
