// Argon2id through libargon2; random secrets and their digests through libsodium.
#include "domain/auth.h"

#include <argon2.h>
#include <sodium.h>

#include <cstdlib>
#include <string>

#include "base/ascii.h"
#include "base/sodium.h"

namespace shortener {

namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr size_t kSecretBytes = 32;
constexpr int kSecretB64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

const char* PrefixOf(SecretKind kind) { return kind == SecretKind::kLoginToken ? "slt_" : "slk_"; }

size_t SecretTextLength(SecretKind kind) {
  return std::string_view(PrefixOf(kind)).size() +
         sodium_base64_encoded_len(kSecretBytes, kSecretB64Variant) - 1;
}

}  // namespace

PasswordHasher::PasswordHasher(PasswordCosts costs) : costs_(costs) {
  RequireSodium();
  cost_prefix_ = "$argon2id$v=" + std::to_string(ARGON2_VERSION_NUMBER) +
                 "$m=" + std::to_string(costs_.memory_kib) + ",t=" + std::to_string(costs_.passes) +
                 ",p=" + std::to_string(costs_.lanes) + "$";
  unsigned char random_password[16];
  randombytes_buf(random_password, sizeof random_password);
  Result<std::string> nobody = Hash(
      std::string_view(reinterpret_cast<const char*>(random_password), sizeof random_password));
  // Without it a login for an unknown name would answer faster than for a wrong password.
  if (!nobody.ok()) std::abort();
  nobody_hash_ = std::move(nobody.value());
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  unsigned char salt[kSaltBytes];
  randombytes_buf(salt, sizeof salt);
  size_t length = argon2_encodedlen(costs_.passes, costs_.memory_kib, costs_.lanes, kSaltBytes,
                                    kHashBytes, Argon2_id);
  std::string encoded(length, '\0');
  int rc = argon2id_hash_encoded(costs_.passes, costs_.memory_kib, costs_.lanes, password.data(),
                                 password.size(), salt, sizeof salt, kHashBytes, encoded.data(),
                                 encoded.size());
  if (rc != ARGON2_OK) {
    return Error::Make(ErrorCode::kInternal, std::string("argon2: ") + argon2_error_message(rc));
  }
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool PasswordHasher::Verify(const std::string& encoded, std::string_view password) const {
  // argon2id_verify also refuses other Argon2 types, so an "$argon2i$" string never matches.
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool PasswordHasher::VerifyNobody(std::string_view password) const {
  Verify(nobody_hash_, password);
  return false;
}

bool PasswordHasher::NeedsRehash(const std::string& encoded) const {
  return encoded.compare(0, cost_prefix_.size(), cost_prefix_) != 0;
}

std::string NewSecret(SecretKind kind) {
  RequireSodium();
  unsigned char bytes[kSecretBytes];
  randombytes_buf(bytes, sizeof bytes);
  char text[sodium_base64_ENCODED_LEN(kSecretBytes, kSecretB64Variant)];
  sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, kSecretB64Variant);
  sodium_memzero(bytes, sizeof bytes);
  return std::string(PrefixOf(kind)) + text;
}

bool LooksLikeSecret(SecretKind kind, std::string_view text) {
  std::string_view prefix = PrefixOf(kind);
  if (text.size() != SecretTextLength(kind) || text.substr(0, prefix.size()) != prefix) {
    return false;
  }
  for (char c : text.substr(prefix.size())) {
    if (!IsAsciiAlnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string SecretDigest(std::string_view secret) {
  RequireSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

}  // namespace shortener
