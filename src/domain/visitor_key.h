// The daily visitor hash behind the unique-visitor counts: a keyed 64-bit hash of (client
// address, User-Agent) whose key changes every UTC day.
//
// Why keyed and daily: the hash goes into a HyperLogLog sketch that is stored, and registers of a
// stored sketch leak a little about the hashes in it. Without the secret nobody can test whether
// a given address visited (no dictionary attack over the IPv4 space), and since the key of one
// day tells nothing about another's, the same visitor cannot be followed from day to day, even
// by whoever holds the database. Every worker and every instance derives the same daily key from
// the same secret, so their sketches of one day merge. Nothing here keeps an address or a
// User-Agent: they are hashed and forgotten.
//
// Keys: master = BLAKE2b-256("shortener visitor key v1" || secret); the key of UTC day d is
// libsodium's crypto_kdf_derive_from_key(16 bytes, subkey id d, context "visitday", master);
// the hash is the first 8 bytes (little-endian) of BLAKE2b-128 keyed with the day's key over
// le64(address length) || address || User-Agent (the length keeps the two fields apart).
#ifndef SHORTENER_VISITOR_KEY_H_
#define SHORTENER_VISITOR_KEY_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "base/error.h"

namespace shortener {

// The key of one UTC day. A plain value: cheap to copy, immutable, safe to share across threads.
class DailyVisitorKey {
 public:
  static constexpr size_t kKeyBytes = 16;

  // The day this key belongs to (days since 1970-01-01, UTC).
  int64_t day() const { return day_; }

  // The visitor hash of a visit from `address` (the client address as the worker has it, any
  // spelling: callers pass it the same way every time) with User-Agent `user_agent` (empty when
  // absent). Same inputs, same day, same secret: same hash; any other day or secret gives an
  // unrelated one.
  uint64_t Hash(std::string_view address, std::string_view user_agent) const;

 private:
  friend class VisitorKeys;
  DailyVisitorKey(int64_t day, const std::array<unsigned char, kKeyBytes>& key)
      : day_(day), key_(key) {}

  int64_t day_;
  std::array<unsigned char, kKeyBytes> key_;
};

// Derives the daily keys from the secret. Immutable once made.
class VisitorKeys {
 public:
  // From `secret` (non-empty; the configured statistics secret). Errors: kValidation with
  // field "visitor_secret" for an empty secret; kInternal if libsodium cannot start.
  static Result<VisitorKeys> Create(std::string_view secret);

  // The key of UTC day `day` (days since 1970-01-01). Costs one BLAKE2b: callers keep the
  // current day's key and ask again when the day changes.
  DailyVisitorKey ForDay(int64_t day) const;

 private:
  static constexpr size_t kMasterBytes = 32;
  VisitorKeys() = default;
  std::array<unsigned char, kMasterBytes> master_{};
};

}  // namespace shortener

#endif  // SHORTENER_VISITOR_KEY_H_
