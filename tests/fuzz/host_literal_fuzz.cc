// Fuzzes the WHATWG IPv4 reading and CanonicalHost (src/domain/host_literal.h): every address
// read formats to a dotted quad that reads back to itself, spellings that differ only in case or
// one trailing dot read alike, canonical forms are fixed points, and the loop test agrees with
// the address's first byte.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ascii.h"
#include "domain/host_literal.h"
#include "fuzz_check.h"

using shortener::Ipv4Parse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string host =
      shortener::ToLowerAscii(std::string_view(reinterpret_cast<const char*>(data), size));
  const Ipv4Parse parsed = shortener::ParseIpv4Host(host);
  if (parsed.kind == Ipv4Parse::Kind::kAddress) {
    const std::string dotted = shortener::FormatIpv4(parsed.address);
    const Ipv4Parse back = shortener::ParseIpv4Host(dotted);
    FUZZ_CHECK(back.kind == Ipv4Parse::Kind::kAddress && back.address == parsed.address,
               "a formatted address does not read back to itself");
    const uint32_t first = parsed.address >> 24;
    FUZZ_CHECK(shortener::IsLoopbackOrUnspecified(dotted) == (first == 127 || first == 0),
               "the loop test disagrees with the address");
    if (host.empty() || host.back() != '.') {
      const Ipv4Parse dot = shortener::ParseIpv4Host(host + ".");
      FUZZ_CHECK(dot.kind == Ipv4Parse::Kind::kAddress && dot.address == parsed.address,
                 "one trailing dot changed the address");
    }
  }
  const std::optional<std::string> canonical = shortener::CanonicalHost(host);
  if (canonical) {
    FUZZ_CHECK(shortener::CanonicalHost(*canonical) == canonical,
               "a canonical host is not its own canonical form");
    if (parsed.kind == Ipv4Parse::Kind::kAddress) {
      FUZZ_CHECK(*canonical == shortener::FormatIpv4(parsed.address),
                 "an IPv4 host's canonical form is not its dotted quad");
    }
  } else {
    const bool empty_label = host.find("..") != std::string::npos || host.find('.') == 0;
    FUZZ_CHECK(parsed.kind == Ipv4Parse::Kind::kInvalid || host.find(':') != std::string::npos ||
                   host.find('[') == 0 || empty_label,
               "CanonicalHost refused a plain name");
  }
  return 0;
}
