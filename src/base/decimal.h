// The one decimal-number reader: config values, query parameters, CLI flags, ids, headers and
// cache counters are all plain decimal text, and each reader once had its own idea of what a
// number is (strtol takes " +5abc" as 5; stoi throws).
#ifndef SHORTENER_DECIMAL_H_
#define SHORTENER_DECIMAL_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace shortener {

// Reads `text` as a plain decimal number: ASCII digits only, at least one; no sign, space,
// unit or base prefix. Returns nullopt for anything else. A value beyond uint64_t saturates
// to UINT64_MAX, so it fails the caller's range check ("too large") instead of wrapping into
// range or being called "not a number".
std::optional<uint64_t> ParseDecimal(std::string_view text);

// ParseDecimal, then the range [min, max]: nullopt when `text` is not a number or lies outside.
std::optional<uint64_t> ParseDecimalIn(std::string_view text, uint64_t min, uint64_t max);

}  // namespace shortener

#endif  // SHORTENER_DECIMAL_H_
