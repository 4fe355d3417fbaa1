// Unit tests of src/base/lines.h.
#include "base/lines.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace shortener {
namespace {

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : SplitLines(text)) out.emplace_back(line);
  return out;
}

using Strings = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(lines)

BOOST_AUTO_TEST_CASE(splits_at_newlines_with_or_without_a_final_one) {
  BOOST_TEST(Lines("") == Strings{}, boost::test_tools::per_element());
  BOOST_TEST(Lines("a") == Strings{"a"}, boost::test_tools::per_element());
  BOOST_TEST(Lines("a\n") == Strings{"a"}, boost::test_tools::per_element());
  BOOST_TEST(Lines("a\nb") == (Strings{"a", "b"}), boost::test_tools::per_element());
  BOOST_TEST(Lines("a\n\nb\n") == (Strings{"a", "", "b"}), boost::test_tools::per_element());
  BOOST_TEST(Lines("\n") == Strings{""}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(drops_one_carriage_return_before_a_newline_only) {
  BOOST_TEST(Lines("a\r\nb\r\n") == (Strings{"a", "b"}), boost::test_tools::per_element());
  // A CR elsewhere is data: the line's reader decides what it means.
  BOOST_TEST(Lines("a\r\r\nb\r") == (Strings{"a\r", "b\r"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(views_point_into_the_text) {
  const std::string text = "one\ntwo";
  std::vector<std::string_view> lines = SplitLines(text);
  BOOST_TEST(lines.size() == 2u);
  BOOST_TEST(lines[1].data() == text.data() + 4);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
