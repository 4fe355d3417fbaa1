// Unit tests of src/domain/host_literal.h: WHATWG IPv4 spellings, canonical hosts, loop hosts.
#include "domain/host_literal.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(host_literal)

// Expected values as browsers (the URL Standard's host parser) read these hosts.
BOOST_AUTO_TEST_CASE(ipv4_spellings_read_as_browsers_do) {
  struct Case {
    std::string host;
    std::string address;
  };
  const std::vector<Case> cases = {
      {"127.0.0.1", "127.0.0.1"},
      {"127.1", "127.0.0.1"},
      {"127.0.1", "127.0.0.1"},
      {"2130706433", "127.0.0.1"},
      {"0x7f.1", "127.0.0.1"},
      {"0X7F.1", "127.0.0.1"},
      {"0x7f000001", "127.0.0.1"},
      {"017700000001", "127.0.0.1"},
      {"0177.0.0.1", "127.0.0.1"},
      {"0177.0x0.00.0x1", "127.0.0.1"},
      {"127.0.0.1.", "127.0.0.1"},
      {"0", "0.0.0.0"},
      {"0x", "0.0.0.0"},
      {"0.0.0.0", "0.0.0.0"},
      {"00", "0.0.0.0"},
      {"4294967295", "255.255.255.255"},
      {"192.168.257", "192.168.1.1"},  // the last part fills what the others leave
      {"192.168.0.257", ""},           // but with four parts it is one byte
      {"1.65536", "1.1.0.0"},
      {"08.1", ""},  // 8 is no octal digit: invalid
      {"09", ""},
      {"4294967296", ""},
      {"256.0.0.1", ""},
      {"1.2.3.4.5", ""},
      {"1.2.3.256", ""},
      {"1.2.65536", ""},
      {"0x100000000", ""},
      {"1..2", ""},
      {"example.123", ""},
      {"99999999999999999999999999999999999999", ""},
      {".1", ""},
      {"0x7g.1", ""},  // ends in a number, so it must be an address, and is none
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("host " << c.host) {
      const Ipv4Parse parsed = ParseIpv4Host(c.host);
      if (c.address.empty()) {
        BOOST_TEST(static_cast<int>(parsed.kind) == static_cast<int>(Ipv4Parse::Kind::kInvalid));
        BOOST_TEST(!CanonicalHost(c.host).has_value());
      } else {
        BOOST_TEST_REQUIRE(static_cast<int>(parsed.kind) ==
                           static_cast<int>(Ipv4Parse::Kind::kAddress));
        BOOST_TEST(FormatIpv4(parsed.address) == c.address);
        BOOST_TEST(CanonicalHost(c.host).value_or("<none>") == c.address);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(names_are_not_addresses) {
  for (const std::string host :
       {"example.com", "localhost", "1.2.3.example", "0x7g.x", "1a", "example.com.", "a.0x7fz",
        "xn--mnchen-3ya.de", "123.example", "."}) {
    BOOST_TEST_CONTEXT("host " << host) {
      BOOST_TEST(static_cast<int>(ParseIpv4Host(host).kind) ==
                 static_cast<int>(Ipv4Parse::Kind::kName));
    }
  }
}

BOOST_AUTO_TEST_CASE(canonical_hosts) {
  struct Case {
    std::string host;
    std::string canonical;  // empty: refused
  };
  const std::vector<Case> cases = {
      {"Example.COM", "example.com"},
      {"example.com.", "example.com"},
      {"::1", "::1"},
      {"[::1]", "::1"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"[0000::0001]", "::1"},
      {"::FFFF:127.0.0.1", "::ffff:127.0.0.1"},
      {"::ffff:7f00:1", "::ffff:127.0.0.1"},
      {"2001:DB8::1", "2001:db8::1"},
      {"[::1", ""},
      {"[example.com]x", ""},
      {"::1::", ""},
      {"fe80::1%25eth0", ""},
      {"0X7F.0.0.1", "127.0.0.1"},
      {"a..b", ""},
      {"[[]", ""},  // found by host_literal_fuzz: brackets hold IPv6 only
      {"[example.com]", ""},
      {".example.com", ""},
      {"example.com..", ""},
      {"0..x.", ""},  // found by host_literal_fuzz: lost one dot per reading
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("host " << c.host) {
      BOOST_TEST(CanonicalHost(c.host).value_or("") == c.canonical);
    }
  }
}

BOOST_AUTO_TEST_CASE(loop_addresses_in_any_spelling) {
  const std::vector<std::string> loops = {
      "127.0.0.1",
      "127.1",
      "2130706433",
      "0x7f.1",
      "017700000001",
      "127.255.0.9",
      "0.0.0.0",
      "0",
      "0.1.2.3",
      "[::1]",
      "::1",
      "[::]",
      "[::ffff:127.0.0.1]",
      "[::ffff:7f00:1]",
      "[::127.0.0.1]",
      "[0:0:0:0:0:0:0:1]",
      "[::ffff:0.0.0.0]",
  };
  for (const std::string& host : loops) {
    BOOST_TEST_CONTEXT("host " << host) {
      const std::optional<std::string> canonical = CanonicalHost(host);
      BOOST_TEST_REQUIRE(canonical.has_value());
      BOOST_TEST(IsLoopbackOrUnspecified(*canonical));
    }
  }
  const std::vector<std::string> others = {
      "128.0.0.1",          "1.0.0.127",         "192.0.2.10",  "[2001:db8::1]",
      "[::ffff:192.0.2.1]", "[64:ff9b::7f00:1]", "example.com", "localhost.example",
      "[fe80::1]",          "[::2:7f00:1]",
  };
  for (const std::string& host : others) {
    BOOST_TEST_CONTEXT("host " << host) {
      const std::optional<std::string> canonical = CanonicalHost(host);
      BOOST_TEST_REQUIRE(canonical.has_value());
      BOOST_TEST(!IsLoopbackOrUnspecified(*canonical));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
