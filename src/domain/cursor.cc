// Cursor = base64url(big-endian id || first 16 bytes of HMAC-SHA512-256(id)), via libsodium.
#include "domain/cursor.h"

#include <sodium.h>

#include "base/ascii.h"
#include "domain/keyed_mac.h"

namespace shortener {

namespace {

constexpr size_t kIdBytes = 8;
constexpr size_t kRawBytes = kIdBytes + kShortMacBytes;

std::string_view IdBytes(const unsigned char* raw) {
  return std::string_view(reinterpret_cast<const char*>(raw), kIdBytes);
}

}  // namespace

// The same key as before keyed_mac.h existed: BLAKE2b of the context, its NUL and the secret.
CursorCodec::CursorCodec(std::string_view secret)
    : key_(DeriveMacKey("shortener cursor v1", secret)) {}

std::string CursorCodec::Encode(uint64_t before_id) const {
  unsigned char raw[kRawBytes];
  for (size_t i = 0; i < kIdBytes; ++i) raw[i] = (before_id >> (8 * (kIdBytes - 1 - i))) & 0xff;
  const ShortMac mac = MakeShortMac(key_, IdBytes(raw));
  for (size_t i = 0; i < kShortMacBytes; ++i) raw[kIdBytes + i] = mac[i];
  char text[sodium_base64_ENCODED_LEN(kRawBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, raw, kRawBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

std::optional<uint64_t> CursorCodec::Decode(std::string_view cursor) const {
  // libsodium 1.0.18 decodes any byte >= 0x80 as '_': check the alphabet first so that each
  // cursor has exactly one accepted spelling.
  for (char c : cursor) {
    if (!IsAsciiAlnum(c) && c != '-' && c != '_') return std::nullopt;
  }
  unsigned char raw[kRawBytes];
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(raw, sizeof raw, cursor.data(), cursor.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      len != kRawBytes || end != cursor.data() + cursor.size()) {
    return std::nullopt;
  }
  if (!ShortMacMatches(key_, IdBytes(raw), raw + kIdBytes)) return std::nullopt;
  uint64_t id = 0;
  for (size_t i = 0; i < kIdBytes; ++i) id = (id << 8) | raw[i];
  return id;
}

}  // namespace shortener
