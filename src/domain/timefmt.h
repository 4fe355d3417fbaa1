// ISO 8601 UTC times as the API writes and reads them.
#ifndef SHORTENER_TIMEFMT_H_
#define SHORTENER_TIMEFMT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shortener {

// "2026-11-22T12:00:00Z" for unix seconds `t`.
std::string FormatIso8601(int64_t t);

// Unix seconds of "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)"; nullopt if the text is not
// exactly that or names an impossible date. A fraction is dropped (times are whole seconds).
std::optional<int64_t> ParseIso8601(std::string_view text);

}  // namespace shortener

#endif  // SHORTENER_TIMEFMT_H_
