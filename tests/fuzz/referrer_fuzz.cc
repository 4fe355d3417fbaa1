// Fuzzes ReferrerHost (src/domain/referrer.h): any bytes give "direct", "unknown" or a lower-case
// host of host characters taken from the input itself, never a path, query, user-info or port.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/ascii.h"
#include "domain/referrer.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string referer(reinterpret_cast<const char*>(data), size);
  const std::string host = shortener::ReferrerHost(referer);
  if (host == shortener::kDirectReferrer) {
    FUZZ_CHECK(shortener::TrimBlanks(referer).empty(), "direct for a non-blank Referer");
    return 0;
  }
  if (host == shortener::kUnknownReferrer) return 0;
  FUZZ_CHECK(!host.empty() && host.size() <= shortener::kMaxReferrerHost, "host length");
  FUZZ_CHECK(host != "other", "a host passing for the other bucket");
  for (char c : host) {
    FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                   c == '_' || c == ':',
               "a byte that is not a lower-case host character");
  }
  // The host is a piece of the Referer, only lower-cased: nothing is made up.
  FUZZ_CHECK(shortener::ToLowerAscii(referer).find(host) != std::string::npos,
             "a host that is not in the Referer");
  // A host does not change when the path, query and fragment do.
  const std::string longer = std::string(shortener::TrimBlanks(referer)) + "#/more?x=1";
  const std::string again = shortener::ReferrerHost(longer);
  if (longer.size() <= shortener::kMaxReferrerBytes) {
    FUZZ_CHECK(again == host || again == shortener::kUnknownReferrer, "a suffix changed the host");
  }
  return 0;
}
