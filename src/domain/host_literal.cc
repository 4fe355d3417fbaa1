// The URL Standard's IPv4 parser (https://url.spec.whatwg.org/#concept-ipv4-parser), step by
// step, on the standard library; IPv6 literals through inet_pton/inet_ntop.
#include "domain/host_literal.h"

#include <arpa/inet.h>

#include <vector>

#include "base/ascii.h"

namespace shortener {

namespace {

// Any part above this fails every range check below; saturating here keeps a thousand-digit
// part from overflowing.
constexpr uint64_t kTooBig = uint64_t{1} << 40;

bool IsDigitOf(char c, int radix) {
  if (radix == 16)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  return c >= '0' && c < static_cast<char>('0' + radix);
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  return ToLowerAscii(c) - 'a' + 10;
}

// The URL Standard's "IPv4 number parser": nullopt on failure.
std::optional<uint64_t> ParseIpv4Number(std::string_view part) {
  if (part.empty()) return std::nullopt;
  int radix = 10;
  if (part.size() >= 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X')) {
    part.remove_prefix(2);
    radix = 16;
  } else if (part.size() >= 2 && part[0] == '0') {
    part.remove_prefix(1);
    radix = 8;
  }
  if (part.empty()) return 0;  // "0x" (and "0" followed by nothing after the prefix) is zero
  uint64_t value = 0;
  for (char c : part) {
    if (!IsDigitOf(c, radix)) return std::nullopt;
    value = value >= kTooBig ? kTooBig : value * static_cast<uint64_t>(radix) + DigitValue(c);
  }
  return value;
}

std::vector<std::string_view> SplitDots(std::string_view host) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = host.find('.', start);
    parts.push_back(host.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

// The URL Standard's "ends in a number checker".
bool EndsInANumber(std::vector<std::string_view> parts) {
  if (parts.back().empty()) {
    if (parts.size() == 1) return false;
    parts.pop_back();
  }
  std::string_view last = parts.back();
  bool digits = !last.empty();
  for (char c : last) digits = digits && c >= '0' && c <= '9';
  return digits || ParseIpv4Number(last).has_value();
}

bool InLoopRangeV4(uint32_t address) {
  const uint32_t first = address >> 24;
  return first == 127 || first == 0;
}

}  // namespace

Ipv4Parse ParseIpv4Host(std::string_view host) {
  Ipv4Parse result;
  std::vector<std::string_view> parts = SplitDots(host);
  if (!EndsInANumber(parts)) return result;
  result.kind = Ipv4Parse::Kind::kInvalid;
  if (parts.back().empty() && parts.size() > 1) parts.pop_back();
  if (parts.size() > 4) return result;
  std::vector<uint64_t> numbers;
  for (std::string_view part : parts) {
    std::optional<uint64_t> number = ParseIpv4Number(part);
    if (!number) return result;
    numbers.push_back(*number);
  }
  for (size_t i = 0; i + 1 < numbers.size(); ++i) {
    if (numbers[i] > 255) return result;
  }
  const size_t fill_bytes = 5 - numbers.size();  // bytes the last part covers
  if (numbers.back() >= (uint64_t{1} << (8 * fill_bytes))) return result;
  uint64_t address = numbers.back();
  for (size_t i = 0; i + 1 < numbers.size(); ++i) address += numbers[i] << (8 * (3 - i));
  result.kind = Ipv4Parse::Kind::kAddress;
  result.address = static_cast<uint32_t>(address);
  return result;
}

std::string FormatIpv4(uint32_t address) {
  return std::to_string(address >> 24) + "." + std::to_string((address >> 16) & 0xff) + "." +
         std::to_string((address >> 8) & 0xff) + "." + std::to_string(address & 0xff);
}

std::optional<std::string> CanonicalHost(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 2 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
    if (host.find(':') == std::string_view::npos) return std::nullopt;  // only IPv6 in brackets
  }
  if (host.find(':') != std::string_view::npos) {
    // inet_pton needs a terminated string; the longest IPv6 text is 45 characters.
    if (host.size() > 45) return std::nullopt;
    const std::string text(host);
    unsigned char bytes[16];
    if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return std::nullopt;
    char out[INET6_ADDRSTRLEN];
    if (inet_ntop(AF_INET6, bytes, out, sizeof out) == nullptr) return std::nullopt;
    return std::string(out);
  }
  const std::string lower = ToLowerAscii(host);
  const Ipv4Parse ipv4 = ParseIpv4Host(lower);
  if (ipv4.kind == Ipv4Parse::Kind::kInvalid) return std::nullopt;
  if (ipv4.kind == Ipv4Parse::Kind::kAddress) return FormatIpv4(ipv4.address);
  std::string_view name = lower;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  // An empty label ("a..b", ".a", "a..") names no host; refusing it keeps every canonical form
  // its own canonical form (stripping one root dot at a time would not).
  if (name.find("..") != std::string_view::npos || (!name.empty() && name.front() == '.') ||
      (!name.empty() && name.back() == '.')) {
    return std::nullopt;
  }
  return std::string(name);
}

bool IsLoopbackOrUnspecified(std::string_view canonical) {
  if (canonical.find(':') == std::string_view::npos) {
    const Ipv4Parse ipv4 = ParseIpv4Host(canonical);
    return ipv4.kind == Ipv4Parse::Kind::kAddress && InLoopRangeV4(ipv4.address);
  }
  const std::string text(canonical);
  unsigned char bytes[16];
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return false;
  // ::a.b.c.d and ::ffff:a.b.c.d carry an IPv4 address in their last 32 bits; ::1 and :: are
  // ::0.0.0.1 and ::0.0.0.0, inside 0.0.0.0/8.
  for (int i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return false;
  }
  const bool mapped = bytes[10] == 0xff && bytes[11] == 0xff;
  const bool compatible = bytes[10] == 0 && bytes[11] == 0;
  if (!mapped && !compatible) return false;
  const uint32_t v4 = (uint32_t{bytes[12]} << 24) | (uint32_t{bytes[13]} << 16) |
                      (uint32_t{bytes[14]} << 8) | uint32_t{bytes[15]};
  return InLoopRangeV4(v4);
}

}  // namespace shortener
