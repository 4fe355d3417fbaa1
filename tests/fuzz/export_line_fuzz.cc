// Fuzzes ParseExportLine (src/cmd/link_transfer_commands.h), the reader of `import jsonl`'s
// lines: any line is read or refused with kValidation naming a field; a line it reads has a valid
// imported slug, days in strictly ascending order each with clicks > 0, and metadata that is a
// JSON object; and writing what it read (ExportLine) then reading that again gives the same link.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cmd/link_transfer_commands.h"
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
                 reread.value().owner == line.value().owner,
             "a written line reads back as another link");
  return 0;
}
