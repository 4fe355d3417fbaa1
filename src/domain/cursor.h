// Opaque, tamper-evident pagination cursors for keyset listings.
//
// A cursor carries the id the next page starts below, with a MAC so a client cannot forge or
// edit one: a cursor the service did not issue is refused (422) instead of scanning from an
// arbitrary place.
#ifndef SHORTENER_CURSOR_H_
#define SHORTENER_CURSOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/keyed_mac.h"

namespace shortener {

class CursorCodec {
 public:
  // Keys the MAC from `secret` (any length, non-empty).
  explicit CursorCodec(std::string_view secret);

  // The URL-safe text form of `before_id`.
  std::string Encode(uint64_t before_id) const;
  // The id inside `cursor`, or nullopt if it is malformed or its MAC does not verify.
  std::optional<uint64_t> Decode(std::string_view cursor) const;

 private:
  MacKey key_;
};

}  // namespace shortener

#endif  // SHORTENER_CURSOR_H_
