// Unit tests of src/domain/url_check.h: which link targets are accepted and why the others are
// refused.
#include "domain/url_check.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace shortener {
namespace {

bool BlockEvil(std::string_view host) {
  const std::string_view kBlocked = "evil.example";
  if (host == kBlocked) return true;
  return host.size() > kBlocked.size() &&
         host.substr(host.size() - kBlocked.size() - 1) == ".evil.example";
}

UrlPolicy TestPolicy() {
  UrlPolicy policy;
  policy.own_host = "short.example";
  policy.is_blocked = BlockEvil;
  return policy;
}

BOOST_AUTO_TEST_SUITE(url_check)

BOOST_AUTO_TEST_CASE(accepts_absolute_http_urls) {
  const std::vector<std::string> accepted = {
      "http://example.com",
      "https://example.com/",
      "HTTP://Example.COM/Path",
      "hTtPs://example.com/x",
      "https://example.com:8443/a/b?x=1&y=2#frag",
      "http://example.com:80",
      "https://example.com/?q=a+b&r=%20&s=%2F#top",
      "https://example.com/path;params/~user/it's(ok)*!$,=",
      "https://example.com/caf%C3%A9?q=%E2%9C%93",
      "https://xn--bcher-kva.example/",
      "http://[2001:db8::1]:8080/x",
      "http://192.0.2.10:8000/",
      "http://3221226010/",  // 192.0.2.26
      "http://1.2.3.4./",
      "https://example.com.",
      "https://sub.short.example/",         // a subdomain of the own host is another host
      "https://short.example.com/",         // so is a host it is a prefix of
      "https://example.com/short.example",  // the own host in the path is harmless
      "https://notevil.example/",
      "https://evil.example.org/",
  };
  const UrlPolicy policy = TestPolicy();
  for (const std::string& url : accepted) {
    BOOST_TEST_CONTEXT("url " << url) {
      const Status status = CheckTargetUrl(url, policy, "url");
      BOOST_TEST(status.ok(), status.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_with_field_and_reason) {
  struct Case {
    std::string url;
    std::string reason;  // a part of the message people read
  };
  const std::vector<Case> cases = {
      {"", "empty"},
      {"javascript:alert(1)", "http or https"},
      {"JavaScript://example.com/%0Aalert(1)", "http or https"},
      {"data:text/html;base64,PHNjcmlwdD4=", "http or https"},
      {"file:///etc/passwd", "http or https"},
      {"ftp://example.com/file", "http or https"},
      {"mailto:someone@example.com", "http or https"},
      {"httpx://example.com/", "http or https"},
      {"/relative/path", "absolute"},
      {"relative", "absolute"},
      {"//example.com/x", "absolute"},
      {"http://blocked.example../", "empty label"},
      {"http://a..b.example/", "empty label"},
      {"http://.example/", "empty label"},
      {"?q=1", "absolute"},
      {"http://", "host"},
      {"http:///x", "host"},
      {"http:/x", "host"},
      {"https:example.com", "host"},
      {"http://:80/", "host"},
      {"http://%73hort.example/", "punycode"},
      {"https://bank.com@evil.example/", "user name"},
      {"https://user:pass@example.com/", "user name"},
      {"https://@example.com/", "user name"},
      {"http://example.com/\r\nSet-Cookie: a=b", "control characters"},
      {"http://example.com/\n", "control characters"},
      {"http://example.com/\r", "control characters"},
      {"http://example.com/\tx", "control characters"},
      {"http://example.com/a b", "control characters"},
      {" http://example.com/", "control characters"},
      {"http://example.com/ ", "control characters"},
      {std::string("http://example.com/\0x", 21), "control characters"},
      {"http://example.com/\x7f", "control characters"},
      {"http://example.com/\x1b[0m", "control characters"},
      {"https://example.com/caf\xc3\xa9", "control characters"},
      {"https://b\xc3\xbc"
       "cher.example/",
       "control characters"},
      {"http://example.com/\xff", "control characters"},
      {"http://example.com/%zz", "not a valid URL"},
      {"http://example.com/?q=%", "not a valid URL"},
      {"http://exa<mple.com/", "not a valid URL"},
      {"http://example.com/\"x\"", "not a valid URL"},
      {"http://example.com\\@short.example/", "not a valid URL"},
      {"http://[::1/", "not a valid URL"},
      {"http://example.com/#a#b", "not a valid URL"},
      {"https://short.example/x", "this service"},
      {"http://short.example", "this service"},
      {"https://SHORT.Example/", "this service"},
      {"https://short.example./abc", "this service"},
      {"https://Short.Example.:8443/", "this service"},
      {"http://short.example:80/r/abc", "this service"},
      {"https://evil.example/", "blocked"},
      {"https://EVIL.example./", "blocked"},
      {"https://a.evil.example:444/x", "blocked"},
      {"http://1.2.3.4.5/", "neither a name nor an IP address"},
      {"http://256.1.1.1/", "neither a name nor an IP address"},
      {"http://09.1/", "neither a name nor an IP address"},
      {"http://example.123/", "neither a name nor an IP address"},
      {"http://[v1.abc]/", "neither a name nor an IP address"},
  };
  const UrlPolicy policy = TestPolicy();
  for (const std::string field : {"url", "long_url"}) {
    for (const Case& c : cases) {
      BOOST_TEST_CONTEXT("field " << field << " url \"" << c.url << "\"") {
        const Status status = CheckTargetUrl(c.url, policy, field);
        BOOST_TEST_REQUIRE(!status.ok());
        BOOST_TEST(std::string(ErrorCodeName(status.error().code)) == "validation");
        BOOST_TEST(status.error().field == field);
        BOOST_TEST(status.error().message.find(c.reason) != std::string::npos,
                   "message: " << status.error().message);
        BOOST_TEST(status.error().message.rfind(field + " ", 0) == 0u,
                   "message: " << status.error().message);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(length_limit_is_in_bytes_and_inclusive) {
  const std::string prefix = "https://example.com/";
  for (size_t max_length : {size_t{2048}, size_t{30}, prefix.size()}) {
    UrlPolicy policy = TestPolicy();
    policy.max_length = max_length;
    const std::string exact = prefix + std::string(max_length - prefix.size(), 'a');
    const std::string over = exact + "a";
    const std::string encoded_over = exact.substr(0, exact.size() - 2) + "%C3";  // 1 byte over
    BOOST_TEST_CONTEXT("max_length " << max_length) {
      BOOST_TEST(exact.size() == max_length);
      BOOST_TEST(CheckTargetUrl(exact, policy, "url").ok());
      for (const std::string& url : {over, encoded_over}) {
        BOOST_TEST_CONTEXT("url of " << url.size() << " bytes") {
          const Status status = CheckTargetUrl(url, policy, "url");
          BOOST_TEST_REQUIRE(!status.ok());
          BOOST_TEST(std::string(ErrorCodeName(status.error().code)) == "validation");
          BOOST_TEST(status.error().field == "url");
          BOOST_TEST(status.error().message.find(std::to_string(max_length)) != std::string::npos);
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_policy_checks_only_the_url) {
  const UrlPolicy policy;
  for (const std::string url : {"https://short.example/", "https://evil.example/"}) {
    BOOST_TEST_CONTEXT("url " << url) { BOOST_TEST(CheckTargetUrl(url, policy, "url").ok()); }
  }
  BOOST_TEST(!CheckTargetUrl("ftp://example.com/", policy, "url").ok());
}

BOOST_AUTO_TEST_CASE(blocklist_sees_the_bare_lowercased_host) {
  std::vector<std::string> seen;
  UrlPolicy policy;
  policy.is_blocked = [&seen](std::string_view host) {
    seen.emplace_back(host);
    return false;
  };
  struct Case {
    std::string url;
    std::string host;
  };
  const std::vector<Case> cases = {
      {"https://Example.COM./x", "example.com"},
      {"http://WWW.example.com:8080", "www.example.com"},
      {"http://[2001:DB8::1]/", "2001:db8::1"},
      {"http://10.0.0.1/", "10.0.0.1"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("url " << c.url) {
      seen.clear();
      BOOST_TEST(CheckTargetUrl(c.url, policy, "url").ok());
      BOOST_TEST_REQUIRE(seen.size() == 1u);
      BOOST_TEST(seen[0] == c.host);
    }
  }
}

BOOST_AUTO_TEST_CASE(url_host_of_public_base_url) {
  struct Case {
    std::string url;
    std::string host;  // empty: refused
  };
  const std::vector<Case> cases = {
      {"https://Short.Example", "short.example"},
      {"http://short.example:8000", "short.example"},
      {"https://short.example/prefix/", "short.example"},
      {"http://[::1]:8000/", "::1"},
      {"http://127.0.0.1:8000", "127.0.0.1"},
      {"", ""},
      {"short.example", ""},
      {"//short.example/", ""},
      {"ftp://short.example/", ""},
      {"http://", ""},
      {"http:///", ""},
      {"http://short example/", ""},
      {"http://short.example/\n", ""},
      {"http://%73hort.example/", ""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("url \"" << c.url << "\"") {
      const Result<std::string> host = UrlHost(c.url, "public_base_url");
      if (c.host.empty()) {
        BOOST_TEST_REQUIRE(!host.ok());
        BOOST_TEST(std::string(ErrorCodeName(host.error().code)) == "validation");
        BOOST_TEST(host.error().field == "public_base_url");
        BOOST_TEST(!host.error().message.empty());
      } else {
        BOOST_TEST_REQUIRE(host.ok(), (host.ok() ? "" : host.error().message));
        BOOST_TEST(host.value() == c.host);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(own_host_from_url_host_blocks_loops) {
  for (const std::string base : {"https://short.example", "https://Short.Example.:8443/"}) {
    BOOST_TEST_CONTEXT("public_base_url " << base) {
      const Result<std::string> own = UrlHost(base, "public_base_url");
      BOOST_TEST_REQUIRE(own.ok());
      UrlPolicy policy;
      policy.own_host = own.value();
      for (const std::string url : {"https://short.example/abc", "http://SHORT.EXAMPLE./r/x"}) {
        BOOST_TEST_CONTEXT("url " << url) { BOOST_TEST(!CheckTargetUrl(url, policy, "url").ok()); }
      }
      BOOST_TEST(CheckTargetUrl("https://other.example/", policy, "url").ok());
    }
  }
}

// Issue 10 point 10: every other name of the service, in every spelling a browser reads.
BOOST_AUTO_TEST_CASE(redirect_loops_through_other_names_are_refused) {
  UrlPolicy policy = TestPolicy();
  policy.alias_hosts = {"short-alias.example", "192.0.2.80", "2001:db8::80"};
  const std::vector<std::string> loops = {
      "http://127.0.0.1:8000/r/abc",
      "http://127.1/",
      "http://127.0.1:80/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://0X7F.0.0.1/",
      "http://0x7f000001/",
      "http://017700000001/",
      "http://0177.0.0.1/",
      "http://127.0.0.1./",
      "http://127.255.255.254/",
      "http://[::1]/",
      "http://[::1]:8000/",
      "http://[0:0:0:0:0:0:0:1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://[::127.0.0.1]/",
      "http://0.0.0.0/",
      "http://0/",
      "http://0x0/",
      "http://[::]/",
      "https://short-alias.example/x",
      "https://SHORT-ALIAS.Example.:444/x",
      "http://192.0.2.80/",
      "http://3221226064/",  // 192.0.2.80
      "http://0xc0.0.2.80/",
      "http://[2001:DB8:0::80]/",
      "http://[2001:db8:0:0:0:0:0:80]:8080/",
  };
  for (const std::string field : {"url", "original_url"}) {
    for (const std::string& url : loops) {
      BOOST_TEST_CONTEXT("field " << field << " url " << url) {
        const Status status = CheckTargetUrl(url, policy, field);
        BOOST_TEST_REQUIRE(!status.ok());
        BOOST_TEST(status.error().field == field);
        BOOST_TEST(status.error().message.find("this service") != std::string::npos,
                   status.error().message);
      }
    }
  }
  for (const std::string url : {"https://sub.short-alias.example/", "http://192.0.2.81/",
                                "http://128.0.0.1/", "http://[2001:db8::81]/"}) {
    BOOST_TEST_CONTEXT("url " << url) { BOOST_TEST(CheckTargetUrl(url, policy, "url").ok()); }
  }
}

BOOST_AUTO_TEST_CASE(blocklist_sees_ip_addresses_in_their_canonical_form) {
  std::vector<std::string> seen;
  UrlPolicy policy;
  policy.is_blocked = [&seen](std::string_view host) {
    seen.emplace_back(host);
    return false;
  };
  for (const std::string url :
       {"http://3221226010/", "http://0xc0.0.2.26/", "http://192.0.2.26./"}) {
    BOOST_TEST_CONTEXT("url " << url) {
      seen.clear();
      BOOST_TEST(CheckTargetUrl(url, policy, "url").ok());
      BOOST_TEST_REQUIRE(seen.size() == 1u);
      BOOST_TEST(seen[0] == "192.0.2.26");
    }
  }
}

BOOST_AUTO_TEST_CASE(accept_converts_iris_then_checks_the_uri) {
  const UrlPolicy policy = TestPolicy();
  struct Case {
    std::string text;
    std::string uri;  // empty: refused
  };
  const std::vector<Case> cases = {
      {"https://de.wikipedia.org/wiki/K\xc3\xb6ln", "https://de.wikipedia.org/wiki/K%C3%B6ln"},
      {"https://m\xc3\xbcnchen.de/", "https://xn--mnchen-3ya.de/"},
      {"https://example.org/plain", "https://example.org/plain"},
      // The checks see the URI: the blocklist matches the A-label, loops their IP spellings,
      // and the length counts encoded bytes.
      {"https://\xef\xbd\x85vil.example/", ""},   // full-width e: evil.example, blocked
      {"https://SHORT.\xef\xbd\x85xample/", ""},  // short.example, the own host
      {"https://example.org/\xc3\xa4 b", ""},
      {"javascript:alert('\xc3\xb6')", ""},
      // 2046 bytes in, 2050 out: over max_length; 2044 in, 2048 out: at it.
      {"https://example.org/" + std::string(2024, 'a') + "\xc3\xb6", ""},
      {"https://example.org/" + std::string(2022, 'a') + "\xc3\xb6",
       "https://example.org/" + std::string(2022, 'a') + "%C3%B6"},
      // A host written as A-labels is taken as written when they are A-labels, refused as the
      // IRI host it claims to be when one is not: bad punycode, an empty one, a character
      // IDNA2008 disallows (U+1F4A9, refused as an IRI too).
      {"https://xn--mnchen-3ya.de/", "https://xn--mnchen-3ya.de/"},
      {"https://www.XN--MNCHEN-3YA.de/", "https://www.XN--MNCHEN-3YA.de/"},
      {"https://xn--55qx5d.cn/", "https://xn--55qx5d.cn/"},
      {"https://xn--zz.de/", ""},
      {"https://xn--a.de/", ""},
      {"https://a.xn--/", ""},
      {"https://sub.XN--ZZ.de:8443/", ""},
      {"https://xn--ls8h.la/", ""},
      {"https://\xf0\x9f\x92\xa9.la/", ""},
      // Labels that claim nothing are the URL rules' alone: browsers open these.
      {"https://exa_mple.org/", "https://exa_mple.org/"},
      {"https://xn-a.org/", "https://xn-a.org/"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("text " << c.text.substr(0, 80)) {
      Result<std::string> uri = AcceptTargetUrl(c.text, policy, "url");
      if (c.uri.empty()) {
        BOOST_TEST_REQUIRE(!uri.ok());
        BOOST_TEST(uri.error().field == "url");
      } else {
        BOOST_TEST_REQUIRE(uri.ok(), (uri.ok() ? "" : uri.error().message));
        BOOST_TEST(uri.value() == c.uri);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(recheck_applies_todays_rules_but_not_the_length) {
  UrlPolicy policy = TestPolicy();
  policy.max_length = 30;
  BOOST_TEST(RecheckStoredTarget("https://example.org/" + std::string(100, 'a'), policy).ok());
  for (const std::string url :
       {"javascript:alert(1)", "https://evil.example/", "http://2130706433/",
        "https://short.example/", "https://example.org/\r\nX: y", "https://a@example.org/", ""}) {
    BOOST_TEST_CONTEXT("url " << url) { BOOST_TEST(!RecheckStoredTarget(url, policy).ok()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
