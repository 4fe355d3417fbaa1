// Hosts as a browser reads them: numeric IPv4 spellings (WHATWG URL Standard's IPv4 parser),
// IPv6 literals, one canonical text per host, and which hosts are this machine's loopback or
// "unspecified" address in any spelling (API.md "Target URLs": redirect loops).
#ifndef SHORTENER_HOST_LITERAL_H_
#define SHORTENER_HOST_LITERAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shortener {

// What the WHATWG IPv4 parser makes of a host.
struct Ipv4Parse {
  enum class Kind {
    kName,     // the host does not end in a number: a domain name, not an IPv4 address
    kInvalid,  // it ends in a number but no address parses: a browser refuses the whole URL
    kAddress,  // an IPv4 address, in `address`
  };
  Kind kind = Kind::kName;
  uint32_t address = 0;
};

// Reads `host` (lowercased ASCII, no brackets) as the URL Standard's host parser does after its
// "ends in a number" check: 1 to 4 dot-separated parts, each decimal, octal (a leading 0) or hex
// (a leading 0x), the last part filling the bytes the others leave ("127.1" is 127.0.0.1,
// "2130706433" and "0x7f.1" and "017700000001" too); one trailing dot is allowed. Pure: no
// resolver, no locale.
Ipv4Parse ParseIpv4Host(std::string_view host);

// "a.b.c.d" of an address.
std::string FormatIpv4(uint32_t address);

// The one text of `host` that every spelling of it shares, for comparing hosts: an IPv4 address
// in any numeric spelling as "a.b.c.d"; an IPv6 literal (with or without brackets) as
// inet_ntop writes it ("::1", "::ffff:127.0.0.1"); a name lowercased without its trailing root
// dot. nullopt when `host` ends in a number but is no IPv4 address, is bracketed but no IPv6
// address, or is a name with an empty label ("a..b", ".a", "a.."): a browser would refuse it.
std::optional<std::string> CanonicalHost(std::string_view host);

// True if `canonical` (a CanonicalHost result) is an address a browser on any machine reaches
// itself through: IPv4 127.0.0.0/8 (loopback) or 0.0.0.0/8 (unspecified, which connects to the
// local host), and IPv6 ::1, :: and the IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible
// (::a.b.c.d) forms of those IPv4 ranges.
bool IsLoopbackOrUnspecified(std::string_view canonical);

}  // namespace shortener

#endif  // SHORTENER_HOST_LITERAL_H_
