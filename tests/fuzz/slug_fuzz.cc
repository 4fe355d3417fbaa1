// Fuzzes SlugCodec (src/domain/slug.h) over every alphabet size and minimum length: Decode takes
// any string, whatever it decodes encodes back to the same string, and Encode(id) decodes to id for
// every id from 1 to UINT64_MAX, as a slug the redirect path's filter lets through.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "domain/slug.h"
#include "fuzz_check.h"

namespace {

constexpr size_t kBase62Size = sizeof(shortener::kBase62Alphabet) - 1;
constexpr size_t kMaxSlugLength = 64;  // the links table's slug column

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  // Rotating base62 gives alphabets of every size whose padding character varies too.
  const size_t alphabet_size = in.ConsumeIntegralInRange<size_t>(2, kBase62Size);
  const size_t rotation = in.ConsumeIntegralInRange<size_t>(0, kBase62Size - 1);
  const std::string base62(shortener::kBase62Alphabet);
  const std::string alphabet =
      (base62.substr(rotation) + base62.substr(0, rotation)).substr(0, alphabet_size);
  const int min_length = in.ConsumeIntegralInRange(3, 12);
  const uint64_t id = in.ConsumeIntegralInRange<uint64_t>(1, std::numeric_limits<uint64_t>::max());
  const std::string text = in.ConsumeRemainingBytesAsString();

  const shortener::Result<shortener::SlugCodec> created =
      shortener::SlugCodec::Create(alphabet, min_length, "fuzz secret");
  FUZZ_CHECK(created.ok(), "SlugCodec::Create refused valid parameters");
  const shortener::SlugCodec& codec = created.value();

  const std::optional<uint64_t> decoded = codec.Decode(text);
  if (decoded) {
    FUZZ_CHECK(*decoded >= 1, "Decode returned id 0");
    FUZZ_CHECK(codec.Encode(*decoded) == text, "Encode(Decode(s)) != s");
  }

  const std::string slug = codec.Encode(id);
  FUZZ_CHECK(slug.size() >= static_cast<size_t>(min_length), "a slug is shorter than min_length");
  FUZZ_CHECK(slug.size() <= kMaxSlugLength, "a slug does not fit the slug column");
  FUZZ_CHECK(slug.find_first_not_of(alphabet) == std::string::npos,
             "a slug holds a character outside the alphabet");
  FUZZ_CHECK(shortener::LooksLikeSlug(slug), "a generated slug fails LooksLikeSlug");
  const std::optional<uint64_t> back = codec.Decode(slug);
  FUZZ_CHECK(back && *back == id, "Decode(Encode(id)) != id");

  // The custom slug rules on the same arbitrary text.
  if (shortener::IsValidCustomSlug(text)) {
    FUZZ_CHECK(shortener::LooksLikeSlug(text), "a valid custom slug fails LooksLikeSlug");
  }
  return 0;
}
