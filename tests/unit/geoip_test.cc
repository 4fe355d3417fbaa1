// Unit tests of src/store/geoip.h against the tiny database tests/geoip/write_test_mmdb.pl writes
// (the Makefile builds it beside the test binary: <binary dir>/tests/geoip-test.mmdb).
#include "store/geoip.h"

#include <stdlib.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "test_paths.h"

namespace shortener {
namespace {

BOOST_AUTO_TEST_SUITE(geoip)

BOOST_AUTO_TEST_CASE(countries_of_addresses) {
  Result<std::unique_ptr<GeoIp>> geoip = GeoIp::Open(TestDatabasePath());
  BOOST_TEST_REQUIRE(geoip.ok(), (geoip.ok() ? "" : geoip.error().message));
  struct Case {
    std::string address;
    const char* country;
  };
  const std::vector<Case> cases = {
      {"192.0.2.1", "DE"},  // country.iso_code
      {"192.0.2.255", "DE"},
      {"::ffff:192.0.2.9", "DE"},    // IPv4-mapped IPv6
      {"198.51.100.20", "FR"},       // registered_country.iso_code only
      {"203.0.113.5", "NZ"},         // ip-location-db's country_code, upper-cased
      {"203.0.113.200", "unknown"},  // a record without a country
      {"233.252.0.1", "unknown"},    // a code that is not two letters
      {"2001:db8::1", "JP"},
      {"2001:DB8:ffff::42", "JP"},
      {"192.0.3.1", "unknown"},  // not in the database
      {"2001:db9::1", "unknown"},
      {"", "unknown"},
      {"not an address", "unknown"},
      {"localhost", "unknown"},  // a name is never resolved
      {"192.0.2.1:80", "unknown"},
      {std::string("192.0.2.1\0x", 11), "unknown"},
      {std::string(100, '1'), "unknown"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("address '" << c.address << "'") {
      Result<std::string> country = geoip.value()->Country(c.address);
      BOOST_TEST_REQUIRE(country.ok(), (country.ok() ? "" : country.error().message));
      BOOST_TEST(country.value() == c.country);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_missing_or_bad_file_is_an_error) {
  Result<std::unique_ptr<GeoIp>> missing = GeoIp::Open("/nonexistent/countries.mmdb");
  BOOST_TEST_REQUIRE(!missing.ok());
  BOOST_TEST((missing.error().code == ErrorCode::kInternal));
  BOOST_TEST(missing.error().message.find("/nonexistent/countries.mmdb") != std::string::npos);

  char path[] = "/tmp/geoip_test_XXXXXX";
  const int fd = mkstemp(path);
  BOOST_TEST_REQUIRE(fd >= 0);
  close(fd);
  // The real test database cut in half loses its metadata, which libmaxminddb reads first.
  std::ifstream real(TestDatabasePath(), std::ios::binary);
  const std::string whole((std::istreambuf_iterator<char>(real)), std::istreambuf_iterator<char>());
  BOOST_TEST_REQUIRE(whole.size() > 100u);
  for (const std::string& content :
       {std::string("this is not a MaxMind database\n"), std::string(4096, '\0'), std::string(),
        whole.substr(0, whole.size() / 2)}) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
    BOOST_TEST_CONTEXT("a file of " << content.size() << " bytes") {
      Result<std::unique_ptr<GeoIp>> bad = GeoIp::Open(path);
      BOOST_TEST(!bad.ok());
    }
  }
  std::remove(path);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
