// Unit tests of src/base/decimal.h.
#include "base/decimal.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>

namespace shortener {
namespace {

constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();

BOOST_AUTO_TEST_SUITE(decimal)

BOOST_AUTO_TEST_CASE(reads_plain_digits) {
  BOOST_TEST(ParseDecimal("0").value() == 0u);
  BOOST_TEST(ParseDecimal("007").value() == 7u);
  BOOST_TEST(ParseDecimal("18446744073709551615").value() == kMax);
  BOOST_TEST(ParseDecimal("12345678901234").value() == 12345678901234u);
}

BOOST_AUTO_TEST_CASE(refuses_everything_that_is_not_only_digits) {
  for (const char* text : {"", " 5", "5 ", "+5", "-5", "5abc", "0x10", "1e3", "1.0", "١"}) {
    BOOST_TEST_CONTEXT("text '" << text << "'") { BOOST_TEST(!ParseDecimal(text).has_value()); }
  }
  // A NUL inside is not a digit either (a C-string reader would stop there and say 5).
  BOOST_TEST(!ParseDecimal(std::string_view("5\0"
                                            "9",
                                            3))
                  .has_value());
}

BOOST_AUTO_TEST_CASE(saturates_beyond_uint64_so_range_checks_fail) {
  BOOST_TEST(ParseDecimal("18446744073709551616").value() == kMax);
  BOOST_TEST(ParseDecimal("99999999999999999999999999999").value() == kMax);
  BOOST_TEST(!ParseDecimalIn("18446744073709551616", 1, kMax - 1).has_value());
}

BOOST_AUTO_TEST_CASE(range_is_inclusive) {
  BOOST_TEST(ParseDecimalIn("1", 1, 100).value() == 1u);
  BOOST_TEST(ParseDecimalIn("100", 1, 100).value() == 100u);
  BOOST_TEST(!ParseDecimalIn("0", 1, 100).has_value());
  BOOST_TEST(!ParseDecimalIn("101", 1, 100).has_value());
  BOOST_TEST(!ParseDecimalIn("x", 0, 100).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
