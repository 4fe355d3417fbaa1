// The import loop (see link_import.h).
#include "api/link_import.h"

#include <ctime>
#include <map>
#include <utility>

#include "api/export_line.h"
#include "domain/slug.h"

namespace shortener {

void ImportSummary::Add(ImportOutcome outcome, const TransferLink& link) {
  if (outcome == ImportOutcome::kImported) {
    ++imported;
    for (const DayClicks& d : link.days) clicks += d.clicks;
  } else if (outcome == ImportOutcome::kAlreadyThere) {
    ++already_there;
  } else {
    Skip(link.slug,
         "the slug is taken (another link holds it, or a deleted link's slug is still held)");
  }
}

Status ImportBatch(LinkTransfer* store, int64_t freed_slug_hold, std::vector<TransferLink> batch,
                   bool dry_run, const std::string& suffix, ImportSummary* summary,
                   const ImportedSlug& imported) {
  if (batch.empty()) return Status::Ok();
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  ASSIGN_OR_RETURN(std::vector<ImportOutcome> outcomes,
                   store->ImportLinks(batch, now, freed_slug_hold, dry_run));
  std::vector<TransferLink> renamed;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (outcomes[i] == ImportOutcome::kSlugTaken && !suffix.empty()) {
      TransferLink again = batch[i];
      again.slug += suffix;
      if (IsValidImportedSlug(again.slug)) {
        renamed.push_back(std::move(again));
        continue;
      }
    }
    summary->Add(outcomes[i], batch[i]);
    if (outcomes[i] == ImportOutcome::kImported && !dry_run && imported) imported(batch[i].slug);
  }
  if (renamed.empty()) return Status::Ok();
  return ImportBatch(store, freed_slug_hold, std::move(renamed), dry_run, "", summary, imported);
}

Status ImportExportLines(const LineReader& next_line, LinkTransfer* store, AccountStore* accounts,
                         const ExportImportOptions& options, ImportSummary* summary) {
  std::map<std::string, std::optional<uint64_t>> owners;  // username -> id (nullopt: none)
  std::vector<TransferLink> batch;
  auto send = [&]() -> Status {
    RETURN_IF_ERROR(ImportBatch(store, options.freed_slug_hold, std::move(batch), options.dry_run,
                                "", summary, options.imported));
    batch.clear();
    if (options.progress) options.progress(*summary);
    return Status::Ok();
  };
  std::string text;
  for (uint64_t number = 1; next_line(&text); ++number) {
    if (text.empty()) continue;
    Result<ImportLine> line = ParseExportLine(text);
    if (!line.ok()) {
      summary->Skip("line " + std::to_string(number), line.error().message);
      continue;
    }
    TransferLink link = std::move(line.value().link);
    if (options.owner_id) {
      link.owner_id = options.owner_id;
    } else if (const std::optional<std::string>& username = line.value().owner) {
      auto it = owners.find(*username);
      if (it == owners.end()) {
        Result<User> user = accounts->FindUser(*username);
        if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
        it = owners
                 .emplace(*username,
                          user.ok() ? std::optional<uint64_t>(user.value().id) : std::nullopt)
                 .first;
      }
      if (!it->second) {
        summary->Skip(link.slug, "no user called '" + *username + "' (create it first)");
        continue;
      }
      link.owner_id = it->second;
    }
    Result<std::string> url = AcceptTargetUrl(link.url, *options.policy, "url");
    if (!url.ok()) {
      summary->Skip(link.slug, url.error().message);
      continue;
    }
    link.url = url.value();
    batch.push_back(std::move(link));
    if (batch.size() == kImportBatch) RETURN_IF_ERROR(send());
  }
  return send();
}

}  // namespace shortener
