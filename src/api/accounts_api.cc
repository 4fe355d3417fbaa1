// Account handlers: users sign up and log in with Argon2id-hashed passwords, and hold login
// tokens and API keys that are stored only as digests.
#include "api/accounts_api.h"

#include "base/decimal.h"
#include "base/log.h"
#include "domain/timefmt.h"
#include "http/json_body.h"
#include "http/respond.h"

namespace shortener {

namespace {

// Secrets in a response must not be kept by caches or proxies (RFC 6749 section 5.1).
Response NoStore(Response response) {
  response.AddHeader("Cache-Control", "no-store");
  return response;
}

nlohmann::ordered_json KeyJson(const ApiKeyInfo& key) {
  nlohmann::ordered_json json = {
      {"id", key.id}, {"name", key.name}, {"created_at", FormatIso8601(key.created_at)}};
  return json;
}

}  // namespace

Error HashingBusy() {
  return Error::Make(ErrorCode::kUnavailable, "Too many logins at once; try again in a second.");
}

AccountsApi::AccountsApi(AccountSettings settings, AccountStore* accounts,
                         const PasswordHasher* hasher, HostSlots* hash_slots, AuthGate* gate,
                         RateLimiter* limiter, Clock clock)
    : settings_(std::move(settings)),
      accounts_(accounts),
      hasher_(hasher),
      hash_slots_(hash_slots),
      gate_(gate),
      limiter_(limiter),
      clock_(std::move(clock)) {}

std::optional<HostSlots::Hold> AccountsApi::HashSlot() {
  if (hash_slots_ == nullptr) return HostSlots::Hold::Unbounded();
  return hash_slots_->Acquire(kHashSlotWaitMs);
}

std::string AccountsApi::ClientKey(const Request& request) const {
  return shortener::ClientKey(request, settings_.trusted_proxies);
}

void AccountsApi::Register(Router* router) {
  using S = Router::Slash;
  router->Add("POST", "/url/signup", S::kTolerant,
              [this](const Request& r, const std::string&) { return Signup(r); });
  router->Add("POST", "/url/login", S::kTolerant,
              [this](const Request& r, const std::string&) { return Login(r); });
  router->Add("POST", "/url/logout", S::kTolerant,
              [this](const Request& r, const std::string&) { return Logout(r); });
  router->Add("POST", "/url/password", S::kTolerant,
              [this](const Request& r, const std::string&) { return ChangePassword(r); });
  router->Add("POST", "/api/v1/api-keys", S::kTolerant,
              [this](const Request& r, const std::string&) { return CreateApiKey(r); });
  router->Add("GET", "/api/v1/api-keys", S::kTolerant,
              [this](const Request& r, const std::string&) { return ListApiKeys(r); });
  // A key's id is no slug: "/api/v1/api-keys/12/" is "/api/v1/api-keys/12" (API.md).
  router->Add("DELETE", "/api/v1/api-keys/{id}", S::kTolerant,
              [this](const Request& r, const std::string& id) { return DeleteApiKey(r, id); });
}

Result<Response> AccountsApi::Signup(const Request& request) {
  if (!settings_.signup_open) {
    return Error::Make(ErrorCode::kForbidden,
                       "Signup is closed; ask the administrator for an account.");
  }
  RateDecision decision = limiter_->Hit("signup", ClientKey(request), settings_.signup_limit);
  if (!decision.allowed) return RateLimited(decision);
  return WithRateLimitHeaders(decision, CreateUser(request));
}

Result<Response> AccountsApi::CreateUser(const Request& request) {
  ASSIGN_OR_RETURN(const nlohmann::ordered_json body, ReadJsonObject(request, /*empty_ok=*/false));
  ASSIGN_OR_RETURN(std::string username, RequiredString(body, "username"));
  ASSIGN_OR_RETURN(std::string email, RequiredString(body, "email"));
  ASSIGN_OR_RETURN(std::string password, RequiredString(body, "password"));
  RETURN_IF_ERROR(CheckUsername(username));
  RETURN_IF_ERROR(CheckEmail(email));
  RETURN_IF_ERROR(CheckPassword(password));
  std::optional<HostSlots::Hold> slot = HashSlot();
  if (!slot) return HashingBusy();
  Result<std::string> hash = hasher_->Hash(password);
  slot.reset();
  if (!hash.ok()) {
    Log(Severity::kError, "signup: %s", hash.error().message.c_str());
    return Error::Make(ErrorCode::kInternal, "Internal error.");
  }
  NewUser user;
  user.username = username;
  user.email = email;
  user.password_hash = std::move(hash).value();
  user.now = clock_();
  ASSIGN_OR_RETURN(User u, accounts_->CreateUser(user));
  return JsonResponse(201, {{"ok", true},
                            {"user",
                             {{"id", u.id},
                              {"username", u.username},
                              {"email", u.email},
                              {"created_at", FormatIso8601(u.created_at)}}}});
}

Result<AccountsApi::Credentials> AccountsApi::ReadCredentials(const Request& request) {
  ASSIGN_OR_RETURN(const nlohmann::ordered_json body, ReadJsonObject(request, /*empty_ok=*/false));
  Credentials credentials;
  ASSIGN_OR_RETURN(credentials.username, RequiredString(body, "username"));
  ASSIGN_OR_RETURN(credentials.password, RequiredString(body, "password"));
  ASSIGN_OR_RETURN(std::optional<bool> session, OptionalBool(body, "session"));
  credentials.session = session.value_or(false);
  return credentials;
}

Result<Response> AccountsApi::Login(const Request& request) {
  const std::string client = ClientKey(request);
  // Every attempt, before anything costs work: random usernames and sprayed passwords are
  // bounded per address as surely as guesses at one account.
  RateDecision shown = limiter_->Hit("login", client, settings_.login_limit);
  if (!shown.allowed) return RateLimited(shown);
  Result<Credentials> credentials = ReadCredentials(request);
  if (!credentials.ok()) return WithRateLimitHeaders(shown, credentials.error());
  const Credentials& given = credentials.value();
  RateDecision decision = shown;
  Result<User> user =
      VerifyUnderFailLimit(client, shown, given.username, given.password, &decision);
  if (!user.ok() && user.error().code == ErrorCode::kRateLimited) return user.error();
  if (!user.ok()) return WithRateLimitHeaders(decision, user.error());
  return WithRateLimitHeaders(decision, IssueToken(user.value(), given.session));
}

Result<User> AccountsApi::CheckPasswordLimited(const Request& request, const std::string& username,
                                               const std::string& password) {
  const std::string client = ClientKey(request);
  RateDecision shown = limiter_->Hit("login", client, settings_.login_limit);
  if (!shown.allowed) return RateLimited(shown);
  RateDecision decision = shown;
  return VerifyUnderFailLimit(client, shown, username, password, &decision);
}

Result<User> AccountsApi::VerifyUnderFailLimit(const std::string& client, const RateDecision& shown,
                                               const std::string& username,
                                               const std::string& password,
                                               RateDecision* decision) {
  // Counted first and refunded unless the answer is a 401, so that N concurrent guesses cannot
  // all pass a check made before any of them counted.
  const std::string subject = client + "|" + CanonicalUsername(username);
  RateDecision failures = limiter_->Hit("login_fail", subject, settings_.login_fail_limit);
  if (!failures.allowed) return RateLimited(failures);
  Result<User> user = VerifyPassword(username, password);
  if (user.ok() || user.error().code != ErrorCode::kUnauthorized) {
    failures = limiter_->Refund("login_fail", subject, settings_.login_fail_limit);
  }
  *decision = Tighter(shown, failures);
  return user;
}

Result<User> AccountsApi::VerifyPassword(const std::string& username, const std::string& password) {
  const Error refused = Error::Make(ErrorCode::kUnauthorized, "Username or password is not right.");
  // A name signup would refuse names nobody; MariaDB's PAD SPACE collations would still find
  // "alice" for "alice   ". Nothing to look up, and no timing to even out: what such a name
  // could reveal, the signup rules say anyway.
  if (!CheckUsername(username).ok()) return refused;
  // Bounded before any work: Argon2 takes a password of any length, and a megabyte one would
  // cost its hashing pass for nothing.
  if (password.size() > kMaxPasswordBytes) {
    return Error::Validation("password", "password must be at most 1024 bytes.");
  }
  Result<User> user = accounts_->FindUser(username);
  if (!user.ok() && user.error().code != ErrorCode::kNotFound) return user.error();
  std::optional<HostSlots::Hold> slot = HashSlot();
  if (!slot) return HashingBusy();
  if (!user.ok()) {
    hasher_->VerifyNobody(password);
    return refused;
  }
  const User& u = user.value();
  // A disabled user is refused after the same hashing pass, with the same answer: neither the
  // status, the body nor the time taken tells a disabled account from a wrong password.
  if (!hasher_->Verify(u.password_hash, password) || u.disabled_at) return refused;
  if (hasher_->NeedsRehash(u.password_hash)) {
    Result<std::string> fresh = hasher_->Hash(password);
    // Best effort: the login itself succeeded, and the next one tries again. Stored, the new
    // hash is the one the login's token is issued under (AddToken checks it). (Two logins
    // rehashing at once store one hash each; the one that lost gets a 401, once per change
    // of hashing costs.)
    if (fresh.ok() && accounts_->SetPasswordHash(u.id, fresh.value(), EndAccess::kNothing).ok()) {
      User rehashed = u;
      rehashed.password_hash = std::move(fresh).value();
      return rehashed;
    }
  }
  return user;
}

Result<Response> AccountsApi::IssueToken(const User& user, bool session) {
  std::string token = NewSecret(SecretKind::kLoginToken);
  int64_t now = clock_();
  RETURN_IF_ERROR(accounts_->AddToken(SecretDigest(token), user.id, user.password_hash, now,
                                      now + settings_.token_ttl));
  Response response = NoStore(JsonResponse(200, {{"ok", true},
                                                 {"access_token", token},
                                                 {"token_type", "bearer"},
                                                 {"expires_in", settings_.token_ttl}}));
  if (session)
    response.AddHeader("Set-Cookie", gate_->SessionCookieFor(token, settings_.token_ttl));
  return response;
}

Result<Response> AccountsApi::Logout(const Request& request) {
  RETURN_IF_ERROR(gate_->Check(request, AuthMode::kTokenOnly));
  RETURN_IF_ERROR(ReadJsonObject(request, /*empty_ok=*/true));
  // Check() accepted the request's login token (a bearer header or the session cookie).
  std::string_view token = *LoginToken(request);
  RETURN_IF_ERROR(accounts_->DeleteToken(SecretDigest(token)));
  Response ended(204);
  ended.AddHeader("Set-Cookie", gate_->EndedSessionCookie());
  return ended;
}

Result<Response> AccountsApi::ChangePassword(const Request& request) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOnly));
  ASSIGN_OR_RETURN(const nlohmann::ordered_json body, ReadJsonObject(request, /*empty_ok=*/false));
  ASSIGN_OR_RETURN(std::string username, RequiredString(body, "username"));
  ASSIGN_OR_RETURN(std::string current, RequiredString(body, "current_password"));
  ASSIGN_OR_RETURN(std::string fresh, RequiredString(body, "new_password"));
  if (!CheckPassword(fresh).ok()) {
    return Error::Validation("new_password", "new_password must be 8 to 1024 bytes.");
  }
  ASSIGN_OR_RETURN(User user, CheckPasswordLimited(request, username, current));
  if (user.id != who.user_id) {
    return Error::Make(ErrorCode::kUnauthorized, "Username or password is not right.");
  }
  std::optional<HostSlots::Hold> slot = HashSlot();
  if (!slot) return HashingBusy();
  ASSIGN_OR_RETURN(std::string hash, hasher_->Hash(fresh));
  RETURN_IF_ERROR(accounts_->SetPasswordHash(user.id, hash, EndAccess::kLoginTokens));
  Response changed(204);
  changed.AddHeader("Set-Cookie", gate_->EndedSessionCookie());
  return changed;
}

Result<Response> AccountsApi::CreateApiKey(const Request& request) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOnly));
  ASSIGN_OR_RETURN(const nlohmann::ordered_json body, ReadJsonObject(request, /*empty_ok=*/true));
  ASSIGN_OR_RETURN(std::optional<std::string> name, OptionalString(body, "name"));
  std::string label = name.value_or("");
  RETURN_IF_ERROR(CheckKeyName(label));
  std::string key = NewSecret(SecretKind::kApiKey);
  ASSIGN_OR_RETURN(ApiKeyInfo stored,
                   accounts_->AddApiKey(who.user_id, label, SecretDigest(key), clock_()));
  nlohmann::ordered_json data = KeyJson(stored);
  data["key"] = key;
  return NoStore(JsonResponse(201, {{"ok", true}, {"data", std::move(data)}}));
}

Result<Response> AccountsApi::ListApiKeys(const Request& request) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOnly));
  ASSIGN_OR_RETURN(std::vector<ApiKeyInfo> keys, accounts_->ListApiKeys(who.user_id));
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ApiKeyInfo& key : keys) {
    nlohmann::ordered_json item = KeyJson(key);
    item["last_used_at"] = key.last_used_at
                               ? nlohmann::ordered_json(FormatIso8601(*key.last_used_at))
                               : nlohmann::ordered_json(nullptr);
    list.push_back(std::move(item));
  }
  return JsonResponse(200, {{"ok", true}, {"data", {{"api_keys", std::move(list)}}}});
}

Result<Response> AccountsApi::DeleteApiKey(const Request& request, const std::string& id) {
  ASSIGN_OR_RETURN(Principal who, gate_->Check(request, AuthMode::kTokenOnly));
  const Error missing = Error::Make(ErrorCode::kNotFound, "API key not found.");
  // Ids are AUTO_INCREMENT numbers; anything else names no key.
  std::optional<uint64_t> key_id = ParseDecimal(id);
  if (!key_id) return missing;
  std::optional<uint64_t> owner;
  if (!who.is_admin) owner = who.user_id;
  Status deleted = accounts_->DeleteApiKey(owner, *key_id);
  if (!deleted.ok()) {
    return deleted.error().code == ErrorCode::kNotFound ? missing : deleted.error();
  }
  return Response(204);
}

}  // namespace shortener
