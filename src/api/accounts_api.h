// Handlers of the account endpoints: signup, login, logout and API keys.
#ifndef SHORTENER_ACCOUNTS_API_H_
#define SHORTENER_ACCOUNTS_API_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "api/auth_gate.h"
#include "base/clock.h"
#include "base/host_slots.h"
#include "domain/account_rules.h"
#include "domain/account_settings.h"
#include "domain/auth.h"
#include "domain/client_address.h"
#include "domain/rate_limit.h"
#include "domain/store.h"
#include "http/http.h"
#include "http/router.h"

namespace shortener {

// How long a login or signup waits for a password hashing slot before it is answered 503. Short
// on purpose: every waiting login holds a worker that redirects queue behind, so under a flood
// quick refusals keep the pool free (with 50 ms the redirect p50 under 8 flooding clients was
// 9 times the quiet one); a hash takes longer than this anyway, so the wait only smooths over
// two logins that arrive together.
constexpr int kHashSlotWaitMs = 5;

class AccountsApi {
 public:
  // Borrows every pointer; they must outlive this object. `hash_slots` bounds the password
  // hashing of every worker sharing it; nullptr: unbounded.
  AccountsApi(AccountSettings settings, AccountStore* accounts, const PasswordHasher* hasher,
              HostSlots* hash_slots, AuthGate* gate, RateLimiter* limiter, Clock clock);

  void Register(Router* router);

  // POST /url/signup: 201 with the new user; 403 while signup is closed; 409 username_taken /
  // email_taken; 422 naming the field that breaks API.md's rules; 429 past signup_limit (every
  // signup counts); 503 when no hashing slot comes free in kHashSlotWaitMs.
  Result<Response> Signup(const Request& request);
  // POST /url/login: 200 with a new token; 401 for an unknown user or a wrong password alike,
  // after the same Argon2 work, and at once (no lookup, no hashing) for a username that could
  // not have signed up. A hash made with older costs is replaced on success.
  // Limits, in order: every attempt counts against login_limit for the client address, before
  // anything else (429). Then against login_fail_limit for the address and the canonical
  // username (CanonicalUsername), before the password is checked, so that concurrent attempts
  // cannot all pass the check; all but a 401 are refunded. While either holds, even the right
  // password gets 429. Hashing waits up to kHashSlotWaitMs for a slot; none: 503 with Retry-After
  // (not a failure). The RateLimit-* headers show the tighter of the two limits.
  // With "session": true in the body the answer also sets the browser session cookie (the same
  // token, HttpOnly, SameSite=Strict; AuthGate::SessionCookieFor) for token_ttl.
  Result<Response> Login(const Request& request);
  // Checks a username and password given some other way than Login's body (the YOURLS API's
  // parameters) exactly as Login does: the same limits, counted the same way (kRateLimited,
  // with Retry-After and RateLimit-* headers, while one holds), the same answer and Argon2 work
  // for an unknown user and a wrong password (kUnauthorized). Makes no token.
  Result<User> CheckPasswordLimited(const Request& request, const std::string& username,
                                    const std::string& password);
  // POST /url/logout (token only, the session cookie's too): 204, the token is deleted, and the
  // answer clears the session cookie.
  Result<Response> Logout(const Request& request);
  // POST /url/password (token only) {"username", "current_password", "new_password"}: the
  // caller's own username and password, checked as a login is (same limits, same 401), then
  // the new password (API.md's rules, 422 naming new_password) replaces it and every login token
  // of the user ends, this one too (API keys stay): 204, clearing the session cookie. A username
  // that is not the caller's: 401, as a wrong password.
  Result<Response> ChangePassword(const Request& request);
  // POST /api/v1/api-keys (token only): 201 with the key, shown this once.
  Result<Response> CreateApiKey(const Request& request);
  // GET /api/v1/api-keys (token only): the caller's keys, never a secret.
  Result<Response> ListApiKeys(const Request& request);
  // DELETE /api/v1/api-keys/{id} (token only): 204; 404 unless the key is the caller's (or the
  // caller is an admin).
  Result<Response> DeleteApiKey(const Request& request, const std::string& id);

 private:
  // Signup without the rate limit.
  Result<Response> CreateUser(const Request& request);
  // What a login request gives.
  struct Credentials {
    std::string username;
    std::string password;
    bool session = false;  // "session": true asks for the browser session cookie too
  };
  // The credentials of a login's body: bad_json or validation naming the field otherwise.
  static Result<Credentials> ReadCredentials(const Request& request);
  // The failed-login limit around VerifyPassword, once the attempt counted against login_limit
  // (`shown`): counted before the check, refunded unless the answer is kUnauthorized. *decision
  // gets the decision the answer's RateLimit-* headers show; a refusal is kRateLimited with its
  // headers.
  Result<User> VerifyUnderFailLimit(const std::string& client, const RateDecision& shown,
                                    const std::string& username, const std::string& password,
                                    RateDecision* decision);
  // The user whose password this is, without the rate limits: kUnauthorized for an unknown user
  // and a wrong password alike, after the same Argon2 work; kValidation for a password over
  // 1024 bytes; kUnavailable when no hashing slot comes free. A hash made with older costs is
  // replaced on success.
  Result<User> VerifyPassword(const std::string& username, const std::string& password);
  // The 200 of a login: a new token for `user`, also as the session cookie when `session`.
  Result<Response> IssueToken(const User& user, bool session);
  // A hashing slot, or nullopt after kHashSlotWaitMs (an unbounded hold without hash_slots_).
  std::optional<HostSlots::Hold> HashSlot();
  // The address the limits key a request by.
  std::string ClientKey(const Request& request) const;

  AccountSettings settings_;
  AccountStore* accounts_;
  const PasswordHasher* hasher_;
  HostSlots* hash_slots_;
  AuthGate* gate_;
  RateLimiter* limiter_;
  Clock clock_;
};

// The error of a login or signup that found every hashing slot taken: kUnavailable (503, which
// says Retry-After: 1).
Error HashingBusy();

}  // namespace shortener

#endif  // SHORTENER_ACCOUNTS_API_H_
