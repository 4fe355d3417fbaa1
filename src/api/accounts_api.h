// Handlers of the account endpoints: signup, login, logout and API keys.
#ifndef SHORTENER_ACCOUNTS_API_H_
#define SHORTENER_ACCOUNTS_API_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "api/auth_gate.h"
#include "base/clock.h"
#include "domain/auth.h"
#include "domain/client_address.h"
#include "domain/rate_limit.h"
#include "domain/store.h"
#include "http/http.h"
#include "http/router.h"

namespace shortener {

// What the account handlers take from Config.
struct AccountSettings {
  int64_t token_ttl = 3600;
  RateLimit signup_limit = {5, 3600};      // per client address
  RateLimit login_fail_limit = {10, 900};  // per client address and username
  std::vector<IpNetwork> trusted_proxies;  // whose X-Forwarded-For names the client
};

class AccountsApi {
 public:
  // Borrows every pointer; they must outlive this object.
  AccountsApi(AccountSettings settings, AccountStore* accounts, const PasswordHasher* hasher,
              AuthGate* gate, RateLimiter* limiter, Clock clock);

  void Register(Router* router);

  // POST /url/signup: 201 with the new user; 409 username_taken / email_taken; 422 naming the
  // field that breaks API.md's rules; 429 past signup_limit (every signup counts).
  Response Signup(const Request& request);
  // POST /url/login: 200 with a new token; 401 for an unknown user or a wrong password alike,
  // after the same Argon2 work. A hash made with older costs is replaced on success. Each 401
  // counts against login_fail_limit for the client address and username; while it holds, even
  // the right password gets 429.
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
  // Signup without the rate limit.
  Response CreateUser(const Request& request);
  // Login without the rate limit's headers; *failed tells whether it was a 401.
  Response CheckLogin(const std::string& username, const std::string& password, bool* failed);
  // The address the limits key a request by.
  std::string ClientKey(const Request& request) const;

  AccountSettings settings_;
  AccountStore* accounts_;
  const PasswordHasher* hasher_;
  AuthGate* gate_;
  RateLimiter* limiter_;
  Clock clock_;
};

// API.md's signup rules, as 422 validation errors naming the field. Pure.
Status CheckUsername(std::string_view username);
Status CheckEmail(std::string_view email);
Status CheckPassword(std::string_view password);

}  // namespace shortener

#endif  // SHORTENER_ACCOUNTS_API_H_
