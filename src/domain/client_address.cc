// Client addresses behind trusted proxies, on top of inet_pton/inet_ntop.
#include "domain/client_address.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include "base/ascii.h"

namespace shortener {

namespace {

constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// A single address as a full-length network (/32 or /128); an IPv4-mapped IPv6 address becomes
// IPv4.
std::optional<IpNetwork> ParseAddress(std::string_view text) {
  // inet_pton needs a NUL-terminated string; the longest IPv6 text form is 45 characters.
  // A NUL would end the text inet_pton sees, letting "1.2.3.4\0junk" pass as 1.2.3.4.
  if (text.empty() || text.size() > 45 || text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  const std::string copy(text);
  IpNetwork address;
  if (inet_pton(AF_INET, copy.c_str(), address.bytes) == 1) {
    address.prefix = 32;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes) != 1) return std::nullopt;
  if (std::memcmp(address.bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    std::memmove(address.bytes, address.bytes + 12, 4);
    std::memset(address.bytes + 4, 0, 12);
    address.prefix = 32;
    return address;
  }
  address.v6 = true;
  address.prefix = 128;
  return address;
}

// Clears the bits of `network` past its prefix.
void Mask(IpNetwork* network) {
  const int total = network->v6 ? 16 : 4;
  for (int i = 0; i < total; ++i) {
    const int bits = network->prefix - 8 * i;
    if (bits >= 8) continue;
    network->bytes[i] &= bits <= 0 ? 0 : static_cast<unsigned char>(0xff << (8 - bits));
  }
}

bool Contains(const IpNetwork& network, const IpNetwork& address) {
  if (network.v6 != address.v6) return false;
  IpNetwork masked = address;
  masked.prefix = network.prefix;
  Mask(&masked);
  return std::memcmp(masked.bytes, network.bytes, network.v6 ? 16 : 4) == 0;
}

bool IsTrusted(const IpNetwork& address, const std::vector<IpNetwork>& trusted) {
  for (const IpNetwork& network : trusted) {
    if (Contains(network, address)) return true;
  }
  return false;
}

std::string AddressText(const IpNetwork& address) {
  char text[INET6_ADDRSTRLEN];
  inet_ntop(address.v6 ? AF_INET6 : AF_INET, address.bytes, text, sizeof text);
  return text;
}

// One X-Forwarded-For entry: an address, perhaps "[v6]", "[v6]:port" or "v4:port".
std::optional<IpNetwork> ParseForwardedEntry(std::string_view entry) {
  entry = TrimBlanks(entry);
  if (std::optional<IpNetwork> plain = ParseAddress(entry)) return plain;
  if (!entry.empty() && entry.front() == '[') {
    const size_t close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::optional<IpNetwork> v6 = ParseAddress(entry.substr(1, close - 1));
    return v6 && v6->v6 ? v6 : std::nullopt;
  }
  const size_t colon = entry.find(':');
  if (colon == std::string_view::npos || entry.find(':', colon + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  std::optional<IpNetwork> v4 = ParseAddress(entry.substr(0, colon));
  return v4 && !v4->v6 ? v4 : std::nullopt;
}

}  // namespace

std::string IpNetwork::ToString() const {
  std::string text = AddressText(*this);
  if (prefix != (v6 ? 128 : 32)) text += "/" + std::to_string(prefix);
  return text;
}

bool operator==(const IpNetwork& a, const IpNetwork& b) {
  return a.v6 == b.v6 && a.prefix == b.prefix && std::memcmp(a.bytes, b.bytes, 16) == 0;
}

Result<IpNetwork> ParseIpNetwork(std::string_view text) {
  const size_t slash = text.find('/');
  std::optional<IpNetwork> network = ParseAddress(text.substr(0, slash));
  if (!network) {
    return Error::Validation("", "expected an IP address or network (10.0.0.0/8, ::1), got '" +
                                     std::string(text.substr(0, 64)) + "'");
  }
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const int max = network->v6 ? 128 : 32;
    int prefix = 0;
    bool ok = !digits.empty() && digits.size() <= 3;
    for (size_t i = 0; ok && i < digits.size(); ++i) {
      ok = digits[i] >= '0' && digits[i] <= '9';
      prefix = prefix * 10 + (digits[i] - '0');
    }
    if (!ok || prefix > max) {
      return Error::Validation("", "prefix length must be from 0 to " + std::to_string(max) +
                                       ", got '" + std::string(text.substr(0, 64)) + "'");
    }
    network->prefix = prefix;
    Mask(&*network);
  }
  return *network;
}

std::string ClientAddress(std::string_view remote_addr, std::string_view forwarded_for,
                          const std::vector<IpNetwork>& trusted) {
  std::optional<IpNetwork> remote = ParseAddress(remote_addr);
  if (!remote) return std::string(remote_addr);
  IpNetwork client = *remote;
  if (!IsTrusted(client, trusted)) return AddressText(client);
  // Right to left: each trusted hop vouches for the entry it appended, the one before it.
  size_t end = forwarded_for.size();
  while (end > 0) {
    const size_t comma = forwarded_for.rfind(',', end - 1);
    const size_t start = comma == std::string_view::npos ? 0 : comma + 1;
    const std::string_view entry = forwarded_for.substr(start, end - start);
    end = comma == std::string_view::npos ? 0 : comma;
    if (TrimBlanks(entry).empty()) continue;
    std::optional<IpNetwork> hop = ParseForwardedEntry(entry);
    if (!hop) break;
    client = *hop;
    if (!IsTrusted(client, trusted)) break;
  }
  return AddressText(client);
}

std::string AddressKey(std::string_view address) {
  std::optional<IpNetwork> parsed = ParseAddress(address);
  if (!parsed || !parsed->v6) return std::string(address);
  parsed->prefix = 64;
  Mask(&*parsed);
  return parsed->ToString();
}

std::string ClientKey(const Request& request, const std::vector<IpNetwork>& trusted) {
  return AddressKey(ClientAddress(request.remote_addr, request.forwarded_for, trusted));
}

}  // namespace shortener
