// A server named in the config: "host:port" ("[v6]:port") or an absolute unix socket path. One
// reader for every key that lists servers (mysql_servers, memcached_servers).
#ifndef SHORTENER_SERVER_ADDRESS_H_
#define SHORTENER_SERVER_ADDRESS_H_

#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

struct ServerAddress {
  std::string host;         // without brackets for IPv6; empty for a socket
  int port = 0;             // 1..65535; 0 for a socket
  std::string socket_path;  // absolute; empty for TCP

  // "host:port" ("[v6]:port" for an IPv6 host) or the socket path, as written in the config.
  std::string ToString() const;
};

inline bool operator==(const ServerAddress& a, const ServerAddress& b) {
  return a.host == b.host && a.port == b.port && a.socket_path == b.socket_path;
}

// One entry: an absolute socket path (no control characters) or host:port (an IPv6 host in
// brackets; a port of 1 to 65535). kValidation without a field, saying what is wrong, else.
Result<ServerAddress> ParseServerAddress(std::string_view item);

}  // namespace shortener

#endif  // SHORTENER_SERVER_ADDRESS_H_
