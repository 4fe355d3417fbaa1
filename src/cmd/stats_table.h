// `shortener-admin link stats`'s table: the stats endpoint's numbers (api/stats_api.h) for a
// terminal.
#ifndef SHORTENER_STATS_TABLE_H_
#define SHORTENER_STATS_TABLE_H_

#include <string>

#include "domain/link_stats.h"

namespace shortener {

// The totals, the days with clicks (oldest first) and every breakdown, most clicks first with
// "other" last, each as a two-column table. Every value from the database passes through
// TerminalSafe, so a stored value can never move the cursor or hide a line. Pure.
std::string FormatStatsTable(const std::string& slug, const LinkStats& stats);

}  // namespace shortener

#endif  // SHORTENER_STATS_TABLE_H_
