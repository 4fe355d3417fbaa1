// Unit tests of src/api/accounts_api.h: the signup rules of API.md.
#include "api/accounts_api.h"

#include <boost/test/unit_test.hpp>
#include <string>

namespace shortener {
namespace {

// "ok", or the field of the validation error.
std::string Verdict(const Status& status) {
  if (status.ok()) return "ok";
  if (status.error().code != ErrorCode::kValidation) return "not a validation error";
  return status.error().field;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(accounts_api)

BOOST_AUTO_TEST_CASE(usernames) {
  struct Case {
    std::string name;
    bool ok;
  } cases[] = {
      {"abc", true},
      {"a.b-c_d", true},
      {std::string(32, 'x'), true},
      {"ab", false},
      {std::string(33, 'x'), false},
      {"", false},
      {"has space", false},
      {"semi;colon", false},
      {"caf\xc3\xa9", false},
      {std::string("nul\0x", 5), false},
      {"slash/", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("'" << c.name << "'") {
      BOOST_TEST(Verdict(CheckUsername(c.name)) == (c.ok ? "ok" : "username"));
    }
  }
}

BOOST_AUTO_TEST_CASE(emails) {
  const std::string local64(64, 'l');
  const std::string long_domain = std::string(250, 'd') + ".example";
  struct Case {
    std::string email;
    bool ok;
  } cases[] = {
      {"a@example.org", true},
      {"first.last+tag@sub.example.co.uk", true},
      {"\xc3\xbcser@b\xc3\xbc\x63her.example", true},
      {local64 + "@example.org", true},
      {local64 + "l@example.org", false},
      {"a@" + long_domain, false},  // over 254 bytes
      {"", false},
      {"no-at.example.org", false},
      {"@example.org", false},
      {"a@", false},
      {"a@localhost", false},
      {"a@.example.org", false},
      {"a@example.org.", false},
      {"a@example..org", false},
      {"a b@example.org", false},
      {"a@exa mple.org", false},
      {"a@example.org\n", false},
      {"a\t@example.org", false},
      {"a@[127.0.0.1]", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("'" << c.email << "'") {
      BOOST_TEST(Verdict(CheckEmail(c.email)) == (c.ok ? "ok" : "email"));
    }
  }
}

BOOST_AUTO_TEST_CASE(passwords) {
  BOOST_TEST(Verdict(CheckPassword("12345678")) == "ok");
  BOOST_TEST(Verdict(CheckPassword(std::string(1024, 'p'))) == "ok");
  BOOST_TEST(Verdict(CheckPassword("1234567")) == "password");
  BOOST_TEST(Verdict(CheckPassword("")) == "password");
  BOOST_TEST(Verdict(CheckPassword(std::string(1025, 'p'))) == "password");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
