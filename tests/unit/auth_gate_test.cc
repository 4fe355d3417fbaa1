// Unit tests of src/api/auth_gate.h: reading the Authorization header and the gate's answers.
#include "api/auth_gate.h"

#include <boost/test/unit_test.hpp>
#include <string>

#include "domain/auth.h"
#include "unused_accounts.h"

namespace shortener {
namespace {

const std::string kToken = NewSecret(SecretKind::kLoginToken);
const std::string kKey = NewSecret(SecretKind::kApiKey);
const char kBaseUrl[] = "https://short.example";

// One token and one key of user 7; counts the lookups that reach it.
class Accounts : public UnusedAccounts {
 public:
  Result<Principal> FindToken(const std::string& digest, int64_t now) override {
    ++lookups;
    last_now = now;
    if (down) return Error::Make(ErrorCode::kUnavailable, "down");
    if (digest == SecretDigest(kToken)) return Principal{7, false, false};
    return Error::Make(ErrorCode::kNotFound, "none");
  }
  Result<Principal> UseApiKey(const std::string& digest, int64_t) override {
    ++lookups;
    if (digest == SecretDigest(kKey)) return Principal{7, false, true};
    return Error::Make(ErrorCode::kNotFound, "none");
  }

  int lookups = 0;
  int64_t last_now = 0;
  bool down = false;
};

Request With(const std::string& authorization, const std::string& api_key = "") {
  Request request;
  request.authorization = authorization;
  request.api_key = api_key;
  return request;
}

std::string Outcome(const Result<Principal>& r) {
  if (r.ok()) return "user " + std::to_string(r.value().user_id);
  return ErrorCodeName(r.error().code);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth_gate)

BOOST_AUTO_TEST_CASE(bearer_credential_parsing) {
  struct Case {
    const char* header;
    const char* credential;  // nullptr: refused
  } cases[] = {
      {"Bearer abc", "abc"},   {"bearer abc", "abc"},  {"BEARER   abc", "abc"},
      {"Bearer abc  ", "abc"}, {"Bearer", nullptr},    {"Bearer ", nullptr},
      {"Bearerabc", nullptr},  {"Basic abc", nullptr}, {"Bearer a b", nullptr},
      {"", nullptr},           {"Token abc", nullptr}, {" Bearer abc", nullptr},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("'" << c.header << "'") {
      std::optional<std::string_view> got = BearerCredential(c.header);
      if (c.credential) {
        BOOST_TEST(got.has_value());
        if (got) BOOST_TEST(std::string(*got) == c.credential);
      } else {
        BOOST_TEST(!got.has_value());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(answers_by_credential_and_mode) {
  const std::string other_token = NewSecret(SecretKind::kLoginToken);
  const std::string other_key = NewSecret(SecretKind::kApiKey);
  struct Case {
    std::string authorization;
    std::string api_key;
    AuthMode mode;
    const char* expected;
    bool reaches_store;
  } cases[] = {
      {"", "", AuthMode::kTokenOrKey, "unauthorized", false},
      {"Bearer " + kToken, "", AuthMode::kTokenOrKey, "user 7", true},
      {"Bearer " + kToken, "", AuthMode::kTokenOnly, "user 7", true},
      {"", kKey, AuthMode::kTokenOrKey, "user 7", true},
      {"", kKey, AuthMode::kTokenOnly, "forbidden", false},
      {"Bearer " + other_token, "", AuthMode::kTokenOrKey, "unauthorized", true},
      {"", other_key, AuthMode::kTokenOrKey, "unauthorized", true},
      // Malformed: refused without a lookup.
      {"Bearer not-a-token", "", AuthMode::kTokenOrKey, "unauthorized", false},
      {"Basic dXNlcjpwYXNz", "", AuthMode::kTokenOrKey, "unauthorized", false},
      {"", "not-a-key", AuthMode::kTokenOrKey, "unauthorized", false},
      // A key where a token belongs, and a token where a key belongs.
      {"Bearer " + kKey, "", AuthMode::kTokenOrKey, "unauthorized", false},
      {"", kToken, AuthMode::kTokenOrKey, "unauthorized", false},
      // The Authorization header decides alone: a bad token is not rescued by a good key.
      {"Bearer " + other_token, kKey, AuthMode::kTokenOrKey, "unauthorized", true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("authorization '" << c.authorization << "' key '" << c.api_key << "'") {
      Accounts accounts;
      AuthGate gate(
          &accounts, [] { return int64_t{1795348800}; }, kBaseUrl);
      BOOST_TEST(Outcome(gate.Check(With(c.authorization, c.api_key), c.mode)) == c.expected);
      BOOST_TEST((accounts.lookups > 0) == c.reaches_store);
    }
  }
}

// A request carrying the session cookie, with the method and origin headers given.
Request WithSession(const std::string& method, const std::string& origin,
                    const std::string& referer, const std::string& token = kToken) {
  Request request;
  request.method = method;
  request.cookie = "theme=dark; shortener_session=" + token;
  request.origin = origin;
  request.referer = referer;
  return request;
}

BOOST_AUTO_TEST_CASE(session_cookie_counts_as_a_login_token) {
  Accounts accounts;
  AuthGate gate(
      &accounts, [] { return int64_t{1795348800}; }, kBaseUrl);
  for (const char* method : {"GET", "HEAD", "OPTIONS"}) {
    BOOST_TEST_CONTEXT(method) {
      // Reads need no origin: SameSite=Strict keeps the cookie off other sites' requests, and a
      // read changes nothing.
      BOOST_TEST(Outcome(gate.Check(WithSession(method, "", ""), AuthMode::kTokenOnly)) ==
                 "user 7");
    }
  }
  BOOST_TEST(Outcome(gate.Check(WithSession("GET", "", "", "garbage"), AuthMode::kTokenOnly)) ==
             "unauthorized");
  BOOST_TEST(Outcome(gate.Check(WithSession("GET", "", "", NewSecret(SecretKind::kLoginToken)),
                                AuthMode::kTokenOrKey)) == "unauthorized");
  // A header credential decides alone, whatever the cookie says.
  Request both = WithSession("GET", "", "");
  both.authorization = "Bearer " + NewSecret(SecretKind::kLoginToken);
  BOOST_TEST(Outcome(gate.Check(both, AuthMode::kTokenOrKey)) == "unauthorized");
  Request keyed = WithSession("DELETE", "https://evil.example", "");
  keyed.api_key = kKey;
  BOOST_TEST(Outcome(gate.Check(keyed, AuthMode::kTokenOrKey)) == "user 7");
}

BOOST_AUTO_TEST_CASE(session_cookie_changes_only_from_the_own_origin) {
  Accounts accounts;
  AuthGate gate(
      &accounts, [] { return int64_t{1795348800}; }, kBaseUrl);
  for (const char* method : {"POST", "PATCH", "DELETE", "PUT"}) {
    BOOST_TEST_CONTEXT(method) {
      BOOST_TEST(Outcome(gate.Check(WithSession(method, kBaseUrl, ""), AuthMode::kTokenOrKey)) ==
                 "user 7");
      BOOST_TEST(Outcome(gate.Check(WithSession(method, "", "https://short.example/ui/x"),
                                    AuthMode::kTokenOrKey)) == "user 7");
      for (auto [origin, referer] : {std::pair<const char*, const char*>{"", ""},
                                     {"https://evil.example", ""},
                                     {"https://evil.example", "https://short.example/ui/"},
                                     {"null", ""},
                                     {"null", "https://short.example/ui/"},
                                     {"", "https://evil.example/short.example"},
                                     {"http://short.example", ""}}) {
        BOOST_TEST_CONTEXT("origin '" << origin << "' referer '" << referer << "'") {
          BOOST_TEST(Outcome(gate.Check(WithSession(method, origin, referer),
                                        AuthMode::kTokenOrKey)) == "forbidden");
        }
      }
    }
  }
  // A bad cookie from another origin is a 401 like any bad credential, not a 403.
  BOOST_TEST(Outcome(gate.Check(WithSession("POST", "https://evil.example", "",
                                            NewSecret(SecretKind::kLoginToken)),
                                AuthMode::kTokenOrKey)) == "unauthorized");
}

BOOST_AUTO_TEST_CASE(login_token_of_a_request) {
  Request request = WithSession("POST", "", "", "from-cookie");
  BOOST_TEST(LoginToken(request).value() == "from-cookie");
  request.authorization = "Bearer from-header";
  BOOST_TEST(LoginToken(request).value() == "from-header");
  request.authorization = "Basic eDp5";
  BOOST_TEST(!LoginToken(request));
  request.authorization.clear();
  request.api_key = "k";
  BOOST_TEST(!LoginToken(request));
}

BOOST_AUTO_TEST_CASE(passes_the_clock_and_reports_an_outage_as_such) {
  Accounts accounts;
  AuthGate gate(
      &accounts, [] { return int64_t{1795348800}; }, kBaseUrl);
  BOOST_TEST(gate.Check(With("Bearer " + kToken), AuthMode::kTokenOrKey).ok());
  BOOST_TEST(accounts.last_now == 1795348800);
  accounts.down = true;
  BOOST_TEST(Outcome(gate.Check(With("Bearer " + kToken), AuthMode::kTokenOrKey)) == "unavailable");
}

BOOST_AUTO_TEST_CASE(answers_that_depended_on_a_credential_are_private) {
  Accounts accounts;
  AuthGate gate(
      &accounts, [] { return int64_t{1795348800}; }, kBaseUrl);
  // An answer whose handler asked the gate, a refusal as much as a success.
  for (const std::string& authorization : {std::string(), "Bearer " + kToken}) {
    BOOST_TEST_CONTEXT("authorization '" << authorization << "'") {
      gate.StartRequest();
      // Refused or not, what counts here is that the gate was asked.
      gate.Check(With(authorization), AuthMode::kTokenOrKey).IgnoreError();
      Response response(authorization.empty() ? 401 : 200);
      response.AddHeader("Cache-Control", "max-age=60");
      response.AddHeader("Vary", "Accept");
      gate.FinishResponse(With(authorization), &response);
      BOOST_TEST(*response.FindHeader("Cache-Control") == "no-store");
      BOOST_TEST(*response.FindHeader("Vary") == "Accept, Authorization, X-API-Key, Cookie");
      int cache_controls = 0;
      for (const auto& header : response.headers())
        cache_controls += header.first == "Cache-Control";
      BOOST_TEST(cache_controls == 1);
    }
  }
  // A public answer (no Check since StartRequest) is left alone, whatever came with it.
  for (const std::string& authorization : {std::string(), "Bearer " + kToken}) {
    BOOST_TEST_CONTEXT("authorization '" << authorization << "'") {
      gate.StartRequest();
      Response redirect(302);
      redirect.AddHeader("Cache-Control", "private, max-age=0");
      gate.FinishResponse(With(authorization), &redirect);
      BOOST_TEST(*redirect.FindHeader("Cache-Control") == "private, max-age=0");
      BOOST_TEST(redirect.FindHeader("Vary") == nullptr);
    }
  }
  // An error answered before any Check (an unknown path, a 405) to a request carrying a
  // credential is an answer to an authenticated request: no-store. Without one: as it was.
  Request keyed = With("");
  keyed.api_key = "slk_" + std::string(43, 'B');
  for (const Request& request : {With("Bearer " + kToken), keyed, With("")}) {
    for (int status : {404, 405}) {
      BOOST_TEST_CONTEXT("status " << status << " credential "
                                   << !(request.authorization + request.api_key).empty()) {
        gate.StartRequest();
        Response error(status);
        gate.FinishResponse(request, &error);
        const std::string* cache = error.FindHeader("Cache-Control");
        if ((request.authorization + request.api_key).empty()) {
          BOOST_TEST(cache == nullptr);
        } else {
          BOOST_TEST_REQUIRE(cache != nullptr);
          BOOST_TEST(*cache == "no-store");
        }
        BOOST_TEST(error.FindHeader("Vary") == nullptr);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
