// API.md's rules for account fields (signup, login, API key names), shared by the account
// handlers and shortener-admin. Pure.
#ifndef SHORTENER_ACCOUNT_RULES_H_
#define SHORTENER_ACCOUNT_RULES_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

// The longest password taken, in bytes: Argon2 takes any length, and a longer one would only cost
// hashing work.
constexpr size_t kMaxPasswordBytes = 1024;

// API.md's signup rules, as 422 validation errors naming the field. Pure.
Status CheckUsername(std::string_view username);
// What the failed-login limit counts `username` as: lower-cased (names are unique ignoring
// case) and without surrounding blanks, so that "Alice", "alice   " and " ALICE" draw on one
// count (a padded spelling is refused, but must not come with an allowance of its own).
std::string CanonicalUsername(std::string_view username);
Status CheckEmail(std::string_view email);
Status CheckPassword(std::string_view password);
// An API key's name: at most 100 bytes, no control characters (a name is printed on terminals
// by shortener-admin and shown in pages). 422 naming "name".
Status CheckKeyName(std::string_view name);

}  // namespace shortener

#endif  // SHORTENER_ACCOUNT_RULES_H_
