// Entry point of the unit test binary; every other tests/unit/*_test.cc adds its suites.
#define BOOST_TEST_MODULE shortener_unit
#include <boost/test/unit_test.hpp>
