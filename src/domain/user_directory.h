// The list of every user, page by page: what an admin's GET /api/v1/users reads.
#ifndef SHORTENER_DOMAIN_USER_DIRECTORY_H_
#define SHORTENER_DOMAIN_USER_DIRECTORY_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "base/error.h"
#include "domain/store.h"

namespace shortener {

struct UserPage {
  std::vector<UserSummary> users;          // password hashes left empty
  std::optional<uint64_t> next_before_id;  // set when more users may follow
};

class UserDirectory {
 public:
  virtual ~UserDirectory() = default;

  // Up to `limit` users with an id below `before_id` (unset: from the newest), newest first,
  // each with how many links it owns. Never reads a password hash.
  virtual Result<UserPage> ListUsersPage(std::optional<uint64_t> before_id, int limit) = 0;
};

}  // namespace shortener

#endif  // SHORTENER_DOMAIN_USER_DIRECTORY_H_
