// Unit tests of src/base/terminal_text.h: which text holds controls, and how it is printed.
#include "base/terminal_text.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace shortener {

BOOST_AUTO_TEST_SUITE(terminal_text)

BOOST_AUTO_TEST_CASE(control_characters) {
  struct Case {
    std::string text;
    bool control;
  } cases[] = {
      {"", false},
      {"ci script", false},
      {"caf\xc3\xa9 \xe2\x98\xba \xf0\x9f\x94\x91", false},  // é, a smiley, an emoji
      {"\x1b]0;pwned\x07", true},                            // OSC: retitles the window
      {"\x1b[2J", true},                                     // clears the screen
      {"line\nbreak", true},
      {"tab\there", true},
      {std::string("nul\0x", 5), true},
      {"del\x7f", true},
      {"c1 \xc2\x9b"
       "31m",
       true},                 // U+009B, the one-byte CSI of 8-bit terminals
      {"c1 \xc2\x85", true},  // U+0085 NEL
      {"\xc2\xa0", false},    // U+00A0, printable
      {"bad \xff", true},     // not UTF-8
      {"overlong \xc0\xaf", true},
      {"surrogate \xed\xa0\x80", true},
      {"cut \xe2\x98", true},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("'" << TerminalSafe(c.text) << "'") {
      BOOST_TEST(HasControlCharacter(c.text) == c.control);
    }
  }
}

BOOST_AUTO_TEST_CASE(escapes) {
  struct Case {
    std::string text;
    std::string shown;
  } cases[] = {
      {"plain name", "plain name"},
      {"caf\xc3\xa9", "caf\xc3\xa9"},
      {"\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"},
      {"a\nb\tc\rd", "a\\nb\\tc\\rd"},
      {"back\\slash", "back\\\\slash"},
      {std::string("nul\0", 4), "nul\\x00"},
      {"\x7f", "\\x7f"},
      {"\xc2\x9b"
       "31m",
       "\\u009b31m"},
      {"bad \xff\xfe", "bad \\xff\\xfe"},
      {"cut \xe2\x98", "cut \\xe2\\x98"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("'" << c.shown << "'") {
      const std::string shown = TerminalSafe(c.text);
      BOOST_TEST(shown == c.shown);
      BOOST_TEST(!HasControlCharacter(shown));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
