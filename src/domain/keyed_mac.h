// Keys derived from the service's secret, and the short MACs made with them (libsodium), shared
// by everything that signs what a client or a cache hands back: list cursors, cache entries.
#ifndef SHORTENER_KEYED_MAC_H_
#define SHORTENER_KEYED_MAC_H_

#include <array>
#include <cstddef>
#include <string_view>

namespace shortener {

using MacKey = std::array<unsigned char, 32>;

// 128 bits of MAC are far beyond guessing range and keep what carries them short.
constexpr size_t kShortMacBytes = 16;
using ShortMac = std::array<unsigned char, kShortMacBytes>;

// A key for one use, named by `context` (a distinct string per use and format version), from
// `secret` (any length): BLAKE2b of context and secret. Keys of different contexts are
// unrelated, so a MAC made for one use never verifies in another.
MacKey DeriveMacKey(std::string_view context, std::string_view secret);

// The first 16 bytes of HMAC-SHA512-256 of `message` under `key`.
ShortMac MakeShortMac(const MacKey& key, std::string_view message);

// Whether `mac` is `message`'s MAC under `key`, compared in constant time.
bool ShortMacMatches(const MacKey& key, std::string_view message, const unsigned char* mac);

}  // namespace shortener

#endif  // SHORTENER_KEYED_MAC_H_
