// Reading and writing the server entries of the config.
#include "base/server_address.h"

#include <optional>

#include "base/decimal.h"

namespace shortener {

namespace {

bool HasSpaceOrControl(std::string_view text) {
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return true;
  }
  return false;
}

Error Invalid(std::string problem) { return Error::Validation("", std::move(problem)); }

}  // namespace

std::string ServerAddress::ToString() const {
  if (!socket_path.empty()) return socket_path;
  bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<ServerAddress> ParseServerAddress(std::string_view item) {
  // Not quoted back: the caller names the key, and the item may be anything.
  Error bad = Invalid("expected host:port or an absolute socket path");
  if (item.empty()) return Invalid("has an empty entry");
  if (item[0] == '/') {
    for (char c : item) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) return bad;
    }
    return ServerAddress{"", 0, std::string(item)};
  }
  std::string_view host;
  std::string_view port;
  if (item[0] == '[') {
    size_t close = item.find(']');
    if (close == std::string_view::npos || item.substr(close + 1, 1) != ":") return bad;
    host = item.substr(1, close - 1);
    port = item.substr(close + 2);
    // Brackets are for IPv6 addresses, which hold colons: "[name]:1" would be written back
    // as "name:1", and "[[x]:1" as something that does not read at all.
    if (host.find(':') == std::string_view::npos) {
      return Invalid("has brackets around a host that is not an IPv6 address");
    }
  } else {
    size_t colon = item.rfind(':');
    if (colon == std::string_view::npos) return bad;
    host = item.substr(0, colon);
    port = item.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Invalid("needs brackets around an IPv6 address ([::1]:11211)");
    }
  }
  if (host.empty() || HasSpaceOrControl(host) ||
      host.find_first_of("[]") != std::string_view::npos) {
    return bad;
  }
  std::optional<uint64_t> number = ParseDecimal(port);
  if (!number || *number < 1 || *number > 65535) return Invalid("port must be from 1 to 65535");
  return ServerAddress{std::string(host), static_cast<int>(*number), ""};
}

}  // namespace shortener
