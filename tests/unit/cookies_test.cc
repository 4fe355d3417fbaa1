// Unit tests of src/http/cookies.h: the session cookie's parsing and attributes, and the origin
// rule of API.md's CSRF paragraph.
#include "http/cookies.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(cookies)

BOOST_AUTO_TEST_CASE(cookie_value_finds_the_named_pair) {
  BOOST_TEST(CookieValue("shortener_session=abc", kSessionCookie).value() == "abc");
  BOOST_TEST(CookieValue("a=1; shortener_session=abc; b=2", kSessionCookie).value() == "abc");
  BOOST_TEST(CookieValue("a=1;shortener_session= abc ;b=2", kSessionCookie).value() == "abc");
  // The first of two wins; a name that only ends with ours is another cookie.
  BOOST_TEST(CookieValue("shortener_session=1; shortener_session=2", kSessionCookie).value() ==
             "1");
  BOOST_TEST(!CookieValue("xshortener_session=abc", kSessionCookie));
  BOOST_TEST(!CookieValue("shortener_session", kSessionCookie));
  BOOST_TEST(!CookieValue("", kSessionCookie));
  BOOST_TEST(!CookieValue(";;; ;", kSessionCookie));
  BOOST_TEST(CookieValue("shortener_session=", kSessionCookie).value() == "");
}

BOOST_AUTO_TEST_CASE(session_cookie_attributes) {
  BOOST_TEST(SessionCookie("tok", 3600, false) ==
             "shortener_session=tok; Max-Age=3600; Path=/; HttpOnly; SameSite=Strict");
  BOOST_TEST(SessionCookie("tok", 60, true) ==
             "shortener_session=tok; Max-Age=60; Path=/; HttpOnly; SameSite=Strict; Secure");
  BOOST_TEST(ClearedSessionCookie(false) ==
             "shortener_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
}

BOOST_AUTO_TEST_CASE(origin_of_urls) {
  BOOST_TEST(OriginOf("http://localhost:8000") == "http://localhost:8000");
  BOOST_TEST(OriginOf("HTTPS://Short.Example:443/ui/links?x#y") == "https://short.example");
  BOOST_TEST(OriginOf("http://short.example:80") == "http://short.example");
  BOOST_TEST(OriginOf("https://short.example:80") == "https://short.example:80");
  BOOST_TEST(OriginOf("http://[::1]:8000/x") == "http://[::1]:8000");
  for (const char* bad :
       {"", "short.example", "ftp://short.example", "https://", "https://user@short.example",
        "https://a:443:443", "https://a:", "https://a:x1", "https://[::1", "null"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(OriginOf(bad) == ""); }
  }
}

BOOST_AUTO_TEST_CASE(from_origin_prefers_origin_then_referer) {
  const std::string own = OriginOf("https://short.example");
  BOOST_TEST(FromOrigin("https://short.example", "", own));
  BOOST_TEST(FromOrigin("", "https://short.example/ui/links.html", own));
  // "null" is a sent Origin that names none: a same-site Referer beside it does not count.
  BOOST_TEST(!FromOrigin("null", "https://short.example/ui/", own));
  // Origin decides when sent: a matching Referer does not rescue a foreign Origin.
  BOOST_TEST(!FromOrigin("https://evil.example", "https://short.example/ui/", own));
  BOOST_TEST(!FromOrigin("", "https://short.example.evil.example/", own));
  BOOST_TEST(!FromOrigin("http://short.example", "", own));  // another scheme
  BOOST_TEST(!FromOrigin("https://short.example:8443", "", own));
  BOOST_TEST(!FromOrigin("", "", own));
  BOOST_TEST(!FromOrigin("null", "", own));
  BOOST_TEST(!FromOrigin("https://short.example", "", ""));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
