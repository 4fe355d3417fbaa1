// Unit tests of src/http/html_page.h: which answers a browser gets as the HTML 404 page.
#include "http/html_page.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>
#include <string>

#include "http/respond.h"

namespace shortener {
namespace {

Request WithAccept(const std::string& accept) {
  Request request;
  request.method = "GET";
  request.accept = accept;
  return request;
}

Error NotFoundWithHeaders() {
  Error error = Error::Make(ErrorCode::kNotFound, "URL Shortener not found.");
  error.headers.emplace_back("RateLimit-Remaining", "7");
  error.headers.emplace_back("Vary", "Accept");
  return error;
}

BOOST_AUTO_TEST_SUITE(html_page)

BOOST_AUTO_TEST_CASE(browser_gets_the_page_with_the_errors_headers) {
  Response page = AnswerOf(
      ForBrowser(WithAccept("text/html,application/xhtml+xml,*/*;q=0.8"), NotFoundWithHeaders()));
  BOOST_CHECK_EQUAL(page.status(), 404);
  BOOST_REQUIRE(page.FindHeader("Content-Type") != nullptr);
  BOOST_CHECK_EQUAL(*page.FindHeader("Content-Type"), "text/html; charset=utf-8");
  BOOST_CHECK(page.body().find("<a href=\"/\">") != std::string::npos);
  BOOST_REQUIRE(page.FindHeader("RateLimit-Remaining") != nullptr);
  BOOST_CHECK_EQUAL(*page.FindHeader("RateLimit-Remaining"), "7");
  BOOST_REQUIRE(page.FindHeader("Vary") != nullptr);
  const std::string* csp = page.FindHeader("Content-Security-Policy");
  BOOST_REQUIRE(csp != nullptr);
  BOOST_CHECK(csp->find("unsafe-inline") == std::string::npos);
  BOOST_CHECK(csp->find("frame-ancestors 'none'") != std::string::npos);
  BOOST_CHECK_EQUAL(*page.FindHeader("X-Frame-Options"), "DENY");
  BOOST_CHECK_EQUAL(*page.FindHeader("Referrer-Policy"), "same-origin");
}

BOOST_AUTO_TEST_CASE(api_clients_keep_the_json_body) {
  for (const char* accept : {"", "*/*", "application/json", "text/html;q=0"}) {
    Response answer = AnswerOf(ForBrowser(WithAccept(accept), NotFoundWithHeaders()));
    BOOST_CHECK_EQUAL(answer.status(), 404);
    BOOST_CHECK_EQUAL(*answer.FindHeader("Content-Type"), "application/json; charset=utf-8");
    BOOST_CHECK(answer.body().find("\"not_found\"") != std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(other_outcomes_pass_through_for_browsers_too) {
  Request browser = WithAccept("text/html");
  Response limited =
      AnswerOf(ForBrowser(browser, Error::Make(ErrorCode::kRateLimited, "Too many requests.")));
  BOOST_CHECK_EQUAL(limited.status(), 429);
  Response down = AnswerOf(ForBrowser(browser, Error::Make(ErrorCode::kUnavailable, "Try again.")));
  BOOST_CHECK_EQUAL(down.status(), 503);
  Response found(302);
  found.AddHeader("Location", "https://example.org/");
  Response redirect = AnswerOf(ForBrowser(browser, found));
  BOOST_CHECK_EQUAL(redirect.status(), 302);
  BOOST_CHECK_EQUAL(*redirect.FindHeader("Location"), "https://example.org/");
}

// The web servers send the static pages' policy themselves (no worker serves them): each
// shipped config must hold the worker's text, so that one policy covers every page.
BOOST_AUTO_TEST_CASE(every_front_config_sends_the_workers_policy) {
  Response page = HtmlNotFoundPage(Error::Make(ErrorCode::kNotFound, "URL Shortener not found."));
  BOOST_CHECK_EQUAL(*page.FindHeader("Content-Security-Policy"), kPageContentSecurityPolicy);
  for (const char* path :
       {"conf/lighttpd.conf", "conf/nginx-web-headers.conf", "conf/apache.conf"}) {
    std::ifstream in(path);
    BOOST_REQUIRE_MESSAGE(in, "cannot open " << path << " (tests run from the repo root)");
    std::ostringstream read;
    read << in.rdbuf();
    const std::string text = read.str();
    // Every policy in the file, from its first directive to the closing quote.
    int policies = 0;
    for (size_t at = text.find("default-src"); at != std::string::npos;
         at = text.find("default-src", at + 1)) {
      const size_t end = text.find('"', at);
      BOOST_REQUIRE_MESSAGE(end != std::string::npos, path);
      BOOST_CHECK_MESSAGE(text.substr(at, end - at) == kPageContentSecurityPolicy,
                          path << " sends another policy: " << text.substr(at, end - at));
      ++policies;
    }
    BOOST_CHECK_MESSAGE(policies >= 1, path << " sends no Content-Security-Policy");
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
