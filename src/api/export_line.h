// The lines of `shortener-admin export` and what `import jsonl` (and the web interface's import,
// docs/web.md) reads back: one JSON object per link (docs/operations.md "Export and import"
// lists the fields). Written and read here only, so the two can never drift apart.
#ifndef SHORTENER_API_EXPORT_LINE_H_
#define SHORTENER_API_EXPORT_LINE_H_

#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"
#include "domain/link_transfer.h"

namespace shortener {

// The export line of a link (one JSON object, no newline): slug, url, owner (username or null),
// created_at, updated_at, expires_at (ISO 8601 UTC, or null), metadata, max_visits (or null),
// redirect_code, clicks (the total), days ([{"day": "YYYY-MM-DD", "clicks": N}, ...]) and stats
// (the visit statistics of those days that have them: [{"day", "human_clicks", "bot_clicks",
// "visitors" (the unique-visitor sketch, hll.h format, base64), "referrers", "countries",
// "devices", "browsers", "os" (each {value: clicks}, in value order)}, ...]). How many of
// max_visits were used is not exported: an imported limited link starts afresh.
std::string ExportLine(const ExportedLink& link);

// An export line back to a link and its owner's username (nullopt for none). Errors
// (kValidation) name the field that is missing or wrong; the URL rules are the caller's.
// Lines of exports older than a field read as they were meant: no max_visits is no limit, no
// redirect_code is 302, no stats is no statistics. Each stats day must be one of `days` and
// hold at most its clicks (human + bot), every breakdown must sum to human + bot with at most
// kTopValues named values (plus "other") of 1 to 253 printable ASCII characters, and the sketch
// must be one that HyperLogLog::Parse reads.
struct ImportLine {
  TransferLink link;
  std::optional<std::string> owner;
};
Result<ImportLine> ParseExportLine(std::string_view line);

}  // namespace shortener

#endif  // SHORTENER_API_EXPORT_LINE_H_
