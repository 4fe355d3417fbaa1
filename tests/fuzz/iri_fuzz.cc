// Fuzzes IriToUri (src/domain/iri.h): what it returns is ASCII, converting that again changes
// nothing, ASCII input comes back as it was, and refusals are kValidation on the given field.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/iri.h"
#include "domain/url_check.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;

  const shortener::Result<std::string> uri = shortener::IriToUri(text, "url");
  if (!uri.ok()) {
    FUZZ_CHECK(uri.error().code == shortener::ErrorCode::kValidation,
               "IriToUri refused with a code other than kValidation");
    FUZZ_CHECK(uri.error().field == "url", "IriToUri refused naming another field");
    FUZZ_CHECK(!ascii, "IriToUri refused ASCII text, which it must pass through");
    return 0;
  }
  for (char c : uri.value()) {
    FUZZ_CHECK(static_cast<unsigned char>(c) < 0x80, "IriToUri returned a non-ASCII byte");
  }
  if (ascii) FUZZ_CHECK(uri.value() == text, "IriToUri changed ASCII text");
  const shortener::Result<std::string> again = shortener::IriToUri(uri.value(), "url");
  FUZZ_CHECK(again.ok() && again.value() == uri.value(), "IriToUri is not idempotent");
  // Whatever the full check accepts is what it would store: ASCII, no control bytes.
  shortener::UrlPolicy policy;
  const shortener::Result<std::string> accepted = shortener::AcceptTargetUrl(text, policy, "url");
  if (accepted.ok()) {
    FUZZ_CHECK(accepted.value() == uri.value(), "AcceptTargetUrl stored another form");
    for (char c : accepted.value()) {
      const unsigned char b = static_cast<unsigned char>(c);
      FUZZ_CHECK(b > 0x20 && b < 0x7f, "AcceptTargetUrl accepted a control byte or a space");
    }
  }
  return 0;
}
