// Unit tests of src/api/accounts_api.h: the signup rules of API.md, and the login's limits and
// hashing slots over fakes of the store and the cache.
#include "api/accounts_api.h"

#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http/respond.h"
#include "unused_accounts.h"

namespace shortener {
namespace {

// The cheapest costs libargon2 and the config allow: the tests are about counting, not cost.
const PasswordCosts kCheap = {8192, 1, 1};

// User alice (id 1) with password "right password"; counts lookups and issued tokens.
class Accounts : public UnusedAccounts {
 public:
  explicit Accounts(const PasswordHasher& hasher) : hash_(hasher.Hash("right password").value()) {}
  Result<User> FindUser(const std::string& username) override {
    ++lookups;
    std::string key = username;
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    // Exact, as the VARBINARY key column compares: "alice   " is nobody.
    if (key != "alice") return Error::Make(ErrorCode::kNotFound, "none");
    User user;
    user.id = 1;
    user.username = "alice";
    user.password_hash = hash_;
    user.disabled_at = disabled_at;
    return user;
  }
  Status AddToken(const std::string&, uint64_t, const std::string& password_hash, int64_t,
                  int64_t) override {
    ++tokens;
    // As the store: only under the hash the login verified.
    if (password_hash != hash_) return Error::Make(ErrorCode::kUnauthorized, "changed");
    return Status::Ok();
  }
  int lookups = 0;
  int tokens = 0;
  std::optional<int64_t> disabled_at;  // set: alice is disabled (shortener-admin user disable)

 private:
  std::string hash_;
};

// Counters with memcached's semantics, never expiring (the tests stay inside one window).
class Counters : public Cache {
 public:
  std::optional<std::string> Get(const std::string&) override { return std::nullopt; }
  void Add(const std::string&, const std::string&, int64_t) override {}
  void Set(const std::string&, const std::string&, int64_t) override {}
  std::optional<uint64_t> Increment(const std::string& key, uint64_t initial, int64_t) override {
    auto it = values.find(key);
    if (it == values.end()) return values[key] = initial;
    return ++it->second;
  }
  std::optional<uint64_t> Decrement(const std::string& key) override {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return --it->second;
  }
  void Delete(const std::string& key) override { values.erase(key); }
  bool Alive() override { return true; }
  std::map<std::string, uint64_t> values;
};

// An AccountsApi over the fakes, its hashing slots in a private lock file.
struct Login {
  explicit Login(AccountSettings settings = {}) {
    char dir_template[] = "/tmp/accounts-api-test-XXXXXX";
    dir = mkdtemp(dir_template);
    slots = std::make_unique<HostSlots>(dir + "/slots.lock", 1);
    api = std::make_unique<AccountsApi>(settings, &accounts, &hasher, slots.get(), &gate, &limiter,
                                        [] { return int64_t{1795348800}; });
  }
  ~Login() {
    unlink((dir + "/slots.lock").c_str());
    rmdir(dir.c_str());
  }
  Response As(const std::string& username, const std::string& password) {
    Request request;
    request.method = "POST";
    request.path = "/url/login";
    request.content_type = "application/json";
    request.remote_addr = "192.0.2.7";
    request.body = nlohmann::json{{"username", username}, {"password", password}}.dump();
    return AnswerOf(api->Login(request));
  }
  std::string Remaining(const Response& r) {
    const std::string* value = r.FindHeader("RateLimit-Remaining");
    return value ? *value : "none";
  }

  std::string dir;
  PasswordHasher hasher{kCheap};
  Accounts accounts{hasher};
  Counters cache;
  RateLimiter limiter{&cache, [] { return int64_t{1795348800}; }};
  AuthGate gate{&accounts, [] { return int64_t{1795348800}; }, "http://localhost:8000"};
  std::unique_ptr<HostSlots> slots;
  std::unique_ptr<AccountsApi> api;
};

AccountSettings Limits(RateLimit fail, RateLimit attempts) {
  AccountSettings settings;
  settings.login_fail_limit = fail;
  settings.login_limit = attempts;
  return settings;
}

// "ok", or the field of the validation error.
std::string Verdict(const Status& status) {
  if (status.ok()) return "ok";
  if (status.error().code != ErrorCode::kValidation) return "not a validation error";
  return status.error().field;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(accounts_api)

BOOST_AUTO_TEST_CASE(usernames) {
  struct Case {
    std::string name;
    bool ok;
  } cases[] = {
      {"abc", true},
      {"a.b-c_d", true},
      {std::string(32, 'x'), true},
      {"ab", false},
      {std::string(33, 'x'), false},
      {"", false},
      {"has space", false},
      {"semi;colon", false},
      {"caf\xc3\xa9", false},
      {std::string("nul\0x", 5), false},
      {"slash/", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("'" << c.name << "'") {
      BOOST_TEST(Verdict(CheckUsername(c.name)) == (c.ok ? "ok" : "username"));
    }
  }
}

BOOST_AUTO_TEST_CASE(emails) {
  const std::string local64(64, 'l');
  const std::string long_domain = std::string(250, 'd') + ".example";
  struct Case {
    std::string email;
    bool ok;
  } cases[] = {
      {"a@example.org", true},
      {"first.last+tag@sub.example.co.uk", true},
      {"\xc3\xbcser@b\xc3\xbc\x63her.example", true},
      {local64 + "@example.org", true},
      {local64 + "l@example.org", false},
      {"a@" + long_domain, false},  // over 254 bytes
      {"", false},
      {"no-at.example.org", false},
      {"@example.org", false},
      {"a@", false},
      {"a@localhost", false},
      {"a@.example.org", false},
      {"a@example.org.", false},
      {"a@example..org", false},
      {"a b@example.org", false},
      {"a@exa mple.org", false},
      {"a@example.org\n", false},
      {"a\t@example.org", false},
      {"a@[127.0.0.1]", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("'" << c.email << "'") {
      BOOST_TEST(Verdict(CheckEmail(c.email)) == (c.ok ? "ok" : "email"));
    }
  }
}

BOOST_AUTO_TEST_CASE(passwords) {
  BOOST_TEST(Verdict(CheckPassword("12345678")) == "ok");
  BOOST_TEST(Verdict(CheckPassword(std::string(1024, 'p'))) == "ok");
  BOOST_TEST(Verdict(CheckPassword("1234567")) == "password");
  BOOST_TEST(Verdict(CheckPassword("")) == "password");
  BOOST_TEST(Verdict(CheckPassword(std::string(1025, 'p'))) == "password");
}

BOOST_AUTO_TEST_CASE(key_names) {
  BOOST_TEST(Verdict(CheckKeyName("")) == "ok");
  BOOST_TEST(Verdict(CheckKeyName("ci script \xe2\x98\xba")) == "ok");
  BOOST_TEST(Verdict(CheckKeyName(std::string(100, 'n'))) == "ok");
  BOOST_TEST(Verdict(CheckKeyName(std::string(101, 'n'))) == "name");
  BOOST_TEST(Verdict(CheckKeyName("\x1b]0;pwned\x07")) == "name");
  BOOST_TEST(Verdict(CheckKeyName("two\nlines")) == "name");
  BOOST_TEST(Verdict(CheckKeyName("c1 \xc2\x9b")) == "name");
  BOOST_TEST(Verdict(CheckKeyName("bad \xff")) == "name");
}

// Issue 10, point 5: "alice   " found alice under PAD SPACE and had counters of its own.
BOOST_AUTO_TEST_CASE(padded_and_cased_usernames_share_one_failure_count) {
  BOOST_TEST(CanonicalUsername(" Alice\t ") == "alice");
  Login login(Limits({3, 900}, {1000, 60}));
  // Names signup would refuse are refused without a lookup, even with the right password...
  BOOST_TEST(login.As("alice   ", "right password").status() == 401);
  BOOST_TEST(login.accounts.lookups == 0);
  // ...and counted as alice's failures, as are other spellings of her name.
  Response third = login.As("ALICE", "wrong password");
  BOOST_TEST(third.status() == 401);
  BOOST_TEST(login.Remaining(third) == "1");
  BOOST_TEST(login.As(" alice", "right password").status() == 401);
  BOOST_TEST(login.As("alice", "right password").status() == 429);
  BOOST_TEST(login.As("alice       ", "right password").status() == 429);
  BOOST_TEST(login.accounts.tokens == 0);
}

// Issue 10, point 21: a disabled user's right password gets exactly a wrong password's answer,
// counts as a failure, and issues no token.
BOOST_AUTO_TEST_CASE(a_disabled_user_is_refused_like_a_wrong_password) {
  Login login(Limits({5, 900}, {1000, 60}));
  Response wrong = login.As("alice", "wrong password");
  login.accounts.disabled_at = 1795348000;
  Response disabled = login.As("alice", "right password");
  BOOST_TEST(disabled.status() == 401);
  BOOST_TEST(disabled.body() == wrong.body());
  BOOST_TEST(login.Remaining(disabled) == "3");  // counted like the wrong one before it
  BOOST_TEST(login.accounts.tokens == 0);
  login.accounts.disabled_at.reset();
  BOOST_TEST(login.As("alice", "right password").status() == 200);
  BOOST_TEST(login.accounts.tokens == 1);
}

BOOST_AUTO_TEST_CASE(failures_are_counted_first_and_refunded_on_success) {
  Login login(Limits({2, 900}, {1000, 60}));
  for (int i = 0; i < 5; ++i) {
    Response ok = login.As("alice", "right password");
    BOOST_TEST(ok.status() == 200);
    BOOST_TEST(login.Remaining(ok) == "2");  // the success took nothing from the window
  }
  // A check that finds the count over the limit has counted the attempt already: two
  // attempts in flight at once leave no room for a third, whatever their outcome.
  login.limiter.Hit("login_fail", "192.0.2.7|alice", {2, 900});
  login.limiter.Hit("login_fail", "192.0.2.7|alice", {2, 900});
  BOOST_TEST(login.As("alice", "right password").status() == 429);
  BOOST_TEST(login.accounts.tokens == 5);
}

BOOST_AUTO_TEST_CASE(every_attempt_counts_per_address_before_any_hashing) {
  Login login(Limits({1000, 900}, {3, 60}));
  BOOST_TEST(login.As("nobody_1", "x").status() == 401);
  BOOST_TEST(login.As("nobody_2", "x").status() == 401);
  Response last = login.As("alice", "right password");
  BOOST_TEST(last.status() == 200);
  BOOST_TEST(login.Remaining(last) == "0");  // the tighter of the two limits
  const int lookups = login.accounts.lookups;
  Response refused = login.As("alice", "right password");
  BOOST_TEST(refused.status() == 429);
  BOOST_TEST(refused.FindHeader("Retry-After") != nullptr);
  BOOST_TEST(login.accounts.lookups == lookups);
}

BOOST_AUTO_TEST_CASE(no_free_hashing_slot_is_a_503_and_no_failure) {
  Login login(Limits({1, 900}, {1000, 60}));
  HostSlots other(login.dir + "/slots.lock", 1);
  std::optional<HostSlots::Hold> busy = other.Acquire(0);
  BOOST_REQUIRE(busy.has_value());
  for (int i = 0; i < 3; ++i) {
    Response r = login.As("alice", "wrong password");
    BOOST_TEST(r.status() == 503);
    BOOST_TEST(*r.FindHeader("Retry-After") == "1");
    int retry_after = 0;  // once: the 503's own, not a second copy
    for (const auto& header : r.headers()) retry_after += header.first == "Retry-After";
    BOOST_TEST(retry_after == 1);
  }
  busy.reset();
  // Not counted as failures: the limit of 1 is still whole.
  BOOST_TEST(login.As("alice", "right password").status() == 200);
}

BOOST_AUTO_TEST_CASE(closed_signup_is_forbidden) {
  AccountSettings settings;
  settings.signup_open = false;
  Login login(settings);
  Request request;
  request.method = "POST";
  request.content_type = "application/json";
  request.body = R"({"username": "newbie", "email": "n@example.org", "password": "long enough"})";
  Response r = AnswerOf(login.api->Signup(request));
  BOOST_TEST(r.status() == 403);
  BOOST_TEST(r.body().find("\"forbidden\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
