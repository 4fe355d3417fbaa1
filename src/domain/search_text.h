// The text a links search looks for (GET /api/v1/url-shorteners?q=), as the stored links
// spell it.
#ifndef SHORTENER_SEARCH_TEXT_H_
#define SHORTENER_SEARCH_TEXT_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

// The longest search text, in bytes as given.
inline constexpr size_t kMaxSearchText = 200;

// `q` trimmed of blanks, with every non-ASCII byte percent-encoded (%XX, upper case) as stored
// URLs hold them (API.md "Target URLs": IRIs are stored percent-encoded), so "Köln" finds
// ".../K%C3%B6ln". nullopt for a blank `q` (no search). kValidation naming "q" for text over
// kMaxSearchText bytes or holding a control character.
Result<std::optional<std::string>> SearchText(std::string_view q);

}  // namespace shortener

#endif  // SHORTENER_SEARCH_TEXT_H_
