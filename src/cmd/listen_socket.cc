// Opening the FastCGI listening socket for --listen.
#include "cmd/listen_socket.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "base/decimal.h"

namespace shortener {

namespace {

constexpr int kBacklog = 1024;

Error Bad(const std::string& text, const char* why) {
  return Error::Make(ErrorCode::kBadRequest,
                     "--listen " + text + ": " + why + " (unix:/ABSOLUTE/PATH or HOST:PORT)");
}

Error CannotBind(const std::string& what, int err) {
  return Error::Make(ErrorCode::kUnavailable,
                     "cannot listen on " + what + ": " + std::strerror(err));
}

// Moves `fd` to 0 (closing what was there) unless it is 0 already.
Status MoveToFd0(int fd, const std::string& what) {
  if (fd == 0) return Status::Ok();
  if (dup2(fd, 0) < 0) {
    int err = errno;
    close(fd);
    return CannotBind(what, err);
  }
  close(fd);
  return Status::Ok();
}

// True if something accepts connections on the unix socket at `path`.
bool UnixSocketLive(const sockaddr_un& addr) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  bool live = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return live;
}

Status ListenUnix(const std::string& path) {
  const std::string what = "unix:" + path;
  sockaddr_un addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return Error::Make(ErrorCode::kUnavailable, "cannot listen on " + what + ": not a socket");
    }
    // A pool that is still running must not lose its socket to a second start.
    if (UnixSocketLive(addr)) {
      return Error::Make(ErrorCode::kUnavailable,
                         "cannot listen on " + what + ": another process listens there");
    }
    unlink(path.c_str());
  }
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (fd < 0) return CannotBind(what, errno);
  // Owner only: the web server runs as the workers' user, or the operator widens it on purpose.
  mode_t old = umask(0177);
  int bound = bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  umask(old);
  if (bound != 0 || listen(fd, kBacklog) != 0) {
    int err = errno;
    close(fd);
    return CannotBind(what, err);
  }
  return MoveToFd0(fd, what);
}

Status ListenTcp(const std::string& host, const std::string& port) {
  const std::string what = host + ":" + port;
  addrinfo hints;
  std::memset(&hints, 0, sizeof hints);
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found);
  if (rc != 0) {
    return Error::Make(ErrorCode::kUnavailable,
                       "cannot listen on " + what + ": " + gai_strerror(rc));
  }
  int err = 0;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, kBacklog) != 0) {
      err = errno;
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return CannotBind(what, err);
  return MoveToFd0(fd, what);
}

}  // namespace

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  ListenAddress out;
  if (text.rfind("unix:", 0) == 0) {
    out.unix_path = text.substr(5);
    if (out.unix_path.empty() || out.unix_path[0] != '/') return Bad(text, "not an absolute path");
    if (out.unix_path.size() >= sizeof(sockaddr_un{}.sun_path)) return Bad(text, "path too long");
    return out;
  }
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return Bad(text, "no HOST:PORT");
  out.host = text.substr(0, colon);
  out.port = text.substr(colon + 1);
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (!ParseDecimalIn(out.port, 1, 65535)) {
    return Bad(text, "port must be 1-65535");
  }
  return out;
}

Status ListenOnFd0(const ListenAddress& address) {
  if (!address.unix_path.empty()) return ListenUnix(address.unix_path);
  return ListenTcp(address.host, address.port);
}

}  // namespace shortener
