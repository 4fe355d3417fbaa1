// Links moving in and out of the service whole: shortener-admin's `import yourls`,
// `import jsonl` and `export`. Unlike a creation, an imported link keeps what it had elsewhere:
// its slug (1 to 100 characters, API.md "Slugs"), its times and its per-day clicks.
#ifndef SHORTENER_LINK_TRANSFER_H_
#define SHORTENER_LINK_TRANSFER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/store.h"

namespace shortener {

// A link as it is brought in or taken out: everything a link has except its id, which is the
// database's own (a generated slug is never decoded back to it).
struct TransferLink {
  std::string slug;
  std::string url;
  std::optional<uint64_t> owner_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  Expiry expires_at;
  std::string metadata_json = "{}";
  std::optional<uint64_t> max_visits;  // unset: no limit
  int redirect_code = kDefaultRedirectCode;
  std::vector<DayClicks> days;  // ascending days, each with clicks > 0
  // The visit statistics of some of those days (docs/statistics.md): ascending days, each one
  // of `days` with stats.clicks equal to its clicks (human + bot = each breakdown's sum);
  // link_id is unused (0). Days without are unclassified, as clicks counted with
  // visit_statistics off.
  std::vector<VisitRollup> stats;
};

// What the import made of one TransferLink.
enum class ImportOutcome {
  kImported,
  // A link with this slug, target, owner and creation time is there already (an earlier run,
  // or the part of an interrupted run that committed): nothing was written.
  kAlreadyThere,
  // Another link holds the slug, or a deleted link's slug is still held (freed_slug_hold) for
  // another owner: nothing was written.
  kSlugTaken,
};

// A link on its way out, with its owner's name (ids mean nothing in another database).
struct ExportedLink {
  uint64_t id = 0;  // the position for the next page
  TransferLink link;
  std::optional<std::string> owner_username;
};

class LinkTransfer {
 public:
  virtual ~LinkTransfer() = default;

  // Imports `links` in one transaction: each link with its day rows and statistics (written as
  // a worker's flush writes them: top 50 + other per breakdown), or nothing of it, and
  // the outcome of each in order. Slugs must already be valid (IsValidImportedSlug), targets
  // accepted by the URL rules and owners existing users. A second call with the same links
  // writes nothing (all kAlreadyThere), so an interrupted import can simply run again. A slug
  // freed less than `freed_slug_hold` seconds before `now` is held from other owners. With
  // `dry_run` the transaction is rolled back: the outcomes say what an import would do.
  virtual Result<std::vector<ImportOutcome>> ImportLinks(const std::vector<TransferLink>& links,
                                                         int64_t now, int64_t freed_slug_hold,
                                                         bool dry_run) = 0;

  // Up to `limit` (> 0) links with an id above `after_id`, in id order, owned by `owner_id`
  // when set (else every link), each with its per-day clicks and its owner's username.
  virtual Result<std::vector<ExportedLink>> ExportLinks(std::optional<uint64_t> owner_id,
                                                        uint64_t after_id, int limit) = 0;
};

}  // namespace shortener

#endif  // SHORTENER_LINK_TRANSFER_H_
