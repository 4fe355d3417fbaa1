// Unit tests of src/domain/slug.h: the id <-> slug bijection, its tiers and keying, and the slug
// rules.
#include "domain/slug.h"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace shortener {
namespace {

using u128 = unsigned __int128;

const SlugCodec& Base62() {
  static const SlugCodec codec = SlugCodec::Create(kBase62Alphabet, 6, "test secret").value();
  return codec;
}

SlugCodec MakeCodec(const std::string& alphabet, int min_length,
                    const std::string& secret = "test secret") {
  Result<SlugCodec> codec = SlugCodec::Create(alphabet, min_length, secret);
  if (!codec.ok()) {
    BOOST_FAIL("Create(" << alphabet << ", " << min_length
                         << ") failed: " << codec.error().message);
  }
  return std::move(codec).value();
}

bool AllIn(const std::string& s, const std::string& alphabet) {
  return s.find_first_not_of(alphabet) == std::string::npos;
}

// The last id of each length tier (tier L holds alphabet_size^L ids), computed without the
// codec's saturating arithmetic so the two can disagree.
struct TierEnd {
  int length;
  uint64_t last_id;
  bool cut_short;  // the tier would hold more ids than are left below kMaxId
};

std::vector<TierEnd> TierEnds(size_t alphabet_size, int min_length) {
  std::vector<TierEnd> ends;
  const u128 max_id = SlugCodec::kMaxId;
  u128 last = 0;
  u128 capacity = 1;
  for (int i = 0; i < min_length; ++i) capacity *= alphabet_size;
  for (int length = min_length;; ++length) {
    if (last + capacity >= max_id) {
      ends.push_back({length, SlugCodec::kMaxId, last + capacity > max_id});
      return ends;
    }
    last += capacity;
    ends.push_back({length, static_cast<uint64_t>(last), false});
    capacity *= alphabet_size;
  }
}

struct Config {
  std::string alphabet;
  int min_length;
};

const std::vector<Config>& Configs() {
  static const std::vector<Config> configs = {
      {kBase62Alphabet, 6},
      {kBase62Alphabet, 3},
      {kBase62Alphabet, 12},
      {"abcdefghijklmnopqrstuvwxyz", 6},
      {"01", 3},
      {"01", 12},
      {"0123456789", 3},
      {"xyz", 5},
  };
  return configs;
}

BOOST_AUTO_TEST_SUITE(slug)

BOOST_AUTO_TEST_CASE(first_million_ids_round_trip_without_collisions) {
  const SlugCodec& codec = Base62();
  std::unordered_set<std::string> seen;
  seen.reserve(1'000'000);
  uint64_t bad = 0;
  uint64_t first_bad = 0;
  for (uint64_t id = 1; id <= 1'000'000; ++id) {
    const std::string slug = codec.Encode(id);
    const std::optional<uint64_t> back = codec.Decode(slug);
    const bool ok =
        slug.size() == 6 && AllIn(slug, kBase62Alphabet) && back == id && seen.insert(slug).second;
    if (!ok && bad++ == 0) first_bad = id;
  }
  BOOST_TEST(bad == 0u, bad << " failures, the first at id " << first_bad);
}

BOOST_AUTO_TEST_CASE(every_short_slug_of_a_small_alphabet_is_one_id) {
  // With 2 or 3 letters every string of the first tiers can be enumerated: Decode must be the
  // exact inverse of Encode on the whole space, not just on the ids tried.
  for (const Config& config : {Config{"01", 3}, Config{"xyz", 3}}) {
    const SlugCodec codec = MakeCodec(config.alphabet, config.min_length);
    const size_t base = config.alphabet.size();
    std::vector<bool> hit;
    for (int length = config.min_length; length <= 9; ++length) {
      uint64_t count = 1;
      for (int i = 0; i < length; ++i) count *= base;
      for (uint64_t n = 0; n < count; ++n) {
        std::string s(length, config.alphabet[0]);
        uint64_t v = n;
        for (int i = length - 1; i >= 0; --i, v /= base) s[i] = config.alphabet[v % base];
        const std::optional<uint64_t> id = codec.Decode(s);
        BOOST_TEST_CONTEXT("alphabet " << config.alphabet << " slug " << s) {
          BOOST_TEST_REQUIRE(id.has_value());
          BOOST_TEST(codec.Encode(*id) == s);
          if (*id >= hit.size()) hit.resize(*id + 1);
          BOOST_TEST(!hit[*id]);
          hit[*id] = true;
        }
      }
    }
    // The strings of lengths min_length..9 are exactly the ids 1..their count.
    BOOST_TEST_CONTEXT("alphabet " << config.alphabet) {
      BOOST_TEST(!hit.empty());
      BOOST_TEST(!hit[0]);
      size_t covered = 0;
      for (size_t i = 1; i < hit.size(); ++i) covered += hit[i] ? 1 : 0;
      BOOST_TEST(covered == hit.size() - 1);
    }
  }
}

BOOST_AUTO_TEST_CASE(ids_around_tier_boundaries_and_kmaxid) {
  for (const Config& config : Configs()) {
    const SlugCodec codec = MakeCodec(config.alphabet, config.min_length);
    std::vector<std::pair<uint64_t, int>> cases;  // id, expected slug length
    uint64_t previous_last = 0;
    for (const TierEnd& end : TierEnds(config.alphabet.size(), config.min_length)) {
      for (uint64_t d = 0; d < 3; ++d) {
        if (previous_last + 1 + d <= end.last_id)
          cases.push_back({previous_last + 1 + d, end.length});
        if (end.last_id - d > previous_last) cases.push_back({end.last_id - d, end.length});
      }
      previous_last = end.last_id;
    }
    std::unordered_set<std::string> seen;
    for (const auto& [id, length] : cases) {
      BOOST_TEST_CONTEXT("alphabet " << config.alphabet << " min_length " << config.min_length
                                     << " id " << id) {
        const std::string slug = codec.Encode(id);
        BOOST_TEST(static_cast<int>(slug.size()) == length);
        BOOST_TEST(slug.size() <= 64u);  // the slug column is VARCHAR(64)
        BOOST_TEST(AllIn(slug, config.alphabet));
        BOOST_TEST(codec.Decode(slug).value_or(0) == id);
        seen.insert(slug);
      }
    }
    BOOST_TEST_CONTEXT("alphabet " << config.alphabet << " min_length " << config.min_length) {
      std::unordered_set<uint64_t> ids;
      for (const auto& c : cases) ids.insert(c.first);
      BOOST_TEST(seen.size() == ids.size());  // distinct ids, distinct slugs
    }
  }
}

BOOST_AUTO_TEST_CASE(min_length_is_respected) {
  for (int min_length = 3; min_length <= 12; ++min_length) {
    for (const std::string& alphabet : {std::string(kBase62Alphabet), std::string("01")}) {
      const SlugCodec codec = MakeCodec(alphabet, min_length);
      for (uint64_t id : {uint64_t{1}, uint64_t{2}, uint64_t{7}, uint64_t{8}, uint64_t{1000},
                          uint64_t{123456789}, SlugCodec::kMaxId}) {
        BOOST_TEST_CONTEXT("alphabet " << alphabet << " min_length " << min_length << " id "
                                       << id) {
          const std::string slug = codec.Encode(id);
          BOOST_TEST(static_cast<int>(slug.size()) >= min_length);
          BOOST_TEST(codec.Decode(slug).value_or(0) == id);
        }
      }
      BOOST_TEST_CONTEXT("alphabet " << alphabet << " min_length " << min_length) {
        BOOST_TEST(static_cast<int>(codec.Encode(1).size()) == min_length);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(consecutive_ids_do_not_look_consecutive) {
  for (const Config& config : {Config{kBase62Alphabet, 6}, Config{"abcdefghijklmnopqrstuvwxyz", 6},
                               Config{"0123456789", 8}}) {
    const SlugCodec codec = MakeCodec(config.alphabet, config.min_length);
    int only_last_differs = 0;
    int ascending = 0;
    const int kPairs = 1000;
    std::string previous = codec.Encode(1);
    for (uint64_t id = 2; id <= kPairs + 1; ++id) {
      const std::string slug = codec.Encode(id);
      if (slug.compare(0, slug.size() - 1, previous, 0, previous.size() - 1) == 0) {
        ++only_last_differs;
      }
      if (previous < slug) ++ascending;
      previous = slug;
    }
    BOOST_TEST_CONTEXT("alphabet " << config.alphabet) {
      BOOST_TEST(only_last_differs < kPairs / 100);
      // A random order ascends about half the time; a counter always does.
      BOOST_TEST(ascending > kPairs * 35 / 100);
      BOOST_TEST(ascending < kPairs * 65 / 100);
    }
  }
}

BOOST_AUTO_TEST_CASE(the_secret_keys_the_permutation) {
  const SlugCodec a1 = MakeCodec(kBase62Alphabet, 6, "secret a");
  const SlugCodec a2 = MakeCodec(kBase62Alphabet, 6, "secret a");
  const SlugCodec b = MakeCodec(kBase62Alphabet, 6, "secret b");
  const SlugCodec longer = MakeCodec(kBase62Alphabet, 6, "secret a ");
  int same_as_b = 0;
  int same_as_longer = 0;
  for (uint64_t id = 1; id <= 1000; ++id) {
    const std::string slug = a1.Encode(id);
    BOOST_TEST_CONTEXT("id " << id) {
      BOOST_TEST(a2.Encode(id) == slug);
      // A slug of another secret is some other id's, or none.
      BOOST_TEST(a1.Decode(b.Encode(id)).value_or(0) != id);
    }
    if (b.Encode(id) == slug) ++same_as_b;
    if (longer.Encode(id) == slug) ++same_as_longer;
  }
  BOOST_TEST(same_as_b == 0);
  BOOST_TEST(same_as_longer == 0);
}

BOOST_AUTO_TEST_CASE(tiers_are_permuted_independently) {
  // With alphabet "01", tiers 3 (8 ids) and 4 (16 ids) both use a 4-bit Feistel domain. Were the
  // round function the same for both, every offset whose tier-4 value is below 8 would get that
  // same value in tier 3 (cycle-walking stops after one pass). Independent tiers agree on all
  // such offsets only by chance, so across many secrets that must be rare.
  int secrets_with_candidates = 0;
  int secrets_in_full_agreement = 0;
  for (int i = 0; i < 40; ++i) {
    const SlugCodec codec = MakeCodec("01", 3, "secret " + std::to_string(i));
    int candidates = 0;
    int agreeing = 0;
    for (uint64_t offset = 0; offset < 8; ++offset) {
      const unsigned long tier3 = std::stoul(codec.Encode(1 + offset), nullptr, 2);
      const unsigned long tier4 = std::stoul(codec.Encode(9 + offset), nullptr, 2);
      if (tier4 >= 8) continue;
      ++candidates;
      if (tier3 == tier4) ++agreeing;
    }
    if (candidates == 0) continue;
    ++secrets_with_candidates;
    if (agreeing == candidates) ++secrets_in_full_agreement;
  }
  BOOST_TEST_REQUIRE(secrets_with_candidates > 20);
  BOOST_TEST(secrets_in_full_agreement * 4 < secrets_with_candidates);
}

BOOST_AUTO_TEST_CASE(lowercase_alphabet_gives_six_letters_for_the_first_tier) {
  const std::string letters = "abcdefghijklmnopqrstuvwxyz";
  const SlugCodec codec = MakeCodec(letters, 6);
  const uint64_t tier = 26ull * 26 * 26 * 26 * 26 * 26;
  std::vector<uint64_t> ids;
  for (uint64_t id = 1; id <= 500; ++id) ids.push_back(id);
  for (uint64_t id = tier - 499; id <= tier; ++id) ids.push_back(id);
  for (uint64_t id = 1; id <= tier; id += 30011) ids.push_back(id);
  std::unordered_set<std::string> seen;
  for (uint64_t id : ids) {
    BOOST_TEST_CONTEXT("id " << id) {
      const std::string slug = codec.Encode(id);
      BOOST_TEST(slug.size() == 6u);
      BOOST_TEST(AllIn(slug, letters));
      BOOST_TEST(codec.Decode(slug).value_or(0) == id);
      seen.insert(slug);
    }
  }
  std::unordered_set<uint64_t> distinct(ids.begin(), ids.end());
  BOOST_TEST(seen.size() == distinct.size());
  BOOST_TEST(codec.Encode(tier + 1).size() == 7u);
  BOOST_TEST(codec.Decode(codec.Encode(tier + 1)).value_or(0) == tier + 1);
}

BOOST_AUTO_TEST_CASE(decode_rejects_what_no_id_encodes_to) {
  const SlugCodec letters = MakeCodec("abcdefghijklmnopqrstuvwxyz", 6);
  const SlugCodec binary = MakeCodec("01", 3);
  const SlugCodec wide = MakeCodec(kBase62Alphabet, 12);
  const std::vector<TierEnd> binary_ends = TierEnds(2, 3);
  const std::vector<TierEnd> letter_ends = TierEnds(26, 6);
  const std::vector<TierEnd> wide_ends = TierEnds(62, 12);
  // Each last tier here is cut short at kMaxId, so its largest strings are beyond it.
  BOOST_TEST_REQUIRE(binary_ends.back().cut_short);
  BOOST_TEST_REQUIRE(letter_ends.back().cut_short);
  BOOST_TEST_REQUIRE(wide_ends.size() == 1u);
  BOOST_TEST_REQUIRE(wide_ends.back().cut_short);
  const std::string binary_top(binary_ends.back().length, '1');
  const std::string letters_top(letter_ends.back().length, 'z');
  struct Case {
    const SlugCodec* codec;
    std::string slug;
  };
  const std::vector<Case> cases = {
      {&letters, ""},
      {&letters, "abcde"},   // shorter than min_length
      {&letters, "abcdeF"},  // not in the alphabet (case matters)
      {&letters, "abc1ef"},
      {&letters, "abc-ef"},
      {&letters, "abc_ef"},
      {&letters, "abc ef"},
      {&letters, std::string("abc\0ef", 6)},
      {&letters, "abcd\xc3\xa9"},                                   // UTF-8
      {&letters, letters_top},                                      // beyond kMaxId
      {&letters, std::string(letter_ends.back().length + 1, 'a')},  // longer than any slug
      {&letters, std::string(64, 'a')},
      {&binary, "01"},
      {&binary, "012"},
      {&binary, binary_top},
      {&binary, std::string(binary_ends.back().length + 1, '0')},
      {&wide, "zzzzzzzzzzzz"},  // 62^12 - 1 overflows uint64_t
      {&wide, "Zzzzzzzzzzzz"},
      {&wide, "abcdefghijk"},
      {&wide, "abcdefghijklm"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("slug \"" << c.slug << "\" (" << c.slug.size() << " chars)") {
      BOOST_TEST(!c.codec->Decode(c.slug).has_value());
    }
  }
  // The largest slugs still accepted sit right at kMaxId.
  BOOST_TEST(binary.Decode(binary.Encode(SlugCodec::kMaxId)).value_or(0) == SlugCodec::kMaxId);
  BOOST_TEST(wide.Encode(SlugCodec::kMaxId).size() == 12u);
}

BOOST_AUTO_TEST_CASE(create_validates_its_parameters) {
  struct Case {
    std::string alphabet;
    int min_length;
    std::string secret;
    const char* field;  // nullptr: accepted
  };
  const std::vector<Case> cases = {
      {kBase62Alphabet, 6, "s", nullptr},
      {"01", 3, "s", nullptr},
      {"ab", 12, "s", nullptr},
      {"zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA9876543210", 3, "s", nullptr},
      {"", 6, "s", "slug_alphabet"},
      {"a", 6, "s", "slug_alphabet"},
      {"aa", 6, "s", "slug_alphabet"},
      {"abcdefa", 6, "s", "slug_alphabet"},
      {"abc_", 6, "s", "slug_alphabet"},
      {"abc-", 6, "s", "slug_alphabet"},
      {"ab c", 6, "s", "slug_alphabet"},
      {"ab.c", 6, "s", "slug_alphabet"},
      {"ab\xc3\xa9", 6, "s", "slug_alphabet"},
      {std::string(kBase62Alphabet) + "a", 6, "s", "slug_alphabet"},
      {kBase62Alphabet, 2, "s", "slug_min_length"},
      {kBase62Alphabet, 13, "s", "slug_min_length"},
      {kBase62Alphabet, 0, "s", "slug_min_length"},
      {kBase62Alphabet, -6, "s", "slug_min_length"},
      {kBase62Alphabet, 6, "", "slug_secret"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("alphabet \"" << c.alphabet << "\" min_length " << c.min_length
                                     << " secret \"" << c.secret << "\"") {
      Result<SlugCodec> codec = SlugCodec::Create(c.alphabet, c.min_length, c.secret);
      if (c.field == nullptr) {
        BOOST_TEST(codec.ok());
      } else {
        BOOST_TEST_REQUIRE(!codec.ok());
        BOOST_TEST(std::string(ErrorCodeName(codec.error().code)) == "validation");
        BOOST_TEST(codec.error().field == c.field);
        BOOST_TEST(!codec.error().message.empty());
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(custom_slug_rules) {
  struct Case {
    std::string slug;
    bool valid_custom;
    bool looks_like_slug;
  };
  const std::vector<Case> cases = {
      {"abc", true, true},
      {"my-link_2024", true, true},
      {"A-_z09", true, true},
      {"---", true, true},
      {std::string(64, 'x'), true, true},
      {std::string(65, 'x'), false, true},  // an imported slug may be longer
      {std::string(100, 'x'), false, true},
      {std::string(101, 'x'), false, false},  // longer than any slug: no backend call
      {"", false, false},
      {"a", false, true},  // imported YOURLS keywords may be 1 character
      {"ab", false, true},
      {"abc.def", false, false},
      {"abc def", false, false},
      {"abc/def", false, false},
      {"abc%20", false, false},
      {"abc\n", false, false},
      {std::string("ab\0c", 4), false, false},
      {"caf\xc3\xa9", false, false},
      {"favicon.ico", false, false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("slug \"" << c.slug << "\" (" << c.slug.size() << " chars)") {
      BOOST_TEST(IsValidCustomSlug(c.slug) == c.valid_custom);
      BOOST_TEST(LooksLikeSlug(c.slug) == c.looks_like_slug);
    }
  }
}

BOOST_AUTO_TEST_CASE(imported_slugs_are_1_to_100_slug_characters_and_not_reserved) {
  BOOST_TEST(IsValidImportedSlug("a"));
  BOOST_TEST(IsValidImportedSlug("Ab_-9"));
  BOOST_TEST(IsValidImportedSlug(std::string(100, 'z')));
  BOOST_TEST(!IsValidImportedSlug(""));
  BOOST_TEST(!IsValidImportedSlug(std::string(101, 'z')));
  BOOST_TEST(!IsValidImportedSlug("a.b"));
  BOOST_TEST(!IsValidImportedSlug("caf\xc3\xa9"));
  BOOST_TEST(!IsValidImportedSlug("r"));    // reserved: the redirect path's prefix
  BOOST_TEST(!IsValidImportedSlug("API"));  // reserved in any case
}

BOOST_AUTO_TEST_CASE(reserved_slugs) {
  struct Case {
    std::string slug;
    bool reserved;
  };
  const std::vector<Case> cases = {
      {"api", true},         {"API", true},         {"Api", true},         {"url", true},
      {"r", true},           {"R", true},           {"static", true},      {"healthz", true},
      {"metrics", true},     {"admin", true},       {"AdMiN", true},       {"login", true},
      {"signup", true},      {"favicon.ico", true}, {"FAVICON.ICO", true}, {"robots.txt", true},
      {"index.html", true},  {"", false},           {"apis", false},       {"ap", false},
      {"admin1", false},     {"xadmin", false},     {"a", false},          {"login-page", false},
      {"index_html", false}, {"robots", false},     {"api ", false},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("slug \"" << c.slug << "\"") {
      BOOST_TEST(IsReservedSlug(c.slug) == c.reserved);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
