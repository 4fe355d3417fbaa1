// Fuzzes the session cookie's parsing and the origin rule (src/http/cookies.h): a cookie value
// is a piece of the header holding no ';', and FromOrigin says yes only for the own origin.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "http/cookies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  std::optional<std::string_view> value = shortener::CookieValue(input, shortener::kSessionCookie);
  if (value) {
    FUZZ_CHECK(value->find(';') == std::string_view::npos, "a value spanning two pairs");
    FUZZ_CHECK(input.find(*value) != std::string::npos, "a value not in the header");
    FUZZ_CHECK(input.find(shortener::kSessionCookie) != std::string::npos, "no such name");
  }
  // Own origin, then the input as Origin and as Referer.
  const std::string own = "https://short.example";
  const std::string origin = shortener::OriginOf(input);
  if (!origin.empty()) {
    FUZZ_CHECK(origin.rfind("http://", 0) == 0 || origin.rfind("https://", 0) == 0, "scheme");
    FUZZ_CHECK(origin.find_first_of("/?#@", origin.find("://") + 3) == std::string::npos,
               "an origin with a path, query, fragment or user-info");
    FUZZ_CHECK(shortener::OriginOf(origin) == origin, "OriginOf is not idempotent");
  }
  bool from_origin = shortener::FromOrigin(input, "", own);
  bool from_referer = shortener::FromOrigin("", input, own);
  if (from_origin || from_referer) FUZZ_CHECK(origin == own, "accepted another origin");
  FUZZ_CHECK(!shortener::FromOrigin(input, input, ""), "an empty own origin accepted something");
  return 0;
}
