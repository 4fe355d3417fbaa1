// Daily visitor keys and hashes with libsodium (see visitor_key.h for the construction).
#include "domain/visitor_key.h"

#include <sodium.h>

#include "base/sodium.h"

namespace shortener {

namespace {

// crypto_kdf contexts are exactly crypto_kdf_CONTEXTBYTES (8) characters.
constexpr char kDayContext[crypto_kdf_CONTEXTBYTES + 1] = "visitday";
constexpr unsigned char kMasterContext[] = "shortener visitor key v1";
constexpr size_t kHashBytes = crypto_generichash_BYTES_MIN;  // 16; the first 8 are used

static_assert(DailyVisitorKey::kKeyBytes >= crypto_kdf_BYTES_MIN &&
                  DailyVisitorKey::kKeyBytes >= crypto_generichash_KEYBYTES_MIN,
              "a day's key must be usable by crypto_kdf and crypto_generichash");

void Update(crypto_generichash_state* state, const void* data, size_t size) {
  crypto_generichash_update(state, static_cast<const unsigned char*>(data), size);
}

}  // namespace

Result<VisitorKeys> VisitorKeys::Create(std::string_view secret) {
  if (secret.empty()) {
    return Error::Validation("visitor_secret", "visitor_secret must not be empty.");
  }
  RequireSodium();
  VisitorKeys keys;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, kMasterBytes);
  Update(&state, kMasterContext, sizeof kMasterContext - 1);
  Update(&state, secret.data(), secret.size());
  crypto_generichash_final(&state, keys.master_.data(), kMasterBytes);
  sodium_memzero(&state, sizeof state);
  return keys;
}

DailyVisitorKey VisitorKeys::ForDay(int64_t day) const {
  std::array<unsigned char, DailyVisitorKey::kKeyBytes> key{};
  // Days before 1970 wrap to large ids: still one distinct id per day.
  crypto_kdf_derive_from_key(key.data(), key.size(), static_cast<uint64_t>(day), kDayContext,
                             master_.data());
  return DailyVisitorKey(day, key);
}

uint64_t DailyVisitorKey::Hash(std::string_view address, std::string_view user_agent) const {
  unsigned char length[8];
  uint64_t n = address.size();
  for (unsigned char& byte : length) {
    byte = static_cast<unsigned char>(n & 0xff);
    n >>= 8;
  }
  crypto_generichash_state state;
  crypto_generichash_init(&state, key_.data(), key_.size(), kHashBytes);
  Update(&state, length, sizeof length);
  Update(&state, address.data(), address.size());
  Update(&state, user_agent.data(), user_agent.size());
  unsigned char out[kHashBytes];
  crypto_generichash_final(&state, out, kHashBytes);
  uint64_t hash = 0;
  for (int i = 7; i >= 0; --i) hash = hash << 8 | out[i];
  return hash;
}

}  // namespace shortener
