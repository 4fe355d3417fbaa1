// Reads over many links at once that the YOURLS API needs (its stats, db-stats and unique-URL
// rule), apart from LinkStore so that a store that cannot answer them need not pretend to.
#ifndef SHORTENER_LINK_REPORTS_H_
#define SHORTENER_LINK_REPORTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/store.h"

namespace shortener {

// How RankLinks orders links: YOURLS's stats filters top, bottom, last and rand.
enum class LinkOrder { kMostClicked, kLeastClicked, kNewest, kRandom };

struct LinkTotals {
  uint64_t links = 0;
  uint64_t clicks = 0;
};

// The answer kept for an Idempotency-Key, and the digest of the request that it answered.
struct KeptAnswer {
  std::string request_digest;
  CreateAnswer answer;
};

class LinkReports {
 public:
  virtual ~LinkReports() = default;

  // The oldest of `owner_id`'s links whose target is exactly `url` and that has not expired at
  // `now`, or nullopt. Other users' links are never looked at.
  virtual Result<std::optional<Link>> FindOwnedLinkByUrl(uint64_t owner_id, const std::string& url,
                                                         int64_t now) = 0;

  // Up to `limit` links in `order` (ties: newest first), expired ones included; only
  // owner_id's when set.
  virtual Result<std::vector<Link>> RankLinks(std::optional<uint64_t> owner_id, LinkOrder order,
                                              int limit) = 0;

  // The answer kept for `user_id`'s Idempotency-Key `key` if a request with it completed less
  // than kIdempotencyKeyLifetime seconds before `now`, or nullopt (never used, expired, or still
  // in progress: LinkStore::CreateLinkOnce settles those). A read only, for endpoints that must
  // answer a retry before checks that the first request changed the outcome of.
  virtual Result<std::optional<KeptAnswer>> FindKeptAnswer(uint64_t user_id, const std::string& key,
                                                           int64_t now) = 0;

  // How many links there are and their clicks summed; only owner_id's when set.
  virtual Result<LinkTotals> Totals(std::optional<uint64_t> owner_id) = 0;
};

}  // namespace shortener

#endif  // SHORTENER_LINK_REPORTS_H_
