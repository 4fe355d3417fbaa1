// Files the unit tests read that the Makefile builds beside the test binary.
#ifndef SHORTENER_TESTS_UNIT_TEST_PATHS_H_
#define SHORTENER_TESTS_UNIT_TEST_PATHS_H_

#include <boost/test/unit_test.hpp>
#include <string>

namespace shortener {

// The tiny country database tests/geoip/write_test_mmdb.pl writes: <binary dir>/tests/
// geoip-test.mmdb (documentation networks only; see that script for what each holds).
inline std::string TestDatabasePath() {
  const std::string binary = boost::unit_test::framework::master_test_suite().argv[0];
  const size_t slash = binary.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : binary.substr(0, slash);
  return dir + "/tests/geoip-test.mmdb";
}

}  // namespace shortener

#endif  // SHORTENER_TESTS_UNIT_TEST_PATHS_H_
