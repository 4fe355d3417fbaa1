// Unit tests of src/domain/redirect_entry.h: signed cache values, and every way one is refused.
#include "domain/redirect_entry.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace shortener {
namespace {

using Kind = RedirectEntry::Kind;

int K(Kind kind) { return static_cast<int>(kind); }

BOOST_AUTO_TEST_SUITE(redirect_entry)

BOOST_AUTO_TEST_CASE(links_and_absent_slugs_round_trip) {
  const RedirectEntryCodec codec("unit test secret of the cache");
  RedirectEntry link = codec.Decode(
      "abc123", codec.EncodeLink("abc123", 1795348800, 42, "https://example.org/a b?c"));
  BOOST_TEST(K(link.kind) == K(Kind::kLink));
  BOOST_TEST(link.expires_at == 1795348800);
  BOOST_TEST(link.id == 42u);
  BOOST_TEST(link.url == "https://example.org/a b?c");
  RedirectEntry absent = codec.Decode("abc123", codec.EncodeAbsent("abc123", 1795348805));
  BOOST_TEST(K(absent.kind) == K(Kind::kAbsent));
  BOOST_TEST(absent.until == 1795348805);
  BOOST_TEST(K(codec.Decode("abc123", RedirectEntryCodec::Fence()).kind) == K(Kind::kFence));
}

// A link's redirect code and visit limit ride in the entry; the default pair keeps the short
// form every earlier entry has.
BOOST_AUTO_TEST_CASE(redirect_codes_and_limits_round_trip) {
  const RedirectEntryCodec codec("unit test secret of the cache");
  BOOST_TEST(codec.EncodeLink("abc123", 5, 42, "https://e.test/") ==
             codec.EncodeLink("abc123", 5, 42, "https://e.test/", 302, false));
  BOOST_TEST(codec.EncodeLink("abc123", 5, 42, "https://e.test/").find(" 42 https://") !=
             std::string::npos);
  for (int code : {301, 302, 307, 308}) {
    for (bool limited : {false, true}) {
      BOOST_TEST_CONTEXT(code << (limited ? " limited" : "")) {
        RedirectEntry e = codec.Decode(
            "abc123", codec.EncodeLink("abc123", 5, 42, "https://e.test/x", code, limited));
        BOOST_TEST(K(e.kind) == K(Kind::kLink));
        BOOST_TEST(e.redirect_code == code);
        BOOST_TEST(e.limited == limited);
        BOOST_TEST(e.url == "https://e.test/x");
        BOOST_TEST(e.id == 42u);
      }
    }
  }
  // A short-form entry reads as 302, unlimited.
  RedirectEntry old = codec.Decode("abc123", codec.EncodeLink("abc123", 5, 42, "https://e.test/"));
  BOOST_TEST(old.redirect_code == 302);
  BOOST_TEST(!old.limited);
}

BOOST_AUTO_TEST_CASE(entries_not_signed_by_this_secret_for_this_slug_are_refused) {
  const RedirectEntryCodec codec("unit test secret of the cache");
  const RedirectEntryCodec other("another deployment's secret!!");
  const std::string good = codec.EncodeLink("abc123", 1795348800, 42, "https://example.org/");
  const std::string mac = good.substr(0, good.find(' '));
  struct Case {
    std::string slug;
    std::string value;
    Kind kind;
  };
  const std::vector<Case> cases = {
      // The attack: a hand-written entry, with no MAC or a made-up one.
      {"abc123", "1795348800 42 javascript:alert(1)", Kind::kInvalid},
      {"abc123", "mAAAAAAAAAAAAAAAAAAAAAA 1795348800 42 javascript:alert(1)", Kind::kForged},
      {"abc123", mac + " 1795348800 42 javascript:alert(1)", Kind::kForged},
      {"abc123", mac + " 1795348800 43 https://example.org/", Kind::kForged},
      {"abc123", mac + " 1895348800 42 https://example.org/", Kind::kForged},
      {"abc123", other.EncodeLink("abc123", 1795348800, 42, "https://example.org/"), Kind::kForged},
      // A real entry replayed under another slug.
      {"xyz789", good, Kind::kForged},
      {"abc123", codec.EncodeAbsent("xyz789", 1795348805), Kind::kForged},
      // Garbage and near misses.
      {"abc123", "", Kind::kInvalid},
      {"abc123", "m", Kind::kInvalid},
      {"abc123", good.substr(0, good.size() - 1), Kind::kForged},
      {"abc123", good + "x", Kind::kForged},
      {"abc123", "x" + good.substr(1), Kind::kInvalid},
      {"abc123", mac + "x 1795348800 42 https://example.org/", Kind::kInvalid},
      {"abc123", "m\xff" + good.substr(2), Kind::kInvalid},
      {"abc123", "changed ", Kind::kInvalid},
      {"abc123", "CHANGED", Kind::kInvalid},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("slug " << c.slug << " value \"" << c.value << "\"") {
      BOOST_TEST(K(codec.Decode(c.slug, c.value).kind) == K(c.kind));
    }
  }
}

BOOST_AUTO_TEST_CASE(expiry_times_of_any_int64) {
  const RedirectEntryCodec codec("unit test secret of the cache");
  RedirectEntry negative_expiry = codec.Decode("s", codec.EncodeLink("s", -5, 1, "u"));
  BOOST_TEST(K(negative_expiry.kind) == K(Kind::kLink));
  BOOST_TEST(negative_expiry.expires_at == -5);
  RedirectEntry max = codec.Decode("s", codec.EncodeLink("s", INT64_MAX, 1, "u"));
  BOOST_TEST(K(max.kind) == K(Kind::kLink));
  BOOST_TEST(max.expires_at == INT64_MAX);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
