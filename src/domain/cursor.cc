// Cursor = base64url(big-endian id || first 16 bytes of HMAC-SHA512-256(id)), via libsodium.
#include "domain/cursor.h"

#include <sodium.h>

#include <cstdlib>

#include "base/ascii.h"

namespace shortener {

namespace {

constexpr size_t kIdBytes = 8;
// 128 bits of MAC are far beyond guessing range and keep cursors short.
constexpr size_t kMacBytes = 16;
constexpr size_t kRawBytes = kIdBytes + kMacBytes;

void Mac(const std::array<unsigned char, 32>& key, const unsigned char* id_bytes,
         unsigned char* out) {
  unsigned char full[crypto_auth_BYTES];
  crypto_auth(full, id_bytes, kIdBytes, key.data());
  for (size_t i = 0; i < kMacBytes; ++i) out[i] = full[i];
}

}  // namespace

CursorCodec::CursorCodec(std::string_view secret) {
  if (sodium_init() < 0) std::abort();  // no usable crypto: nothing safe to do
  static const char kContext[] = "shortener cursor v1";
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, key_.size());
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kContext),
                            sizeof kContext);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                            secret.size());
  crypto_generichash_final(&state, key_.data(), key_.size());
}

std::string CursorCodec::Encode(uint64_t before_id) const {
  unsigned char raw[kRawBytes];
  for (size_t i = 0; i < kIdBytes; ++i) raw[i] = (before_id >> (8 * (kIdBytes - 1 - i))) & 0xff;
  Mac(key_, raw, raw + kIdBytes);
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
  unsigned char expected[kMacBytes];
  Mac(key_, raw, expected);
  if (sodium_memcmp(expected, raw + kIdBytes, kMacBytes) != 0) return std::nullopt;
  uint64_t id = 0;
  for (size_t i = 0; i < kIdBytes; ++i) id = (id << 8) | raw[i];
  return id;
}

}  // namespace shortener
