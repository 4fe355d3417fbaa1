// `shortener --listen unix:PATH|HOST:PORT`: the worker (or the supervisor, before it forks)
// opens its FastCGI listening socket itself instead of being handed one as fd 0 by spawn-fcgi
// or systemd.
#ifndef SHORTENER_LISTEN_SOCKET_H_
#define SHORTENER_LISTEN_SOCKET_H_

#include <string>

#include "base/error.h"

namespace shortener {

struct ListenAddress {
  std::string unix_path;  // set for unix:PATH
  std::string host;       // set for HOST:PORT ([v6]:PORT for an IPv6 literal)
  std::string port;
};

// Parses "unix:PATH" (an absolute path that fits sun_path) or "HOST:PORT" (port 1-65535).
// kBadRequest with a message naming the form otherwise.
Result<ListenAddress> ParseListenAddress(const std::string& text);

// Binds and listens (backlog 1024) on `address` and moves the socket to fd 0, where libfcgi
// accepts (FCGI_LISTENSOCK_FILENO). A unix socket is created mode 0600 (owner only); a stale
// socket file nobody accepts on is replaced, a live one or any other file is an error.
// kUnavailable naming the address when it cannot be bound.
Status ListenOnFd0(const ListenAddress& address);

}  // namespace shortener

#endif  // SHORTENER_LISTEN_SOCKET_H_
