// Who sent a request: the client's IP address behind trusted proxies (config trusted_proxies),
// for the per-address rate limits.
#ifndef SHORTENER_CLIENT_ADDRESS_H_
#define SHORTENER_CLIENT_ADDRESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "http/http.h"

namespace shortener {

// An IPv4 or IPv6 network: an address and a prefix length. IPv4 is kept as such; an
// IPv4-mapped IPv6 address (::ffff:a.b.c.d) is matched as the IPv4 address it maps.
struct IpNetwork {
  bool v6 = false;
  unsigned char bytes[16] = {};  // the first 4 for IPv4; bits past the prefix are zero
  int prefix = 0;                // 0..32 for IPv4, 0..128 for IPv6

  // "10.0.0.0/8", "2001:db8::/32"; a whole address without "/32" or "/128".
  std::string ToString() const;
};

bool operator==(const IpNetwork& a, const IpNetwork& b);

// Parses "ADDRESS" or "ADDRESS/PREFIX" (IPv4 dotted quad or IPv6 text form, no brackets, no
// zone). Bits past the prefix are cleared ("10.1.2.3/8" is 10.0.0.0/8). kValidation (field
// empty, for the caller to name) with the reason when it is not one.
Result<IpNetwork> ParseIpNetwork(std::string_view text);

// The address the rate limits key a request by. Returns `remote_addr` (in canonical text form,
// an IPv4-mapped address as IPv4) unless it is in one of the `trusted` networks; then walks
// `forwarded_for` (X-Forwarded-For: comma-separated, the nearest proxy's entry last) from the
// right, skipping trusted addresses, and returns the first untrusted one: entries left of it
// are whatever the client chose to send. When every entry is trusted, the left-most; when an
// entry does not parse, the last good address before it (nothing further left can be
// believed). Entries may carry brackets around IPv6 and a ":port" after IPv4 or "]".
// A `remote_addr` that is no IP address (a unix socket) is returned as given.
std::string ClientAddress(std::string_view remote_addr, std::string_view forwarded_for,
                          const std::vector<IpNetwork>& trusted);

// The part of a ClientAddress result that identifies one client for a limit: an IPv4 address
// as is, an IPv6 address cut to its /64 (one subscriber usually holds a whole /64 and could
// otherwise take a fresh address per request). Anything else is returned as given.
std::string AddressKey(std::string_view address);

// AddressKey of the ClientAddress of `request` (its REMOTE_ADDR and X-Forwarded-For): what every
// per-address limit is keyed by.
std::string ClientKey(const Request& request, const std::vector<IpNetwork>& trusted);

}  // namespace shortener

#endif  // SHORTENER_CLIENT_ADDRESS_H_
