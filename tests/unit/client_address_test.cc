// Unit tests of src/domain/client_address.h: trusted networks and the client behind them.
#include "domain/client_address.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace shortener {
namespace {

std::vector<IpNetwork> Networks(const std::vector<std::string>& texts) {
  std::vector<IpNetwork> out;
  for (const std::string& text : texts) {
    Result<IpNetwork> network = ParseIpNetwork(text);
    if (!network.ok()) BOOST_FAIL("bad network " << text << ": " << network.error().message);
    out.push_back(network.value());
  }
  return out;
}

BOOST_AUTO_TEST_SUITE(client_address)

BOOST_AUTO_TEST_CASE(parses_networks_in_canonical_form) {
  struct Case {
    const char* text;
    const char* shown;
  };
  const std::vector<Case> cases = {
      {"10.0.0.0/8", "10.0.0.0/8"},        {"10.1.2.3/8", "10.0.0.0/8"},  // host bits cleared
      {"192.0.2.7", "192.0.2.7"},          {"192.0.2.7/32", "192.0.2.7"},
      {"0.0.0.0/0", "0.0.0.0/0"},          {"::1", "::1"},
      {"2001:DB8::1/32", "2001:db8::/32"}, {"2001:db8::/128", "2001:db8::"},
      {"::ffff:127.0.0.1", "127.0.0.1"},   {"fe80::1:2:3:4/65", "fe80::/65"},
      {"172.16.0.0/12", "172.16.0.0/12"},  {"172.31.255.255/12", "172.16.0.0/12"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("network " << c.text) {
      Result<IpNetwork> network = ParseIpNetwork(c.text);
      BOOST_TEST_REQUIRE(network.ok(), (network.ok() ? "" : network.error().message));
      BOOST_TEST(network.value().ToString() == c.shown);
    }
  }
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_network) {
  for (const char* text :
       {"", "localhost", "10.0.0", "10.0.0.256", "10.0.0.0/33", "::1/129", "10.0.0.0/",
        "10.0.0.0/-1", "10.0.0.0/8/8", "[::1]", "10.0.0.0/ 8", " 10.0.0.1", "1.2.3.4:80",
        "fe80::1%eth0", "10.0.0.0/0008", "10.0.0.0/4154799501234"}) {
    BOOST_TEST_CONTEXT("text '" << text << "'") { BOOST_TEST(!ParseIpNetwork(text).ok()); }
  }
  // inet_pton would stop at the NUL and take what comes before it.
  BOOST_TEST(!ParseIpNetwork(std::string_view("1.2.3.4\0junk", 12)).ok());
}

BOOST_AUTO_TEST_CASE(client_behind_trusted_proxies) {
  const std::vector<IpNetwork> trusted = Networks({"10.0.0.0/8", "::1", "2001:db8:ffff::/48"});
  struct Case {
    const char* remote;
    const char* forwarded;
    const char* client;
  };
  const std::vector<Case> cases = {
      // An untrusted peer is the client, whatever it claims.
      {"203.0.113.9", "198.51.100.1", "203.0.113.9"},
      {"203.0.113.9", "", "203.0.113.9"},
      // A trusted peer: the right-most untrusted entry.
      {"10.0.0.2", "198.51.100.1", "198.51.100.1"},
      {"10.0.0.2", "6.6.6.6, 198.51.100.1", "198.51.100.1"},   // the left one is the client's word
      {"10.0.0.2", "198.51.100.1, 10.0.0.7", "198.51.100.1"},  // proxies chained
      {"10.0.0.2", "198.51.100.1,10.9.9.9 ,  10.0.0.7", "198.51.100.1"},
      {"::1", "2001:db8:1::5", "2001:db8:1::5"},
      {"::1", "[2001:db8:1::5]:4711", "2001:db8:1::5"},
      {"::1", "198.51.100.1:4711", "198.51.100.1"},
      {"::ffff:10.0.0.2", "198.51.100.1", "198.51.100.1"},  // mapped IPv4 matched as IPv4
      {"::1", "2001:db8:ffff::9", "2001:db8:ffff::9"},      // all trusted: the left-most
      {"10.0.0.2", "10.0.0.3, 10.0.0.4", "10.0.0.3"},
      // No header, or nothing believable in it: the trusted peer itself.
      {"10.0.0.2", "", "10.0.0.2"},
      {"10.0.0.2", " , ", "10.0.0.2"},
      {"10.0.0.2", "198.51.100.1, unknown", "10.0.0.2"},
      {"10.0.0.2", "198.51.100.1, garbage, 10.0.0.7", "10.0.0.7"},
      {"10.0.0.2", "198.51.100.1:80:80", "10.0.0.2"},
      // Canonical text forms, so one client is one key.
      {"2001:DB8:0:0::1", "", "2001:db8::1"},
      {"::ffff:203.0.113.9", "", "203.0.113.9"},
      // Not an IP address at all (a unix socket peer): as given.
      {"", "198.51.100.1", ""},
      {"unix:/run/x.sock", "198.51.100.1", "unix:/run/x.sock"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("REMOTE_ADDR " << c.remote << ", X-Forwarded-For '" << c.forwarded << "'") {
      BOOST_TEST(ClientAddress(c.remote, c.forwarded, trusted) == c.client);
    }
  }
  // Nothing trusted: REMOTE_ADDR always.
  BOOST_TEST(ClientAddress("10.0.0.2", "198.51.100.1", {}) == "10.0.0.2");
}

BOOST_AUTO_TEST_CASE(address_keys) {
  BOOST_TEST(AddressKey("198.51.100.1") == "198.51.100.1");
  BOOST_TEST(AddressKey("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64");
  BOOST_TEST(AddressKey("2001:db8:1:2::ffff") == AddressKey("2001:db8:1:2:aaaa::1"));
  BOOST_TEST(AddressKey("2001:db8:1:3::1") != AddressKey("2001:db8:1:2::1"));
  BOOST_TEST(AddressKey("unix:/run/x.sock") == "unix:/run/x.sock");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
