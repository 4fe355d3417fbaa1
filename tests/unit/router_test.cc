// Unit tests of src/http/router.h: matching, precedence, 404/405/OPTIONS/HEAD and trailing slashes.
#include "http/router.h"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "http/respond.h"

namespace shortener {
namespace {

// A router like the service's: literals first, then the catch-all, and a record of which
// handler ran with which parameter.
struct Fixture {
  std::string called;  // "<handler name>(<param>)" of the last handler run, "" if none
  Router router;

  Handler Named(const std::string& name, int status = 200) {
    return [this, name, status](const Request&, const std::string& param) {
      called = name + "(" + param + ")";
      Response response(status);
      response.set_body("body of " + name);
      return response;
    };
  }

  Fixture() {
    using S = Router::Slash;
    router.Add("GET", "/healthz", S::kTolerant, Named("healthz"));
    router.Add("GET", "/metrics", S::kTolerant, Named("metrics"));
    router.Add("POST", "/url/login", S::kTolerant, Named("login"));
    router.Add("POST", "/url/shorten", S::kTolerant, Named("shorten", 201));
    router.Add("GET", "/r/{slug}", S::kStrict, Named("redirect", 302));
    router.Add("GET", "/api/v1/url-shorteners", S::kTolerant, Named("list"));
    router.Add("GET", "/api/v1/url-shorteners/{slug}", S::kTolerant, Named("get"));
    router.Add("PATCH", "/api/v1/url-shorteners/{slug}", S::kTolerant, Named("patch"));
    router.Add("DELETE", "/api/v1/url-shorteners/{slug}", S::kTolerant, Named("delete", 204));
    router.Add("GET", "/{slug}", S::kStrict, Named("lookup"));
  }

  Response Send(const std::string& method, const std::string& path) {
    called.clear();
    Request request;
    request.method = method;
    request.path = path;
    return router.Dispatch(request);
  }
};

nlohmann::ordered_json BodyJson(const Response& response) {
  return nlohmann::ordered_json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
}

std::string HeaderOr(const Response& response, const char* name, const char* fallback) {
  const std::string* value = response.FindHeader(name);
  return value ? *value : fallback;
}

// The comma-separated methods of an Allow header, sorted, so tests do not depend on order.
std::vector<std::string> AllowSet(const std::string& allow) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= allow.size()) {
    size_t comma = allow.find(',', pos);
    if (comma == std::string::npos) comma = allow.size();
    std::string item = allow.substr(pos, comma - pos);
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    out.push_back(item);
    pos = comma + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

void CheckNotFound(const Response& response) {
  BOOST_TEST(response.status() == 404);
  nlohmann::ordered_json body = BodyJson(response);
  BOOST_TEST(body.is_object());
  if (!body.is_object()) return;
  BOOST_TEST(body.value("ok", true) == false);
  BOOST_TEST(body.value("error", "") == "not_found");
  BOOST_TEST(body.contains("message"));
  BOOST_TEST(body["message"].is_string());
  BOOST_TEST(!body.value("message", "").empty());
  BOOST_TEST(HeaderOr(response, "Content-Type", "").rfind("application/json", 0) == 0u);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(router)

BOOST_AUTO_TEST_CASE(dispatches_to_the_right_handler_with_its_param) {
  struct Case {
    std::string method;
    std::string path;
    std::string called;
    int status;
  };
  const std::vector<Case> cases = {
      {"GET", "/healthz", "healthz()", 200},
      {"GET", "/metrics", "metrics()", 200},
      {"POST", "/url/login", "login()", 200},
      {"POST", "/url/shorten", "shorten()", 201},
      {"GET", "/r/abc123", "redirect(abc123)", 302},
      {"GET", "/r/a", "redirect(a)", 302},
      {"GET", "/api/v1/url-shorteners", "list()", 200},
      {"GET", "/api/v1/url-shorteners/my-slug_1", "get(my-slug_1)", 200},
      {"PATCH", "/api/v1/url-shorteners/xyz", "patch(xyz)", 200},
      {"DELETE", "/api/v1/url-shorteners/xyz", "delete(xyz)", 204},
      {"GET", "/abcdef", "lookup(abcdef)", 200},
      {"GET", "/AbC-_9", "lookup(AbC-_9)", 200},
      // One-segment prefixes of literal routes are not those routes: the catch-all has them
      // (the slug handler refuses reserved words).
      {"GET", "/url", "lookup(url)", 200},
      {"GET", "/r", "lookup(r)", 200},
      {"GET", "/api", "lookup(api)", 200},
      // The router does not decode: the handler sees the raw segment.
      {"GET", "/a%20b", "lookup(a%20b)", 200},
  };
  Fixture f;
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path) {
      Response response = f.Send(c.method, c.path);
      BOOST_TEST(f.called == c.called);
      BOOST_TEST(response.status() == c.status);
    }
  }
}

BOOST_AUTO_TEST_CASE(literals_registered_first_win_over_the_catch_all) {
  Fixture f;
  f.Send("GET", "/healthz");
  BOOST_TEST(f.called == "healthz()");
  f.Send("GET", "/metrics");
  BOOST_TEST(f.called == "metrics()");
  // A literal with another method is still the literal's path: 405, not the catch-all.
  Response response = f.Send("POST", "/healthz");
  BOOST_TEST(f.called == "");
  BOOST_TEST(response.status() == 405);
  // A one-segment path that is no literal goes to the catch-all.
  f.Send("GET", "/healthzz");
  BOOST_TEST(f.called == "lookup(healthzz)");
}

BOOST_AUTO_TEST_CASE(literals_win_whatever_the_order_of_add) {
  struct Case {
    std::string method;
    std::string path;
    std::string called;
  };
  const std::vector<Case> cases = {
      {"GET", "/healthz", "healthz()"},
      {"GET", "/healthz/", "healthz()"},
      {"GET", "/healthy", "lookup(healthy)"},
      {"GET", "/r/latest", "latest()"},
      {"GET", "/r/latest2", "redirect(latest2)"},
      {"GET", "/r/", ""},
      {"POST", "/healthz", ""},  // 405 from the literal route, not the catch-all's handler
  };
  for (bool catch_all_first : {true, false}) {
    Fixture f;
    Router router;
    auto add_catch_alls = [&] {
      router.Add("GET", "/{slug}", Router::Slash::kStrict, f.Named("lookup"));
      router.Add("GET", "/r/{slug}", Router::Slash::kStrict, f.Named("redirect"));
    };
    if (catch_all_first) add_catch_alls();
    router.Add("GET", "/healthz", Router::Slash::kTolerant, f.Named("healthz"));
    router.Add("GET", "/r/latest", Router::Slash::kStrict, f.Named("latest"));
    if (!catch_all_first) add_catch_alls();
    for (const Case& c : cases) {
      BOOST_TEST_CONTEXT((catch_all_first ? "catch-alls first: " : "literals first: ")
                         << c.method << " " << c.path) {
        f.called.clear();
        Request request;
        request.method = c.method;
        request.path = c.path;
        Response response = router.Dispatch(request);
        BOOST_TEST(f.called == c.called);
        if (c.method == "POST") BOOST_TEST(response.status() == 405);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_404_with_the_api_error_body) {
  const std::vector<std::string> paths = {
      "/",
      "",
      "healthz",  // not starting with '/'
      "/url/unknown",
      "/url/login/extra",
      "/r/a/b",
      "/api/v1",
      "/api/v1/url-shorteners/a/b",
      "/a/b",
      "/a/b/c/d/e/f",
  };
  Fixture f;
  for (const std::string& path : paths) {
    for (const char* method : {"GET", "POST", "HEAD", "OPTIONS", "DELETE"}) {
      BOOST_TEST_CONTEXT(method << " \"" << path << "\"") {
        Response response = f.Send(method, path);
        BOOST_TEST(f.called == "");
        CheckNotFound(response);
        BOOST_TEST(response.FindHeader("Allow") == nullptr);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(wrong_method_is_405_with_allow) {
  struct Case {
    std::string method;
    std::string path;
    std::vector<std::string> allow;  // sorted
  };
  const std::vector<Case> cases = {
      {"POST", "/healthz", {"GET", "HEAD", "OPTIONS"}},
      {"DELETE", "/r/abc", {"GET", "HEAD", "OPTIONS"}},
      {"GET", "/url/login", {"OPTIONS", "POST"}},
      {"HEAD", "/url/login", {"OPTIONS", "POST"}},
      {"PUT", "/url/shorten", {"OPTIONS", "POST"}},
      {"POST", "/api/v1/url-shorteners/abc", {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH"}},
      {"PUT", "/abcdef", {"GET", "HEAD", "OPTIONS"}},
      {"get", "/abcdef", {"GET", "HEAD", "OPTIONS"}},  // methods are case-sensitive
      {"BREW", "/url/login/", {"OPTIONS", "POST"}},
  };
  Fixture f;
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path) {
      Response response = f.Send(c.method, c.path);
      BOOST_TEST(f.called == "");
      BOOST_TEST(response.status() == 405);
      BOOST_REQUIRE(response.FindHeader("Allow") != nullptr);
      BOOST_TEST(AllowSet(*response.FindHeader("Allow")) == c.allow,
                 boost::test_tools::per_element());
      nlohmann::ordered_json body = BodyJson(response);
      BOOST_REQUIRE(body.is_object());
      BOOST_TEST(body.value("ok", true) == false);
      BOOST_TEST(body.value("error", "") == "method_not_allowed");
      BOOST_TEST(!body.value("message", "").empty());
      BOOST_TEST(HeaderOr(response, "X-Content-Type-Options", "") == "nosniff");
    }
  }
}

BOOST_AUTO_TEST_CASE(options_is_204_with_allow) {
  struct Case {
    std::string path;
    std::vector<std::string> allow;  // sorted
  };
  const std::vector<Case> cases = {
      {"/healthz", {"GET", "HEAD", "OPTIONS"}},
      {"/url/login", {"OPTIONS", "POST"}},
      {"/url/login/", {"OPTIONS", "POST"}},
      {"/r/abc", {"GET", "HEAD", "OPTIONS"}},
      {"/api/v1/url-shorteners/abc", {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH"}},
      {"/abcdef", {"GET", "HEAD", "OPTIONS"}},
  };
  Fixture f;
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("OPTIONS " << c.path) {
      Response response = f.Send("OPTIONS", c.path);
      BOOST_TEST(f.called == "");
      BOOST_TEST(response.status() == 204);
      BOOST_TEST(response.body().empty());
      BOOST_REQUIRE(response.FindHeader("Allow") != nullptr);
      BOOST_TEST(AllowSet(*response.FindHeader("Allow")) == c.allow,
                 boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(allow_lists_each_method_once) {
  Fixture f;
  Response response = f.Send("OPTIONS", "/api/v1/url-shorteners/abc");
  BOOST_REQUIRE(response.FindHeader("Allow") != nullptr);
  std::vector<std::string> allow = AllowSet(*response.FindHeader("Allow"));
  BOOST_TEST((std::adjacent_find(allow.begin(), allow.end()) == allow.end()));
}

BOOST_AUTO_TEST_CASE(head_runs_the_get_handler) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/healthz", "healthz()"},
      {"/r/abc", "redirect(abc)"},
      {"/abc", "lookup(abc)"},
      {"/api/v1/url-shorteners/", "list()"},
      {"/api/v1/url-shorteners/q", "get(q)"},
  };
  Fixture f;
  for (const auto& [path, called] : cases) {
    BOOST_TEST_CONTEXT("HEAD " << path) {
      Response head = f.Send("HEAD", path);
      BOOST_TEST(f.called == called);
      Response get = f.Send("GET", path);
      BOOST_TEST(head.status() == get.status());
      // The body is kept so the caller can send the GET's Content-Length; SerializeResponse
      // drops it for HEAD.
      BOOST_TEST(head.body() == get.body());
    }
  }
}

BOOST_AUTO_TEST_CASE(trailing_slash_only_on_tolerant_routes) {
  struct Case {
    std::string method;
    std::string path;
    std::string called;  // "" for 404
  };
  const std::vector<Case> cases = {
      {"POST", "/url/login/", "login()"},
      {"POST", "/url/shorten/", "shorten()"},
      {"GET", "/healthz/", "healthz()"},
      {"GET", "/api/v1/url-shorteners/", "list()"},
      {"GET", "/api/v1/url-shorteners/abc/", "get(abc)"},
      {"POST", "/url/login//", ""},
      {"GET", "/abc/", ""},
      {"GET", "/r/abc/", ""},
      {"GET", "/abc//", ""},
  };
  Fixture f;
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.method << " " << c.path) {
      Response response = f.Send(c.method, c.path);
      BOOST_TEST(f.called == c.called);
      if (c.called.empty()) CheckNotFound(response);
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_segments_are_404) {
  const std::vector<std::string> paths = {
      "//", "/r/", "/r//", "//abc", "/r//abc", "/api/v1/url-shorteners//", "/url//login", "///",
  };
  Fixture f;
  for (const std::string& path : paths) {
    BOOST_TEST_CONTEXT("GET " << path) {
      Response response = f.Send("GET", path);
      BOOST_TEST(f.called == "");
      CheckNotFound(response);
    }
  }
}

BOOST_AUTO_TEST_CASE(adding_a_method_to_an_existing_pattern_extends_it) {
  Fixture f;
  Router router;
  router.Add("GET", "/x/{id}", Router::Slash::kStrict, f.Named("get"));
  router.Add("DELETE", "/x/{id}", Router::Slash::kStrict, f.Named("delete"));
  router.Add("GET", "/x/{id}", Router::Slash::kStrict, f.Named("get2"));  // replaces
  Request request;
  request.path = "/x/7";
  request.method = "DELETE";
  router.Dispatch(request);
  BOOST_TEST(f.called == "delete(7)");
  request.method = "GET";
  router.Dispatch(request);
  BOOST_TEST(f.called == "get2(7)");
}

BOOST_AUTO_TEST_CASE(a_handler_error_is_answered_by_the_one_mapping) {
  // Every code, with a field and extra headers: Dispatch answers exactly what ErrorResponse
  // makes of the error (status, headers in order, body), for GET and for HEAD.
  const ErrorCode codes[] = {ErrorCode::kBadJson,      ErrorCode::kValidation,
                             ErrorCode::kNotFound,     ErrorCode::kSlugTaken,
                             ErrorCode::kUnauthorized, ErrorCode::kForbidden,
                             ErrorCode::kRateLimited,  ErrorCode::kPayloadTooLarge,
                             ErrorCode::kUnavailable,  ErrorCode::kInternal};
  for (ErrorCode code : codes) {
    Error error = Error::Make(code, "Said to people.");
    if (code == ErrorCode::kValidation) error.field = "url";
    error.headers = {{"RateLimit-Limit", "60"}, {"Vary", "Accept"}};
    Router router;
    router.Add("GET", "/thing/{id}", Router::Slash::kStrict,
               [&error](const Request&, const std::string&) -> Result<Response> { return error; });
    const Response expected = ErrorResponse(error);
    for (const char* method : {"GET", "HEAD"}) {
      BOOST_TEST_CONTEXT("code " << ErrorCodeName(code) << ", " << method) {
        Request request;
        request.method = method;
        request.path = "/thing/1";
        Response answer = router.Dispatch(request);
        BOOST_TEST(answer.status() == ErrorHttpStatus(code));
        BOOST_TEST(answer.body() == expected.body());
        BOOST_TEST(answer.headers() == expected.headers());
        BOOST_TEST(HeaderOr(answer, "RateLimit-Limit", "<absent>") == "60");
        BOOST_TEST(HeaderOr(answer, "Vary", "<absent>") == "Accept");
        nlohmann::ordered_json body = BodyJson(answer);
        BOOST_TEST(body.value("error", "") == ErrorCodeName(code));
        BOOST_TEST(body.value("message", "") == "Said to people.");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_handler_response_is_answered_as_it_is) {
  Router router;
  router.Add("POST", "/thing", Router::Slash::kTolerant,
             [](const Request&, const std::string&) -> Result<Response> {
               Response made(201);
               made.AddHeader("Location", "https://s.test/x");
               made.set_body("made");
               return made;
             });
  Request request;
  request.method = "POST";
  request.path = "/thing";
  Response answer = router.Dispatch(request);
  BOOST_TEST(answer.status() == 201);
  BOOST_TEST(answer.body() == "made");
  BOOST_TEST(HeaderOr(answer, "Location", "<absent>") == "https://s.test/x");
  BOOST_TEST(answer.headers().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(reports_the_matched_pattern_for_metrics, Fixture) {
  std::vector<std::string> patterns = router.Patterns();
  BOOST_TEST(patterns.front() == "/healthz");
  auto index_of = [&patterns](const std::string& pattern) {
    return static_cast<size_t>(std::find(patterns.begin(), patterns.end(), pattern) -
                               patterns.begin());
  };
  Request request;
  request.method = "GET";
  size_t route = 999;
  request.path = "/r/abc";
  router.Dispatch(request, &route);
  BOOST_TEST(route == index_of("/r/{slug}"));
  request.method = "DELETE";  // a 405 still names its route
  router.Dispatch(request, &route);
  BOOST_TEST(route == index_of("/r/{slug}"));
  request.path = "/no/such/path";
  router.Dispatch(request, &route);
  BOOST_TEST(route == patterns.size());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
