// Account handlers: users sign up and log in with Argon2id-hashed passwords, and hold login
// tokens and API keys that are stored only as digests.
#include "api/accounts_api.h"

#include "base/ascii.h"
#include "base/log.h"
#include "base/terminal_text.h"
#include "domain/timefmt.h"
#include "http/json_body.h"
#include "http/respond.h"

namespace shortener {

namespace {

constexpr size_t kMinUsername = 3;
constexpr size_t kMaxUsername = 32;
constexpr size_t kMaxEmail = 254;
constexpr size_t kMaxEmailLocalPart = 64;  // RFC 5321 section 4.5.3.1.1
constexpr size_t kMinPassword = 8;
constexpr size_t kMaxPassword = 1024;
constexpr size_t kMaxKeyName = 100;

// Secrets in a response must not be kept by caches or proxies (RFC 6749 section 5.1).
Response NoStore(Response response) {
  response.AddHeader("Cache-Control", "no-store");
  return response;
}

Response WithRateLimitHeaders(const RateDecision& decision, Response response) {
  AddRateLimitHeaders(decision, &response);
  return response;
}

nlohmann::ordered_json KeyJson(const ApiKeyInfo& key) {
  nlohmann::ordered_json json = {
      {"id", key.id}, {"name", key.name}, {"created_at", FormatIso8601(key.created_at)}};
  return json;
}

}  // namespace

Status CheckUsername(std::string_view username) {
  bool ok = username.size() >= kMinUsername && username.size() <= kMaxUsername;
  for (char c : username) {
    if (!IsAsciiAlnum(c) && c != '_' && c != '.' && c != '-') ok = false;
  }
  if (!ok) {
    return Error::Validation("username",
                             "username must be 3 to 32 characters of A-Z, a-z, 0-9, _, . and -.");
  }
  return Status::Ok();
}

std::string CanonicalUsername(std::string_view username) {
  return ToLowerAscii(TrimBlanks(username));
}

Status CheckEmail(std::string_view email) {
  Error bad = Error::Validation("email",
                                "email must be an address like name@example.com, at "
                                "most 254 bytes.");
  if (email.size() > kMaxEmail) return bad;
  // Plausible, not RFC 5322 in full: one local part and one dotted domain, no spaces or control
  // characters anywhere. Whether it receives mail only a mail could tell.
  for (char c : email) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return bad;
  }
  size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > kMaxEmailLocalPart) return bad;
  std::string_view domain = email.substr(at + 1);
  if (domain.empty() || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find("..") != std::string_view::npos) {
    return bad;
  }
  for (char c : domain) {
    // The domain is an ASCII hostname or an internationalised one in UTF-8.
    if (c == '@' || c == '[' || c == ']' || c == '"' || c == ',' || c == ';') return bad;
  }
  return Status::Ok();
}

Status CheckPassword(std::string_view password) {
  if (password.size() < kMinPassword || password.size() > kMaxPassword) {
    return Error::Validation("password", "password must be 8 to 1024 bytes.");
  }
  return Status::Ok();
}

Status CheckKeyName(std::string_view name) {
  if (name.size() > kMaxKeyName)
    return Error::Validation("name", "name must be at most 100 bytes.");
  if (HasControlCharacter(name)) {
    return Error::Validation("name", "name must not hold control characters.");
  }
  return Status::Ok();
}

Response HashingBusy() {
  Response response = ErrorResponse(
      Error::Make(ErrorCode::kUnavailable, "Too many logins at once; try again in a second."));
  response.AddHeader("Retry-After", "1");
  return response;
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
  router->Add("POST", "/api/v1/api-keys", S::kTolerant,
              [this](const Request& r, const std::string&) { return CreateApiKey(r); });
  router->Add("GET", "/api/v1/api-keys", S::kTolerant,
              [this](const Request& r, const std::string&) { return ListApiKeys(r); });
  router->Add("DELETE", "/api/v1/api-keys/{id}", S::kStrict,
              [this](const Request& r, const std::string& id) { return DeleteApiKey(r, id); });
}

Response AccountsApi::Signup(const Request& request) {
  if (!settings_.signup_open) {
    return ErrorResponse(Error::Make(ErrorCode::kForbidden,
                                     "Signup is closed; ask the administrator for an account."));
  }
  RateDecision decision = limiter_->Hit("signup", ClientKey(request), settings_.signup_limit);
  if (!decision.allowed) return RateLimitedResponse(decision);
  Response response = CreateUser(request);
  AddRateLimitHeaders(decision, &response);
  return response;
}

Response AccountsApi::CreateUser(const Request& request) {
  Result<nlohmann::ordered_json> body = ReadJsonObject(request, /*empty_ok=*/false);
  if (!body.ok()) return ErrorResponse(body.error());
  Result<std::string> username = RequiredString(body.value(), "username");
  if (!username.ok()) return ErrorResponse(username.error());
  Result<std::string> email = RequiredString(body.value(), "email");
  if (!email.ok()) return ErrorResponse(email.error());
  Result<std::string> password = RequiredString(body.value(), "password");
  if (!password.ok()) return ErrorResponse(password.error());
  for (const Status& check : {CheckUsername(username.value()), CheckEmail(email.value()),
                              CheckPassword(password.value())}) {
    if (!check.ok()) return ErrorResponse(check.error());
  }
  std::optional<HostSlots::Hold> slot = HashSlot();
  if (!slot) return HashingBusy();
  Result<std::string> hash = hasher_->Hash(password.value());
  slot.reset();
  if (!hash.ok()) {
    Log(Severity::kError, "signup: %s", hash.error().message.c_str());
    return ErrorResponse(Error::Make(ErrorCode::kInternal, "Internal error."));
  }
  NewUser user;
  user.username = username.value();
  user.email = email.value();
  user.password_hash = std::move(hash.value());
  user.now = clock_();
  Result<User> created = accounts_->CreateUser(user);
  if (!created.ok()) return ErrorResponse(created.error());
  const User& u = created.value();
  return JsonResponse(201, {{"ok", true},
                            {"user",
                             {{"id", u.id},
                              {"username", u.username},
                              {"email", u.email},
                              {"created_at", FormatIso8601(u.created_at)}}}});
}

Response AccountsApi::Login(const Request& request) {
  const std::string client = ClientKey(request);
  // Every attempt, before anything costs work: random usernames and sprayed passwords are
  // bounded per address as surely as guesses at one account.
  RateDecision shown = limiter_->Hit("login", client, settings_.login_limit);
  if (!shown.allowed) return RateLimitedResponse(shown);
  Result<nlohmann::ordered_json> body = ReadJsonObject(request, /*empty_ok=*/false);
  if (!body.ok()) return WithRateLimitHeaders(shown, ErrorResponse(body.error()));
  Result<std::string> username = RequiredString(body.value(), "username");
  if (!username.ok()) return WithRateLimitHeaders(shown, ErrorResponse(username.error()));
  Result<std::string> password = RequiredString(body.value(), "password");
  if (!password.ok()) return WithRateLimitHeaders(shown, ErrorResponse(password.error()));
  // Counted first and refunded unless the answer is a 401, so that N concurrent guesses cannot
  // all pass a check made before any of them counted.
  const std::string subject = client + "|" + CanonicalUsername(username.value());
  RateDecision failures = limiter_->Hit("login_fail", subject, settings_.login_fail_limit);
  if (!failures.allowed) return RateLimitedResponse(failures);
  Response response = CheckLogin(username.value(), password.value());
  if (response.status() != 401) {
    failures = limiter_->Refund("login_fail", subject, settings_.login_fail_limit);
  }
  return WithRateLimitHeaders(Tighter(shown, failures), std::move(response));
}

Response AccountsApi::CheckLogin(const std::string& username, const std::string& password) {
  const Error refused = Error::Make(ErrorCode::kUnauthorized, "Username or password is not right.");
  // A name signup would refuse names nobody; MariaDB's PAD SPACE collations would still find
  // "alice" for "alice   ". Nothing to look up, and no timing to even out: what such a name
  // could reveal, the signup rules say anyway.
  if (!CheckUsername(username).ok()) return ErrorResponse(refused);
  // Bounded before any work: Argon2 takes a password of any length, and a megabyte one would
  // cost its hashing pass for nothing.
  if (password.size() > kMaxPassword) {
    return ErrorResponse(Error::Validation("password", "password must be at most 1024 bytes."));
  }
  Result<User> user = accounts_->FindUser(username);
  if (!user.ok() && user.error().code != ErrorCode::kNotFound) return ErrorResponse(user.error());
  std::optional<HostSlots::Hold> slot = HashSlot();
  if (!slot) return HashingBusy();
  if (!user.ok()) {
    hasher_->VerifyNobody(password);
    return ErrorResponse(refused);
  }
  const User& u = user.value();
  if (!hasher_->Verify(u.password_hash, password)) return ErrorResponse(refused);
  if (hasher_->NeedsRehash(u.password_hash)) {
    Result<std::string> fresh = hasher_->Hash(password);
    // Best effort: the login itself succeeded, and the next one tries again.
    if (fresh.ok()) {
      accounts_->SetPasswordHash(u.id, fresh.value(), EndAccess::kNothing);
    }
  }
  slot.reset();
  std::string token = NewSecret(SecretKind::kLoginToken);
  int64_t now = clock_();
  Status stored = accounts_->AddToken(SecretDigest(token), u.id, now, now + settings_.token_ttl);
  if (!stored.ok()) return ErrorResponse(stored.error());
  return NoStore(JsonResponse(200, {{"ok", true},
                                    {"access_token", token},
                                    {"token_type", "bearer"},
                                    {"expires_in", settings_.token_ttl}}));
}

Response AccountsApi::Logout(const Request& request) {
  Result<Principal> who = gate_->Check(request, AuthMode::kTokenOnly);
  if (!who.ok()) return ErrorResponse(who.error());
  Result<nlohmann::ordered_json> body = ReadJsonObject(request, /*empty_ok=*/true);
  if (!body.ok()) return ErrorResponse(body.error());
  // Check() accepted the header, so it holds a well-formed bearer credential.
  std::string_view token = *BearerCredential(request.authorization);
  Status deleted = accounts_->DeleteToken(SecretDigest(token));
  if (!deleted.ok()) return ErrorResponse(deleted.error());
  return Response(204);
}

Response AccountsApi::CreateApiKey(const Request& request) {
  Result<Principal> who = gate_->Check(request, AuthMode::kTokenOnly);
  if (!who.ok()) return ErrorResponse(who.error());
  Result<nlohmann::ordered_json> body = ReadJsonObject(request, /*empty_ok=*/true);
  if (!body.ok()) return ErrorResponse(body.error());
  Result<std::optional<std::string>> name = OptionalString(body.value(), "name");
  if (!name.ok()) return ErrorResponse(name.error());
  std::string label = name.value().value_or("");
  Status label_ok = CheckKeyName(label);
  if (!label_ok.ok()) return ErrorResponse(label_ok.error());
  std::string key = NewSecret(SecretKind::kApiKey);
  Result<ApiKeyInfo> stored =
      accounts_->AddApiKey(who.value().user_id, label, SecretDigest(key), clock_());
  if (!stored.ok()) return ErrorResponse(stored.error());
  nlohmann::ordered_json data = KeyJson(stored.value());
  data["key"] = key;
  return NoStore(JsonResponse(201, {{"ok", true}, {"data", std::move(data)}}));
}

Response AccountsApi::ListApiKeys(const Request& request) {
  Result<Principal> who = gate_->Check(request, AuthMode::kTokenOnly);
  if (!who.ok()) return ErrorResponse(who.error());
  Result<std::vector<ApiKeyInfo>> keys = accounts_->ListApiKeys(who.value().user_id);
  if (!keys.ok()) return ErrorResponse(keys.error());
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ApiKeyInfo& key : keys.value()) {
    nlohmann::ordered_json item = KeyJson(key);
    item["last_used_at"] = key.last_used_at
                               ? nlohmann::ordered_json(FormatIso8601(*key.last_used_at))
                               : nlohmann::ordered_json(nullptr);
    list.push_back(std::move(item));
  }
  return JsonResponse(200, {{"ok", true}, {"data", {{"api_keys", std::move(list)}}}});
}

Response AccountsApi::DeleteApiKey(const Request& request, const std::string& id) {
  Result<Principal> who = gate_->Check(request, AuthMode::kTokenOnly);
  if (!who.ok()) return ErrorResponse(who.error());
  const Error missing = Error::Make(ErrorCode::kNotFound, "API key not found.");
  // Ids are AUTO_INCREMENT numbers; anything else names no key.
  if (id.empty() || id.size() > 19 || id.find_first_not_of("0123456789") != std::string::npos) {
    return ErrorResponse(missing);
  }
  std::optional<uint64_t> owner;
  if (!who.value().is_admin) owner = who.value().user_id;
  Status deleted = accounts_->DeleteApiKey(owner, std::stoull(id));
  if (!deleted.ok()) {
    return ErrorResponse(deleted.error().code == ErrorCode::kNotFound ? missing : deleted.error());
  }
  return Response(204);
}

}  // namespace shortener
