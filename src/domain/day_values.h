// The stored form of one (link, day)'s breakdown values: link_visits_daily.breakdown_values
// (sql/017), one column of the day's row, so a flush reads and writes a day in one row.
//
// Text, one line per value, lines joined by '\n' (none after the last):
//   <breakdown digit 0-4> '\t' <value> '\t' <clicks, decimal>
// in breakdown order, then value order (bytewise); empty when the day has no values. A value is
// 1 to 253 bytes of printable ASCII (what the classifier stores: hosts, country codes, names
// from fixed tables, "other"), so neither separator can occur in one. sql/017 builds the same
// text from the rows of the table it replaces, with GROUP_CONCAT.
#ifndef SHORTENER_DAY_VALUES_H_
#define SHORTENER_DAY_VALUES_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "domain/visit_stats.h"

namespace shortener {

using DayValues = std::array<ValueCounts, kBreakdownCount>;

// True for a value that can be stored: 1 to 253 bytes, each printable ASCII (0x20-0x7e).
bool IsStoredValue(std::string_view value);

// The stored text of `values`. Values that IsStoredValue refuses and counts of 0 are left out.
std::string EncodeDayValues(const DayValues& values);

// What EncodeDayValues wrote; nullopt for anything else (a breakdown out of range, a bad value
// or count, a value twice, lines out of order). Any bytes are accepted without harm.
std::optional<DayValues> DecodeDayValues(std::string_view text);

// What a flush writes back for one day: each breakdown of the stored text and of `added`
// summed and folded as FoldTop folds them (its `top` named values + "other"), encoded as
// EncodeDayValues encodes: the same text as EncodeDayValues of the FoldTop of the
// DecodeDayValues of `stored_text` and `added`, without building those maps. nullopt when
// `stored_text` does not decode.
std::optional<std::string> FoldDayValues(std::string_view stored_text, const DayValues& added,
                                         size_t top = kTopValues);

}  // namespace shortener

#endif  // SHORTENER_DAY_VALUES_H_
