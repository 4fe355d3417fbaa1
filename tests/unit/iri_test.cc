// Unit tests of src/domain/iri.h: IRIs converted to URIs, and what is refused.
#include "domain/iri.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(iri)

BOOST_AUTO_TEST_CASE(converts_as_rfc_3987_and_idna_say) {
  struct Case {
    std::string iri;
    std::string uri;
  };
  const std::vector<Case> cases = {
      {"https://de.wikipedia.org/wiki/K\xc3\xb6ln", "https://de.wikipedia.org/wiki/K%C3%B6ln"},
      {"https://m\xc3\xbcnchen.de/", "https://xn--mnchen-3ya.de/"},
      {"https://M\xc3\x9c"
       "NCHEN.de/",
       "https://xn--mnchen-3ya.de/"},
      {"https://www.m\xc3\xbcnchen.de:8443/K\xc3\xb6ln?q=\xe2\x9c\x93#\xc3\xa4",
       "https://www.xn--mnchen-3ya.de:8443/K%C3%B6ln?q=%E2%9C%93#%C3%A4"},
      {"https://fa\xc3\x9f.de/", "https://xn--fa-hia.de/"},  // nontransitional: ß stays ß
      {"http://b\xc3\xbc"
       "cher.example./",
       "http://xn--bcher-kva.example./"},
      {"https://\xef\xbd\x85\xef\xbd\x98.com/", "https://ex.com/"},  // full-width letters map
      {"https://example.org/\xf0\x9f\x98\x80", "https://example.org/%F0%9F%98%80"},
      {"https://\xe4\xbe\x8b\xe3\x81\x88.jp/\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88",
       "https://xn--r8jz45g.jp/%E3%83%86%E3%82%B9%E3%83%88"},
      {"https://example.org/%C3%B6/\xc3\xb6", "https://example.org/%C3%B6/%C3%B6"},
      // ASCII text is never touched, whatever it holds: CheckTargetUrl judges it.
      {"https://example.org/a b", "https://example.org/a b"},
      {"javascript:alert(1)", "javascript:alert(1)"},
      {"", ""},
      // Not a URI even once encoded: the encoded form, for CheckTargetUrl to refuse.
      {"\xc3\xb6", "%C3%B6"},
      {"https://\xc3\xb6 x.de/", "https://%C3%B6 x.de/"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("iri " << c.iri) {
      Result<std::string> uri = IriToUri(c.iri, "url");
      BOOST_TEST_REQUIRE(uri.ok(), (uri.ok() ? "" : uri.error().message));
      BOOST_TEST(uri.value() == c.uri);
      // Once converted, nothing changes.
      Result<std::string> again = IriToUri(uri.value(), "url");
      BOOST_TEST_REQUIRE(again.ok());
      BOOST_TEST(again.value() == uri.value());
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_what_is_no_iri_or_no_idna_name) {
  struct Case {
    std::string iri;
    std::string reason;
  };
  const std::vector<Case> cases = {
      {"https://example.org/\xff", "not valid UTF-8"},
      {"https://example.org/\xc3", "not valid UTF-8"},              // cut sequence
      {"https://example.org/\xc0\xaf", "not valid UTF-8"},          // overlong '/'
      {"https://example.org/\xed\xa0\x80", "not valid UTF-8"},      // a surrogate
      {"https://example.org/\xf4\x90\x80\x80", "not valid UTF-8"},  // past U+10FFFF
      {"https://example.org/\xc2\x85", "control characters"},       // NEL, a C1 control
      {"https://example.org/\xc2\xa0", "spaces"},                   // NBSP
      {"https://example.org/a\xe3\x80\x80"
       "b",
       "spaces"},                                      // ideographic space
      {"https://example.org/\xe2\x80\xa8", "spaces"},  // line separator
      {"https://example.org/\xe2\x80\xae"
       "gnp.exe",
       "formatting"},                                              // RLO
      {"https://example.org/\xe2\x81\xa6", "formatting"},          // LRI
      {"https://example.org/\xef\xbf\xbe", "control characters"},  // a noncharacter
      {"https://example.org/\xee\x80\x80", "control characters"},  // private use
      {"https://a\xe2\x80\x8d"
       "b.example/",
       "internationalized domain name"},  // ZWJ
      {"https://xn--m\xc3\xbcnchen.de/", "internationalized domain name"},
      {"https://\xe2\x92\x88.example/", "internationalized domain name"},  // disallowed
      {"https://\xc3\xbc-.de/", "internationalized domain name"},          // hyphen at the end
  };
  for (const std::string field : {"url", "original_url"}) {
    for (const Case& c : cases) {
      BOOST_TEST_CONTEXT("field " << field << " iri " << c.iri) {
        Result<std::string> uri = IriToUri(c.iri, field);
        BOOST_TEST_REQUIRE(!uri.ok());
        BOOST_TEST(uri.error().field == field);
        BOOST_TEST(std::string(ErrorCodeName(uri.error().code)) == "validation");
        BOOST_TEST(uri.error().message.find(c.reason) != std::string::npos, uri.error().message);
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
