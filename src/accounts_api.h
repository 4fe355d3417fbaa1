// Handlers of the account endpoints: signup, login, logout and API keys.
#ifndef SHORTENER_ACCOUNTS_API_H_
#define SHORTENER_ACCOUNTS_API_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "auth.h"
#include "auth_gate.h"
#include "clock.h"
#include "http.h"
#include "router.h"
#include "store.h"

namespace shortener {

// What the account handlers take from Config.
struct AccountSettings {
  int64_t token_ttl = 3600;
};

class AccountsApi {
 public:
  // Borrows every pointer; they must outlive this object.
  AccountsApi(AccountSettings settings, AccountStore* accounts, const PasswordHasher* hasher,
              AuthGate* gate, Clock clock);

  void Register(Router* router);

  // POST /url/signup: 201 with the new user; 409 username_taken / email_taken; 422 naming the
  // field that breaks API.md's rules.
  Response Signup(const Request& request);
  // POST /url/login: 200 with a new token; 401 for an unknown user or a wrong password alike,
  // after the same Argon2 work. A hash made with older costs is replaced on success.
  Response Login(const Request& request);
  // POST /url/logout (token only): 204, and the token is deleted.
  Response Logout(const Request& request);
  // POST /api/v1/api-keys (token only): 201 with the key, shown this once.
  Response CreateApiKey(const Request& request);
  // GET /api/v1/api-keys (token only): the caller's keys, never a secret.
  Response ListApiKeys(const Request& request);
  // DELETE /api/v1/api-keys/{id} (token only): 204; 404 unless the key is the caller's (or the
  // caller is an admin).
  Response DeleteApiKey(const Request& request, const std::string& id);

 private:
  AccountSettings settings_;
  AccountStore* accounts_;
  const PasswordHasher* hasher_;
  AuthGate* gate_;
  Clock clock_;
};

// API.md's signup rules, as 422 validation errors naming the field. Pure.
Status CheckUsername(std::string_view username);
Status CheckEmail(std::string_view email);
Status CheckPassword(std::string_view password);

}  // namespace shortener

#endif  // SHORTENER_ACCOUNTS_API_H_
