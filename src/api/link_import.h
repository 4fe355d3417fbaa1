// The import loop of `shortener-admin import jsonl` and `import yourls` and of the web
// interface's import (POST /api/v1/import, docs/web.md): links brought in by batches of
// kImportBatch, each batch one transaction (LinkTransfer::ImportLinks), with a summary of what
// came in and what was skipped and why.
#ifndef SHORTENER_API_LINK_IMPORT_H_
#define SHORTENER_API_LINK_IMPORT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/link_transfer.h"
#include "domain/store.h"
#include "domain/url_check.h"

namespace shortener {

inline constexpr size_t kImportBatch = 500;

// A link or line that did not come in: its slug (or "line N") and why.
struct ImportSkip {
  std::string what;
  std::string reason;
};

// The skipped lines or links an import lists with their reasons; the rest are counted only. A
// body of millions of bad lines once made a list (and an answer) hundreds of times its size.
inline constexpr size_t kMaxSkipsListed = 1000;

// An import's running totals.
struct ImportSummary {
  uint64_t imported = 0;
  uint64_t clicks = 0;  // of the links imported
  uint64_t already_there = 0;
  uint64_t skipped_count = 0;       // every line or link skipped
  std::vector<ImportSkip> skipped;  // the first kMaxSkipsListed of them

  uint64_t done() const { return imported + already_there + skipped_count; }
  void Add(ImportOutcome outcome, const TransferLink& link);
  void Skip(std::string what, std::string reason) {
    ++skipped_count;
    if (skipped.size() < kMaxSkipsListed) {
      skipped.push_back(ImportSkip{std::move(what), std::move(reason)});
    }
  }
};

// Called with the slug of each link an import brought in (not in a dry run), after its batch
// committed: the caller marks it changed in the redirect cache (LinkCache::MarkChanged), which
// may hold the slug's absence from a probe made before the import (negative_cache_ttl).
using ImportedSlug = std::function<void(const std::string& slug)>;

// Imports `batch` (unless `dry_run`, which rolls back) at the present time, renaming each slug
// found taken once with `suffix` when it is set (and still a valid imported slug), and counts
// the outcomes in `summary`; `imported` (may be empty) hears of each link imported. Errors: the
// store's (nothing of this batch was imported).
Status ImportBatch(LinkTransfer* store, int64_t freed_slug_hold, std::vector<TransferLink> batch,
                   bool dry_run, const std::string& suffix, ImportSummary* summary,
                   const ImportedSlug& imported = {});

// Where the lines of an export come from: the next line (without its newline) into `line`, or
// false at the end.
using LineReader = std::function<bool(std::string* line)>;

struct ExportImportOptions {
  const UrlPolicy* policy = nullptr;  // the importing service's URL rules (required)
  int64_t freed_slug_hold = 0;
  // Every link for this user; unset: each line's "owner" by username (a line naming a user
  // that does not exist is skipped; a line without one imports without an owner).
  std::optional<uint64_t> owner_id;
  bool dry_run = false;
  // Called after each batch (for a progress line); may be empty.
  std::function<void(const ImportSummary&)> progress;
  // Hears of each link imported (ImportBatch); may be empty.
  ImportedSlug imported;
};

// Imports the lines of an export (ParseExportLine): a line that does not read is skipped as
// "line N" with the reason, a link whose target the URL rules refuse or whose owner is missing
// by its slug; empty lines are ignored. Errors: the store's, with the batches before it kept
// (an import run again continues: what is there counts as already there).
Status ImportExportLines(const LineReader& next_line, LinkTransfer* store, AccountStore* accounts,
                         const ExportImportOptions& options, ImportSummary* summary);

}  // namespace shortener

#endif  // SHORTENER_API_LINK_IMPORT_H_
