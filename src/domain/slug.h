// Slugs: generated ones from row ids through a keyed bijection, and the rules for custom ones.
//
// A generated slug must not reveal how many links exist or let anyone walk the id space, yet two
// ids must never share a slug, so that inserting a link needs no retry loop. Ids are therefore
// split into length tiers and each id's offset within its tier goes through a keyed permutation
// of that tier (a Feistel network with cycle-walking, SipHash-2-4 round function), then is written
// in the configured alphabet. Tier L (L = min_length, min_length + 1, ...) holds
// alphabet_size^L ids, so every string of a tier's length over the alphabet is the slug of exactly
// one id and slugs stay as short as the alphabet allows. Only the last tier is cut short, at
// kMaxId.
#ifndef SHORTENER_SLUG_H_
#define SHORTENER_SLUG_H_

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace shortener {

// The default slug alphabet: base62, case-sensitive.
inline constexpr char kBase62Alphabet[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// The default shortest generated slug.
inline constexpr int kDefaultSlugMinLength = 6;

// The rules of a slug alphabet: 2 to 62 distinct characters of [0-9A-Za-z]. Ok, or kValidation
// (field "slug_alphabet") saying what is wrong, worded to follow "slug_alphabet: ".
Status CheckSlugAlphabet(std::string_view alphabet);

// Immutable once created, so one codec may serve any number of threads.
class SlugCodec {
 public:
  // The largest id Encode accepts, so that every BIGINT UNSIGNED AUTO_INCREMENT value has a slug.
  // Its slug is at most 64 characters long (the binary alphabet's), so every slug fits the
  // 64-character column.
  static constexpr uint64_t kMaxId = std::numeric_limits<uint64_t>::max();

  // Returns a codec writing ids in `alphabet` (2 to 62 distinct characters of [0-9A-Za-z]; the
  // first one pads) with at least `min_length` (3 to 12) characters, keyed by `secret`
  // (non-empty). Errors: kValidation with field "slug_alphabet", "slug_min_length" or
  // "slug_secret" for a bad parameter; kInternal if libsodium cannot be initialised.
  static Result<SlugCodec> Create(const std::string& alphabet, int min_length,
                                  const std::string& secret);

  // Returns the slug of `id`, never the slug of another id: min_length characters for the first
  // alphabet_size^min_length ids, one more for each following tier. The same id, alphabet,
  // min_length and secret always give the same slug.
  // REQUIRES: 1 <= id (every uint64_t from 1 to kMaxId is accepted).
  std::string Encode(uint64_t id) const;

  // Returns the id whose slug is `slug`, or nullopt if no id in 1..kMaxId encodes to it (wrong
  // length, a character outside the alphabet, a value beyond kMaxId). Case-sensitive.
  std::optional<uint64_t> Decode(std::string_view slug) const;

 private:
  // The ids whose slugs have `length` characters: 0-based offsets [start, start + size).
  struct Tier {
    int length;
    uint64_t start;
    uint64_t size;
    // Half the bit width of the Feistel domain: the smallest h with 2^(2h) >= size.
    int half_bits;
  };
  static constexpr size_t kKeyBytes = 16;

  SlugCodec() = default;

  uint64_t RoundFunction(int round, const Tier& tier, uint64_t half) const;
  uint64_t Permute(const Tier& tier, uint64_t offset) const;
  uint64_t Unpermute(const Tier& tier, uint64_t value) const;

  std::string alphabet_;
  // Digit value of each byte, or -1 if the byte is not in the alphabet.
  std::array<int8_t, 256> digit_of_{};
  int min_length_ = 0;
  std::array<unsigned char, kKeyBytes> key_{};
  // Indexed by length - min_length; the last tier ends at kMaxId.
  std::vector<Tier> tiers_;
};

// Whether `s` is allowed as a custom slug: 3 to 64 characters of [A-Za-z0-9_-]. Says nothing
// about reserved words (IsReservedSlug) or whether the slug is taken.
bool IsValidCustomSlug(std::string_view s);

// Whether `s` is one of the reserved words of API.md (api, url, r, ui, qr, static, healthz,
// metrics, admin, login, signup, favicon.ico, robots.txt, index.html), compared case-insensitively,
// so it can never shadow a route or a well-known file.
bool IsReservedSlug(std::string_view s);

// Whether `s` could be a slug at all (1 to 100 characters of [A-Za-z0-9_-], the widest being
// imported ones): a cheap filter on the redirect path, so junk never reaches memcached or MySQL.
bool LooksLikeSlug(std::string_view s);

// Whether `s` may be the slug of an imported link (a YOURLS keyword, an export's slug): 1 to 100
// characters of [A-Za-z0-9_-] and not a reserved word (API.md "Slugs").
bool IsValidImportedSlug(std::string_view s);

}  // namespace shortener

#endif  // SHORTENER_SLUG_H_
