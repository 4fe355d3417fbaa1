// Fuzzes ParseExportLine (src/api/export_line.h), the reader of `import jsonl`'s lines: any line
// is read or refused with kValidation naming a field; a line it reads has a valid imported slug,
// days in strictly ascending order each with clicks > 0, metadata that is a JSON object, and
// statistics on some of those days, in order, each with human + bot > 0 and at most the day's
// clicks and every breakdown summing to human + bot with at most 50 named values; and writing
// what it read (ExportLine) then reading that again gives the same link, statistics included.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/export_line.h"
#include "domain/slug.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  shortener::Result<shortener::ImportLine> line = shortener::ParseExportLine(text);
  if (!line.ok()) {
    FUZZ_CHECK(line.error().code == shortener::ErrorCode::kValidation,
               "a line refused with another code than kValidation");
    return 0;
  }
  const shortener::TransferLink& link = line.value().link;
  FUZZ_CHECK(shortener::IsValidImportedSlug(link.slug), "read a slug that may not be imported");
  for (size_t i = 0; i < link.days.size(); ++i) {
    FUZZ_CHECK(link.days[i].clicks > 0, "read a day without clicks");
    FUZZ_CHECK(i == 0 || link.days[i - 1].day < link.days[i].day, "days out of order");
  }
  FUZZ_CHECK(!link.metadata_json.empty() && link.metadata_json.front() == '{',
             "metadata is not an object");
  size_t at = 0;
  for (size_t i = 0; i < link.stats.size(); ++i) {
    const shortener::VisitRollup& v = link.stats[i];
    FUZZ_CHECK(i == 0 || link.stats[i - 1].day < v.day, "statistics days out of order");
    while (at < link.days.size() && link.days[at].day < v.day) ++at;
    FUZZ_CHECK(at < link.days.size() && link.days[at].day == v.day,
               "statistics of a day not in days");
    FUZZ_CHECK(v.stats.clicks > 0 && v.stats.clicks == v.stats.human_clicks + v.stats.bot_clicks &&
                   v.stats.clicks <= link.days[at].clicks,
               "statistics counts that do not add up");
    for (const shortener::ValueCounts& counts : v.stats.breakdowns) {
      uint64_t sum = 0;
      for (const auto& [value, clicks] : counts) sum += clicks;
      FUZZ_CHECK(sum == v.stats.clicks, "a breakdown that does not sum to the day's visits");
      FUZZ_CHECK(shortener::NamedValues(counts) <= shortener::kTopValues, "more than 50 values");
    }
  }
  shortener::ExportedLink again;
  again.link = link;
  again.owner_username = line.value().owner;
  const std::string written = shortener::ExportLine(again);
  shortener::Result<shortener::ImportLine> reread = shortener::ParseExportLine(written);
  FUZZ_CHECK(reread.ok(), "ExportLine wrote a line ParseExportLine refuses");
  const shortener::TransferLink& back = reread.value().link;
  FUZZ_CHECK(back.slug == link.slug && back.url == link.url && back.created_at == link.created_at &&
                 back.updated_at == link.updated_at && back.expires_at == link.expires_at &&
                 back.days.size() == link.days.size() && back.max_visits == link.max_visits &&
                 back.redirect_code == link.redirect_code &&
                 reread.value().owner == line.value().owner &&
                 back.stats.size() == link.stats.size(),
             "a written line reads back as another link");
  for (size_t i = 0; i < link.stats.size(); ++i) {
    const shortener::DayStats& a = link.stats[i].stats;
    const shortener::DayStats& b = back.stats[i].stats;
    FUZZ_CHECK(back.stats[i].day == link.stats[i].day && a.human_clicks == b.human_clicks &&
                   a.bot_clicks == b.bot_clicks && a.visitors == b.visitors &&
                   a.breakdowns == b.breakdowns,
               "statistics read back as others");
  }
  return 0;
}
