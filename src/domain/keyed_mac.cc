// Key derivation and MACs through libsodium (crypto_generichash, crypto_auth).
#include "domain/keyed_mac.h"

#include <sodium.h>

#include <cstdlib>

#include "base/sodium.h"

namespace shortener {

MacKey DeriveMacKey(std::string_view context, std::string_view secret) {
  RequireSodium();
  MacKey key;
  crypto_generichash_state state;
  crypto_generichash_init(&state, nullptr, 0, key.size());
  // The terminating NUL goes in too, so no context is a prefix of another's input.
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(context.data()),
                            context.size());
  const unsigned char nul = 0;
  crypto_generichash_update(&state, &nul, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                            secret.size());
  crypto_generichash_final(&state, key.data(), key.size());
  return key;
}

ShortMac MakeShortMac(const MacKey& key, std::string_view message) {
  unsigned char full[crypto_auth_BYTES];
  crypto_auth(full, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
              key.data());
  ShortMac mac;
  for (size_t i = 0; i < mac.size(); ++i) mac[i] = full[i];
  return mac;
}

bool ShortMacMatches(const MacKey& key, std::string_view message, const unsigned char* mac) {
  const ShortMac expected = MakeShortMac(key, message);
  return sodium_memcmp(expected.data(), mac, expected.size()) == 0;
}

}  // namespace shortener
