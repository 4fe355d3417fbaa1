// shortener-admin's `import yourls`, `import jsonl` and `export`: links in and out whole
// (README "Moving from YOURLS", docs/operations.md "Export and import"). Each returns the exit
// status: 0 when every link was imported (or was there already) or exported; 1 when a link was
// skipped (each one is listed with its reason) or the command failed; 2 for a usage error.
#ifndef SHORTENER_LINK_TRANSFER_COMMANDS_H_
#define SHORTENER_LINK_TRANSFER_COMMANDS_H_

#include <cstdio>
#include <string>
#include <vector>

#include "api/export_line.h"
#include "cmd/admin_commands.h"
#include "cmd/config.h"
#include "domain/link_transfer.h"
#include "domain/url_check.h"
#include "store/yourls_source.h"

namespace shortener {

// Usage lines of the commands below, for shortener-admin's help.
extern const char kTransferCommandsUsage[];

// import yourls --database DB [--host H] [--port P | --socket PATH] [--user U] [--prefix P]
//   --owner USERNAME [--rename-conflicts SUFFIX] [--dry-run]
// import jsonl FILE [--owner USERNAME] [--dry-run]
// The YOURLS database password is $YOURLS_DB_PASSWORD, else the first line of `in`.
int ImportCommand(const AdminContext& ctx, const std::vector<std::string>& args, std::FILE* in);

// export [--owner USERNAME]: one JSON object per line on stdout (ExportLine).
int ExportCommand(const AdminContext& ctx, const std::vector<std::string>& args);

// Pure parts, unit-tested.

// A YOURLS row as the link to import: keyword -> slug (IsValidImportedSlug, after appending
// `rename_suffix` when it is not empty), url through AcceptTargetUrl (IRIs converted), title ->
// metadata {"title": ...} (none when empty), YourlsCreatedAt for both times, permanent, and the
// days and statistics of YourlsStats. `now` is the import's time (unix seconds). Errors
// (kValidation) say why the row cannot be imported: among them a `clicks` total that is
// negative or over 2^53 - 1 (a hand-made table's; no link is clicked that often).
Result<TransferLink> ConvertYourlsLink(const YourlsLink& row, const UrlPolicy& policy,
                                       uint64_t owner_id, const std::string& rename_suffix,
                                       int64_t now);

// The creation time a YOURLS row comes over with: its `timestamp`; `now` for one in the future;
// for none (NULL, a zero date, or before 1970) the first day of its log at 00:00 UTC, else `now`.
int64_t YourlsCreatedAt(const YourlsLink& row, int64_t now);

// A YOURLS link's per-day statistics: its log's days as classified, plus on its creation day
// what the `clicks` total holds beyond the log (a pruned log, or stats turned off) as
// unclassified visits (AddUnclassified: referrer and country "unknown", device, browser and OS
// "other", human, no visitor), so the days sum to the total and on every day each breakdown
// sums to the day's clicks. Log days before the creation day (YourlsCreatedAt) or after `now`'s
// are left out: no click of this link happened then (a log kept from an earlier link of the same
// keyword, a wrong clock). When the log holds more than the total, its days are kept as they
// are. Ascending days, none with 0 clicks.
std::vector<VisitRollup> YourlsStats(const YourlsLink& row, int64_t now);

// The per-day clicks of those statistics.
std::vector<DayClicks> YourlsDays(const std::vector<VisitRollup>& stats);

}  // namespace shortener

#endif  // SHORTENER_LINK_TRANSFER_COMMANDS_H_
