// What only an operator does to the data (shortener-admin): list and name users, disable and
// delete them, and purge what has expired. Apart from AccountStore so the admin commands can be
// tested with a fake; see mysql_store.h for the MySQL one.
#ifndef SHORTENER_DOMAIN_ADMIN_STORE_H_
#define SHORTENER_DOMAIN_ADMIN_STORE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "domain/store.h"

namespace shortener {

// What the purge forgets once it is old enough to mean nothing any more.
enum class Leftover {
  kSlugHolds,        // older than freed_slug_hold: holding nothing
  kIdempotencyKeys,  // older than kIdempotencyKeyLifetime: never replayed
};

class AdminStore {
 public:
  virtual ~AdminStore() = default;

  // Up to `limit` users, oldest first, with how many links each owns; password hashes are left
  // empty.
  virtual Result<std::vector<UserSummary>> ListUsers(int limit) = 0;

  // The usernames of the given user ids (ids without a user are left out).
  virtual Result<std::map<uint64_t, std::string>> Usernames(const std::vector<uint64_t>& ids) = 0;

  // Disables user `user_id` from `disabled_at` on (a user disabled already keeps its first
  // time) and ends its login tokens, in one transaction; or enables it (nullopt). Its API keys
  // are kept: refused while it is disabled, good again once enabled. kNotFound if no such user.
  virtual Status SetUserDisabled(uint64_t user_id, std::optional<int64_t> disabled_at) = 0;

  // Deletes user `user_id` with its login tokens, API keys and idempotency keys, in one
  // transaction; not its links (the caller deletes those first, through DeleteLink, so each
  // slug is held and each link's data goes as a single deletion's does). kNotFound if gone.
  virtual Status DeleteUser(uint64_t user_id) = 0;

  // Deletes up to `limit` (> 0) links whose expiry is at or before `now` (unix seconds), oldest
  // expiry first, and holds their slugs from `now` on (like DeleteLink), in one transaction of
  // its own; returns how many it deleted. Permanent links are never deleted. Callers purge in
  // a loop of small batches so no lock on the links table is held for long; fewer than `limit`
  // means none was left.
  virtual Result<uint64_t> DeleteExpiredBatch(int64_t now, int limit) = 0;

  // Deletes up to `limit` (> 0) rows of `what` made at or before `made_before` (now minus their
  // lifetime); returns how many. Batches as above.
  virtual Result<uint64_t> ForgetBatch(Leftover what, int64_t made_before, int limit) = 0;
};

}  // namespace shortener

#endif  // SHORTENER_DOMAIN_ADMIN_STORE_H_
