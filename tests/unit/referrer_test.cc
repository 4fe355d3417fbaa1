// Unit tests of src/domain/referrer.h: only a lower-cased host ever comes out of a Referer.
#include "domain/referrer.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(referrer)

BOOST_AUTO_TEST_CASE(host_of_a_referer) {
  struct Case {
    std::string referer;
    std::string host;
  };
  const std::vector<Case> cases = {
      {"https://www.Example.COM/some/path?q=secret#frag", "www.example.com"},
      {"http://news.ycombinator.com/item?id=1", "news.ycombinator.com"},
      {"https://t.co/", "t.co"},
      {"https://example.org", "example.org"},
      {"https://example.org.:8443/x", "example.org"},  // trailing dot, port dropped
      {"https://user:pass@mail.example.net/inbox", "mail.example.net"},  // user-info dropped
      {"http://192.0.2.7/x", "192.0.2.7"},
      {"http://[2001:DB8::1]:8080/x", "2001:db8::1"},
      {"android-app://com.slack/", "com.slack"},
      {"https://xn--mnchen-3ya.de/", "xn--mnchen-3ya.de"},
      {"https://under_score.example/", "under_score.example"},
      {"  https://padded.example/  ", "padded.example"},
      // No Referer.
      {"", "direct"},
      {"   ", "direct"},
      // Nothing usable in it.
      {"not a url", "unknown"},
      {"/relative/path", "unknown"},
      {"about:blank", "unknown"},
      {"mailto:someone@example.com", "unknown"},
      {"https:///no-host", "unknown"},
      {"https://exa%6Dple.com/", "unknown"},      // percent-encoded host
      {"https://a!b.example/", "unknown"},        // sub-delims in a host
      {"http://[v1.fe80::a+en1]/", "unknown"},    // IP-future literal
      {"https://m\xc3\xbcnchen.de/", "unknown"},  // raw non-ASCII
      {"https://example.com/a\r\nSet-Cookie: x", "unknown"},
      {std::string("https://exam\0ple.com/", 21), "unknown"},
      {"https://" + std::string(254, 'a') + "/", "unknown"},  // longer than a DNS name
      {"https://" + std::string(253, 'a') + "/", std::string(253, 'a')},
      {"https://example.com/" + std::string(kMaxReferrerBytes, 'p'), "unknown"},
      // The bucket labels cannot be forged by a Referer.
      {"http://direct/", "unknown"},
      {"http://OTHER/", "unknown"},
      {"http://unknown./", "unknown"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("Referer '" << c.referer << "'") {
      BOOST_TEST(ReferrerHost(c.referer) == c.host);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
