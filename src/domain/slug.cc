// Slug generation (keyed Feistel permutation per length tier) and the custom slug rules.
#include "domain/slug.h"

#include <sodium.h>

#include <cassert>
#include <cstdio>

#include "base/ascii.h"
#include "base/sodium.h"

namespace shortener {

namespace {

// Small domains (tier sizes from 8 values up) need more rounds than Luby-Rackoff's four before
// the permutation stops showing structure; 10 rounds keep Encode under a microsecond.
constexpr int kRounds = 10;

constexpr int kMinAlphabet = 2;
constexpr int kMaxAlphabet = 62;
constexpr int kMinLength = 3;
constexpr int kMaxLength = 12;
constexpr size_t kMaxCustomSlug = 64;
constexpr size_t kMinCustomSlug = 3;
constexpr size_t kMaxImportedSlug = 100;

bool IsSlugChar(char c) { return IsAsciiAlnum(c) || c == '_' || c == '-'; }

bool AllSlugChars(std::string_view s) {
  for (char c : s) {
    if (!IsSlugChar(c)) return false;
  }
  return true;
}

// a * b, or UINT64_MAX if that overflows: tier sizes only need to be compared with what is left.
uint64_t SaturatingMul(uint64_t a, uint64_t b) {
  if (b != 0 && a > std::numeric_limits<uint64_t>::max() / b) {
    return std::numeric_limits<uint64_t>::max();
  }
  return a * b;
}

// Smallest h with 2^(2h) >= n, so the Feistel domain holds every offset and, being less than four
// times n, cycle-walking takes under four passes on average.
int HalfBits(uint64_t n) {
  int bits = 0;
  for (uint64_t top = n - 1; top != 0; top >>= 1) ++bits;
  return bits == 0 ? 1 : (bits + 1) / 2;
}

}  // namespace

Status CheckSlugAlphabet(std::string_view alphabet) {
  const std::string form = "must be 2 to 62 distinct characters of [0-9A-Za-z]";
  const int size = static_cast<int>(alphabet.size());
  if (size < kMinAlphabet || size > kMaxAlphabet) {
    return Error::Validation("slug_alphabet", form + ", got " + std::to_string(size));
  }
  bool seen[256] = {};
  for (char c : alphabet) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!IsAsciiAlnum(c)) {
      // Printed as \xNN unless printable: the message reaches a terminal.
      char shown[8];
      if (u >= 0x20 && u < 0x7f) {
        std::snprintf(shown, sizeof shown, "'%c'", c);
      } else {
        std::snprintf(shown, sizeof shown, "'\\x%02x'", u);
      }
      return Error::Validation("slug_alphabet", form + ", got " + shown);
    }
    if (seen[u]) {
      return Error::Validation("slug_alphabet",
                               form + ", but '" + std::string(1, c) + "' appears twice");
    }
    seen[u] = true;
  }
  return Status::Ok();
}

Result<SlugCodec> SlugCodec::Create(const std::string& alphabet, int min_length,
                                    const std::string& secret) {
  Status usable = CheckSlugAlphabet(alphabet);
  if (!usable.ok()) {
    return Error::Validation("slug_alphabet", "slug_alphabet " + usable.error().message);
  }
  const int size = static_cast<int>(alphabet.size());
  SlugCodec codec;
  codec.digit_of_.fill(-1);
  for (int i = 0; i < size; ++i) {
    codec.digit_of_[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
  if (min_length < kMinLength || min_length > kMaxLength) {
    return Error::Validation("slug_min_length", "slug_min_length must be from 3 to 12.");
  }
  if (secret.empty()) {
    return Error::Validation("slug_secret", "slug_secret must not be empty.");
  }
  RequireSodium();

  codec.alphabet_ = alphabet;
  codec.min_length_ = min_length;

  static_assert(crypto_shorthash_KEYBYTES == kKeyBytes, "SipHash-2-4 takes a 16-byte key");
  // A context label keeps this key unrelated to others derived from the same secret (cursors).
  static const char kContext[] = "shortener slug permutation v1";
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kKeyBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kContext),
                            sizeof kContext);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                            secret.size());
  crypto_generichash_final(&state, codec.key_.data(), kKeyBytes);

  // Offsets run from 0 to kMaxId - 1; `left` counts those not yet in a tier.
  uint64_t start = 0;
  uint64_t left = kMaxId;
  uint64_t capacity = 1;
  for (int i = 0; i < min_length; ++i) capacity = SaturatingMul(capacity, size);
  for (int length = min_length; left != 0; ++length) {
    const uint64_t tier_size = capacity < left ? capacity : left;
    codec.tiers_.push_back(Tier{length, start, tier_size, HalfBits(tier_size)});
    start += tier_size;
    left -= tier_size;
    capacity = SaturatingMul(capacity, size);
  }
  return codec;
}

uint64_t SlugCodec::RoundFunction(int round, const Tier& tier, uint64_t half) const {
  // Round and tier length in the input make every round of every tier an independent function.
  unsigned char in[6] = {static_cast<unsigned char>(round),
                         static_cast<unsigned char>(tier.length)};
  for (int i = 0; i < 4; ++i) in[2 + i] = static_cast<unsigned char>(half >> (8 * i));
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, in, sizeof in, key_.data());
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value |= static_cast<uint64_t>(out[i]) << (8 * i);
  return value;
}

uint64_t SlugCodec::Permute(const Tier& tier, uint64_t offset) const {
  const int h = tier.half_bits;
  const uint64_t mask = (uint64_t{1} << h) - 1;
  uint64_t value = offset;
  // Cycle-walking: the Feistel network permutes [0, 2^(2h)); re-applying it until the value falls
  // back into [0, size) restricts it to a permutation of [0, size).
  do {
    uint64_t left = value >> h;
    uint64_t right = value & mask;
    for (int round = 0; round < kRounds; ++round) {
      const uint64_t next = left ^ (RoundFunction(round, tier, right) & mask);
      left = right;
      right = next;
    }
    value = (left << h) | right;
  } while (value >= tier.size);
  return value;
}

uint64_t SlugCodec::Unpermute(const Tier& tier, uint64_t value) const {
  const int h = tier.half_bits;
  const uint64_t mask = (uint64_t{1} << h) - 1;
  uint64_t offset = value;
  do {
    uint64_t left = offset >> h;
    uint64_t right = offset & mask;
    for (int round = kRounds - 1; round >= 0; --round) {
      const uint64_t previous = right ^ (RoundFunction(round, tier, left) & mask);
      right = left;
      left = previous;
    }
    offset = (left << h) | right;
  } while (offset >= tier.size);
  return offset;
}

std::string SlugCodec::Encode(uint64_t id) const {
  assert(id >= 1);
  uint64_t offset = id - 1;
  // Ids are handed out in order, so nearly every call stops at the first tier or two.
  size_t t = 0;
  while (offset >= tiers_[t].size) {
    offset -= tiers_[t].size;
    ++t;
  }
  const Tier& tier = tiers_[t];
  uint64_t value = Permute(tier, offset);
  const uint64_t base = alphabet_.size();
  std::string slug(tier.length, alphabet_[0]);
  for (int i = tier.length - 1; i >= 0 && value != 0; --i) {
    slug[i] = alphabet_[value % base];
    value /= base;
  }
  return slug;
}

std::optional<uint64_t> SlugCodec::Decode(std::string_view slug) const {
  if (slug.size() < static_cast<size_t>(min_length_)) return std::nullopt;
  const size_t t = slug.size() - min_length_;
  if (t >= tiers_.size()) return std::nullopt;
  const Tier& tier = tiers_[t];
  const uint64_t base = alphabet_.size();
  uint64_t value = 0;
  for (char c : slug) {
    const int digit = digit_of_[static_cast<unsigned char>(c)];
    if (digit < 0) return std::nullopt;
    // The value only grows, so once it reaches tier.size it is out of range; stopping then also
    // keeps it from wrapping around.
    const uint64_t d = static_cast<uint64_t>(digit);
    if (d >= tier.size || value > (tier.size - 1 - d) / base) return std::nullopt;
    value = value * base + d;
  }
  return tier.start + Unpermute(tier, value) + 1;
}

bool IsValidCustomSlug(std::string_view s) {
  return s.size() >= kMinCustomSlug && s.size() <= kMaxCustomSlug && AllSlugChars(s);
}

bool IsReservedSlug(std::string_view s) {
  static const char* const kReserved[] =
      {
          "api",        "url",        "r",     "static", "healthz",
          "metrics",    "admin",      "login", "signup", "favicon.ico",
          "robots.txt", "index.html", "ui",    "qr",  // the web interface's pages and the QR codes
                                                      // (API.md "Web interface")
      };
  for (const char* word : kReserved) {
    const std::string_view w(word);
    if (w.size() != s.size()) continue;
    bool same = true;
    for (size_t i = 0; i < s.size() && same; ++i) same = ToLowerAscii(s[i]) == w[i];
    if (same) return true;
  }
  return false;
}

bool IsValidImportedSlug(std::string_view s) { return LooksLikeSlug(s) && !IsReservedSlug(s); }

bool LooksLikeSlug(std::string_view s) {
  // Imported slugs are the widest: 1 to 100 characters; generated and custom ones lie within.
  static_assert(kMaxCustomSlug <= kMaxImportedSlug, "the widest slug is an imported one");
  return !s.empty() && s.size() <= kMaxImportedSlug && AllSlugChars(s);
}

}  // namespace shortener
