// Unit tests of src/domain/cursor.h: opaque, tamper-evident pagination cursors.
#include "domain/cursor.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shortener {
namespace {

std::string Show(const std::optional<uint64_t>& id) { return id ? std::to_string(*id) : "nullopt"; }

const std::vector<uint64_t>& Ids() {
  static const std::vector<uint64_t> ids = {
      0,
      1,
      2,
      255,
      256,
      65535,
      1000000,
      4294967295u,
      4294967296u,
      uint64_t{1} << 53,
      (uint64_t{1} << 63) - 1,
      uint64_t{1} << 63,
      std::numeric_limits<uint64_t>::max() - 1,
      std::numeric_limits<uint64_t>::max(),
  };
  return ids;
}

bool IsUrlSafe(const std::string& text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cursor)

BOOST_AUTO_TEST_CASE(round_trip) {
  CursorCodec codec("a secret");
  std::set<std::string> seen;
  for (uint64_t id : Ids()) {
    BOOST_TEST_CONTEXT("id " << id) {
      std::string text = codec.Encode(id);
      BOOST_TEST(!text.empty());
      BOOST_TEST(IsUrlSafe(text), "cursor \"" << text << "\" is not URL-safe");
      BOOST_TEST(Show(codec.Decode(text)) == std::to_string(id));
      // Deterministic, and a second codec with the same secret reads it too.
      BOOST_TEST(codec.Encode(id) == text);
      BOOST_TEST(Show(CursorCodec("a secret").Decode(text)) == std::to_string(id));
      seen.insert(text);
    }
  }
  BOOST_TEST(seen.size() == Ids().size());
}

BOOST_AUTO_TEST_CASE(every_single_character_change_is_rejected) {
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  CursorCodec codec("a secret");
  for (uint64_t id : {uint64_t{0}, uint64_t{42}, std::numeric_limits<uint64_t>::max()}) {
    const std::string good = codec.Encode(id);
    for (size_t i = 0; i < good.size(); ++i) {
      for (char c : alphabet) {
        if (c == good[i]) continue;
        std::string bad = good;
        bad[i] = c;
        BOOST_TEST_CONTEXT("id " << id << ", position " << i << " -> '" << c << "'") {
          BOOST_TEST(Show(codec.Decode(bad)) == "nullopt");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(bytes_outside_the_alphabet_are_rejected) {
  // libsodium 1.0.18 decodes bytes >= 0x80 as '_'; each cursor must have one spelling only.
  CursorCodec codec("a secret");
  for (uint64_t id = 0; id < 64; ++id) {
    const std::string good = codec.Encode(id);
    for (size_t i = 0; i < good.size(); ++i) {
      for (char c : {'\xdf', '\xff', '\x80', '=', '+', '/', ' ', '.'}) {
        std::string bad = good;
        bad[i] = c;
        BOOST_TEST_CONTEXT("id " << id << ", position " << i) {
          BOOST_TEST(Show(codec.Decode(bad)) == "nullopt");
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(truncated_or_extended_cursors_are_rejected) {
  CursorCodec codec("a secret");
  const std::string good = codec.Encode(12345);
  for (size_t n = 0; n < good.size(); ++n) {
    BOOST_TEST_CONTEXT("first " << n << " characters") {
      BOOST_TEST(Show(codec.Decode(good.substr(0, n))) == "nullopt");
    }
  }
  const std::vector<std::string> suffixes = {"A",  "AA", "AAAA", "=",
                                             "==", " ",  "\n",   std::string(1, '\0')};
  for (const std::string& suffix : suffixes) {
    BOOST_TEST_CONTEXT("suffix of " << suffix.size() << " bytes") {
      BOOST_TEST(Show(codec.Decode(good + suffix)) == "nullopt");
    }
  }
  BOOST_TEST(Show(codec.Decode(good + good)) == "nullopt");
  BOOST_TEST(Show(codec.Decode(" " + good)) == "nullopt");
}

BOOST_AUTO_TEST_CASE(cursor_from_another_secret_is_rejected) {
  CursorCodec ours("secret one");
  for (const char* other_secret : {"secret two", "secret on", "secret one ", "x"}) {
    CursorCodec theirs(other_secret);
    for (uint64_t id : Ids()) {
      BOOST_TEST_CONTEXT("secret \"" << other_secret << "\", id " << id) {
        std::string foreign = theirs.Encode(id);
        BOOST_TEST(foreign != ours.Encode(id));
        BOOST_TEST(Show(ours.Decode(foreign)) == "nullopt");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(garbage_is_rejected) {
  CursorCodec codec("a secret");
  const std::string good = codec.Encode(7);
  // The same bytes in standard base64 ('+' and '/' for '-' and '_') or with padding.
  std::string standard = good;
  for (char& c : standard) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  const std::vector<std::string> cases = {
      "",
      "=",
      "====",
      "A",
      "AAAA",
      std::string(32, 'A'),
      std::string(43, 'A'),
      std::string(1000, 'A'),
      std::string(32, '-'),
      std::string(32, '_'),
      "not a cursor",
      "null",
      "0",
      "12345",
      "%41%41",
      std::string(32, '\0'),
      std::string(32, '\xff'),
      good + "==",
      good.substr(0, good.size() - 1) + "=",
      standard != good ? standard : std::string("+/+/") + good.substr(4),
      "+" + good.substr(1),
      "/" + good.substr(1),
      good.substr(0, 10) + "." + good.substr(11),
  };
  for (const std::string& text : cases) {
    BOOST_TEST_CONTEXT("\"" << text.substr(0, 50) << "\" (" << text.size() << " bytes)") {
      BOOST_TEST(Show(codec.Decode(text)) == "nullopt");
    }
  }
  BOOST_TEST(Show(codec.Decode(std::string_view())) == "nullopt");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
