// The auth gate of API.md: who a request acts for, from its bearer token or API key.
#ifndef SHORTENER_AUTH_GATE_H_
#define SHORTENER_AUTH_GATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/error.h"
#include "domain/store.h"
#include "http/http.h"

namespace shortener {

// What an endpoint accepts: API.md's "auth" (a login token or an API key) or "auth (bearer)"
// (a login token only: keys cannot mint keys or end sessions).
enum class AuthMode { kTokenOrKey, kTokenOnly };

class AuthGate {
 public:
  // Borrows `accounts`, which must outlive this object. `public_base_url` is the service's own
  // origin for the session cookie's CSRF rule, and makes the cookie Secure when it is https.
  AuthGate(AccountStore* accounts, Clock clock, std::string_view public_base_url);

  // The principal of `request`. An Authorization header, when present, decides alone (a bad
  // token is not rescued by a good key); then X-API-Key; then the browser session cookie, a
  // login token like a bearer one. A request authenticated by the cookie that is not GET, HEAD
  // or OPTIONS must come from the service's own origin (FromOrigin: Origin, else Referer), else
  // kForbidden: another site's form or script cannot act with a visitor's session. Errors:
  // kUnauthorized when no credential is given or the one given is malformed, unknown, expired or
  // revoked (one answer for all, so a caller learns nothing about which); kForbidden for an API key
  // where `mode` is kTokenOnly; kUnavailable when the database is down. Each check is one indexed
  // read, so a logout or revocation on any instance is seen by the next request.
  Result<Principal> Check(const Request& request, AuthMode mode);

  // The principal of an API key given some other way than the X-API-Key header (the YOURLS
  // API's `signature` parameter): the errors of Check for a key, and the answer is marked as
  // depending on a credential, as Check marks it.
  Result<Principal> CheckApiKey(std::string_view key);
  // Marks the current answer as depending on a credential that was checked elsewhere (a
  // username and password in a request's parameters), so FinishResponse treats it as Check's.
  void MarkConsulted();

  // Brackets one request (App::Dispatch): StartRequest before its handler runs, FinishResponse
  // on its answer. An answer whose handler called Check (every endpoint marked auth in API.md,
  // errors included) depends on the credential: it gets Cache-Control: no-store (replacing any
  // other) and the credential headers added to Vary (kCredentialHeaders), so that no shared
  // cache keeps one user's answer or gives it to another. An error answered without that check
  // (an unknown path, a method the path does not take) to a request that carries an
  // Authorization or X-API-Key header is still an answer to an authenticated request (API.md):
  // it gets Cache-Control: no-store too. Other answers are left as they are (a redirect keeps
  // its own Cache-Control whatever headers came with it).
  void StartRequest() { consulted_ = false; }
  void FinishResponse(const Request& request, Response* response) const;

  // The Set-Cookie values of a session with `token` for `max_age` seconds, and of its end.
  std::string SessionCookieFor(std::string_view token, int64_t max_age) const;
  std::string EndedSessionCookie() const;

 private:
  AccountStore* accounts_;
  Clock clock_;
  std::string own_origin_;
  bool secure_cookie_;
  bool consulted_ = false;  // Check ran since StartRequest
};

// The request headers a credential comes in, as Vary names them.
extern const char kCredentialHeaders[];

// The login token `request` carries: its bearer credential when it sends Authorization, else
// its session cookie's value unless it sends X-API-Key; nullopt when it carries none.
std::optional<std::string_view> LoginToken(const Request& request);

// The credential of an "Authorization: Bearer <token>" header value (scheme in any case,
// RFC 9110 section 11.1), or nullopt for another scheme or a malformed value.
std::optional<std::string_view> BearerCredential(std::string_view authorization);

// The 401 every failed check answers with.
Error Unauthorized();

}  // namespace shortener

#endif  // SHORTENER_AUTH_GATE_H_
