// Fuzzes CursorCodec (src/domain/cursor.h): Decode takes any text without crashing, accepts only
// the exact text Encode writes, and Encode(id) decodes to id for every 64-bit id.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "domain/cursor.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const shortener::CursorCodec codec("fuzz secret");
  FuzzedDataProvider in(data, size);
  const uint64_t id = in.ConsumeIntegral<uint64_t>();
  const std::string text = in.ConsumeRemainingBytesAsString();

  const std::optional<uint64_t> decoded = codec.Decode(text);
  if (decoded) FUZZ_CHECK(codec.Encode(*decoded) == text, "Decode accepted a non-canonical cursor");

  const std::string cursor = codec.Encode(id);
  FUZZ_CHECK(cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789-_") == std::string::npos,
             "a cursor is not URL-safe");
  const std::optional<uint64_t> back = codec.Decode(cursor);
  FUZZ_CHECK(back && *back == id, "Decode(Encode(id)) != id");
  // A cursor with one character changed must not verify (the MAC covers every bit but padding,
  // and base64url without padding has none here: 24 bytes are exactly 32 characters).
  if (!cursor.empty() && !text.empty()) {
    std::string edited = cursor;
    const size_t at = static_cast<unsigned char>(text[0]) % edited.size();
    edited[at] = edited[at] == 'A' ? 'B' : 'A';
    FUZZ_CHECK(!codec.Decode(edited).has_value(), "an edited cursor verified");
  }
  return 0;
}
