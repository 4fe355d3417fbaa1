#include "base/decimal.h"

#include <limits>

namespace shortener {

std::optional<uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
  }
  return value;
}

std::optional<uint64_t> ParseDecimalIn(std::string_view text, uint64_t min, uint64_t max) {
  std::optional<uint64_t> value = ParseDecimal(text);
  if (!value || *value < min || *value > max) return std::nullopt;
  return value;
}

}  // namespace shortener
