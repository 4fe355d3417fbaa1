// Secrets: Argon2id password hashes (libargon2), and the random tokens and API keys handed to
// clients together with the digests under which they are stored (libsodium). Pure apart from
// the operating system's random numbers; the only file that includes libargon2.
#ifndef SHORTENER_AUTH_H_
#define SHORTENER_AUTH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

// Argon2id costs. The defaults are OWASP's first recommendation (19 MiB, 2 passes, 1 lane):
// about 30 ms of one core here, which bounds what a stolen hash is worth to an attacker and
// what a login costs a worker.
struct PasswordCosts {
  uint32_t memory_kib = 19456;
  uint32_t passes = 2;
  uint32_t lanes = 1;
};

class PasswordHasher {
 public:
  // Hashes with `costs` from now on. Costs are checked by the config (libargon2's own bounds).
  explicit PasswordHasher(PasswordCosts costs);

  // The Argon2id encoded string of `password` ("$argon2id$v=19$m=...,t=...,p=...$salt$hash")
  // with a fresh 16-byte random salt. kInternal if libargon2 fails (out of memory).
  Result<std::string> Hash(std::string_view password) const;

  // True if `password` matches `encoded`. A malformed `encoded` never matches.
  bool Verify(const std::string& encoded, std::string_view password) const;

  // Does the same Argon2 work as Verify against a real hash, and returns false. For a login
  // whose username is unknown: it must take as long as a wrong password, or timing would tell
  // which usernames exist.
  bool VerifyNobody(std::string_view password) const;

  // True if `encoded` was made with other costs (or is not Argon2id): the next successful
  // login should store a fresh Hash.
  bool NeedsRehash(const std::string& encoded) const;

 private:
  PasswordCosts costs_;
  std::string
      cost_prefix_;  // "$argon2id$v=19$m=19456,t=2,p=1$", what every current hash starts with
  std::string nobody_hash_;  // a hash of a random password, made with the current costs
};

// The two kinds of bearer secret, told apart by their prefix so that a leaked one is easy to
// recognise (and to grep for in logs that should never hold it).
enum class SecretKind { kLoginToken, kApiKey };

// A new secret: the kind's prefix ("slt_" or "slk_") and 32 bytes (256 bits) from the operating
// system's generator, base64url without padding. 47 characters in all.
std::string NewSecret(SecretKind kind);

// True if `text` has the shape of a secret of `kind` (prefix, length, alphabet). Lets a forged
// or mangled header be refused without a database lookup.
bool LooksLikeSecret(SecretKind kind, std::string_view text);

// The digest a secret is stored and looked up by: SHA-256, 32 raw bytes. Plain SHA-256 is
// right here (unlike for passwords): a secret has 256 random bits, so there is nothing to guess.
std::string SecretDigest(std::string_view secret);

}  // namespace shortener

#endif  // SHORTENER_AUTH_H_
