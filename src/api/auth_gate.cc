// Resolving a request's bearer token or API key to a Principal.
#include "api/auth_gate.h"

#include "base/ascii.h"
#include "domain/auth.h"
#include "http/cookies.h"

namespace shortener {

const char kCredentialHeaders[] = "Authorization, X-API-Key, Cookie";

Error Unauthorized() { return Error::Make(ErrorCode::kUnauthorized, "Authentication required."); }

std::optional<std::string_view> BearerCredential(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() ||
      !EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  std::string_view rest = authorization.substr(kScheme.size());
  size_t start = rest.find_first_not_of(' ');
  if (start == 0 || start == std::string_view::npos) return std::nullopt;
  rest = rest.substr(start);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.find(' ') != std::string_view::npos) return std::nullopt;
  return rest;
}

std::optional<std::string_view> LoginToken(const Request& request) {
  if (!request.authorization.empty()) return BearerCredential(request.authorization);
  if (!request.api_key.empty()) return std::nullopt;
  return CookieValue(request.cookie, kSessionCookie);
}

namespace {

// Methods that change nothing (RFC 9110 section 9.2.1): the CSRF rule leaves them alone.
bool IsSafeMethod(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

}  // namespace

AuthGate::AuthGate(AccountStore* accounts, Clock clock, std::string_view public_base_url)
    : accounts_(accounts),
      clock_(std::move(clock)),
      own_origin_(OriginOf(public_base_url)),
      secure_cookie_(own_origin_.rfind("https://", 0) == 0) {}

std::string AuthGate::SessionCookieFor(std::string_view token, int64_t max_age) const {
  return SessionCookie(token, max_age, secure_cookie_);
}

std::string AuthGate::EndedSessionCookie() const { return ClearedSessionCookie(secure_cookie_); }

Result<Principal> AuthGate::Check(const Request& request, AuthMode mode) {
  consulted_ = true;
  Result<Principal> who = Unauthorized();
  if (!request.authorization.empty()) {
    std::optional<std::string_view> token = BearerCredential(request.authorization);
    // A malformed credential is refused here: no hashing, no database round trip.
    if (!token || !LooksLikeSecret(SecretKind::kLoginToken, *token)) return Unauthorized();
    who = accounts_->FindToken(SecretDigest(*token), clock_());
  } else if (!request.api_key.empty()) {
    if (mode == AuthMode::kTokenOnly) {
      return Error::Make(ErrorCode::kForbidden,
                         "This endpoint takes a login token (Authorization: Bearer), not an API "
                         "key.");
    }
    return CheckApiKey(request.api_key);
  } else if (std::optional<std::string_view> session = LoginToken(request)) {
    if (!LooksLikeSecret(SecretKind::kLoginToken, *session)) return Unauthorized();
    who = accounts_->FindToken(SecretDigest(*session), clock_());
    if (who.ok() && !IsSafeMethod(request.method) &&
        !FromOrigin(request.origin, request.referer, own_origin_)) {
      return Error::Make(ErrorCode::kForbidden,
                         "A request made with the session cookie must come from this service's "
                         "own pages (Origin or Referer).");
    }
  }
  if (!who.ok() && who.error().code == ErrorCode::kNotFound) return Unauthorized();
  return who;
}

Result<Principal> AuthGate::CheckApiKey(std::string_view key) {
  consulted_ = true;
  // A malformed key is refused here: no hashing, no database round trip.
  if (!LooksLikeSecret(SecretKind::kApiKey, key)) return Unauthorized();
  Result<Principal> who = accounts_->UseApiKey(SecretDigest(key), clock_());
  if (!who.ok() && who.error().code == ErrorCode::kNotFound) return Unauthorized();
  return who;
}

void AuthGate::MarkConsulted() { consulted_ = true; }

void AuthGate::FinishResponse(const Request& request, Response* response) const {
  if (!consulted_) {
    const bool credential = !request.authorization.empty() || !request.api_key.empty();
    if (credential && response->status() >= 400) response->SetHeader("Cache-Control", "no-store");
    return;
  }
  response->SetHeader("Cache-Control", "no-store");
  const std::string* vary = response->FindHeader("Vary");
  response->SetHeader("Vary", vary && !vary->empty() ? *vary + ", " + kCredentialHeaders
                                                     : std::string(kCredentialHeaders));
}

}  // namespace shortener
