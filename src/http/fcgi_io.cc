// Reading FastCGI parameters and stdin into a Request; writing a Response to FastCGI stdout.
#include "http/fcgi_io.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/decimal.h"
#include "http/respond.h"

namespace shortener {

namespace {

std::string Param(FCGX_Request* fcgi, const char* name) {
  const char* value = FCGX_GetParam(name, fcgi->envp);
  return value ? value : "";
}

// The value of the parameter `name` when the server passed exactly one of that name; "" when
// it passed none or several.
std::string SingleParam(FCGX_Request* fcgi, std::string_view name) {
  const char* value = nullptr;
  for (char** entry = fcgi->envp; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    if (text.size() <= name.size() || text[name.size()] != '=' ||
        text.substr(0, name.size()) != name) {
      continue;
    }
    if (value != nullptr) return "";
    value = *entry + name.size() + 1;
  }
  return value ? value : "";
}

using Clock = std::chrono::steady_clock;

// Bounds each blocking read libfcgi makes on the connection (zero: no bound).
void SetReadTimeout(int fd, std::chrono::milliseconds timeout) {
  struct timeval tv;
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

// Reads `length` bytes of stdin into `body` (fewer if the server ends stdin early). Returns
// false if `deadline` passed first. FCGX_GetStr(n) would wait for all n bytes however slowly
// they came, so each call takes only what libfcgi holds already, or makes one refill, and
// every refill's read is bounded by the time left.
bool ReadBody(FCGX_Request* fcgi, size_t length, Clock::time_point deadline, std::string* body) {
  FCGX_Stream* in = fcgi->in;
  body->resize(length);
  size_t got = 0;
  bool in_time = true;
  while (got < length) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      in_time = false;
      break;
    }
    size_t buffered = static_cast<size_t>(in->stop - in->rdNext);
    if (buffered > 0) {
      size_t want = std::min(buffered, length - got);
      got += static_cast<size_t>(FCGX_GetStr(&(*body)[got], static_cast<int>(want), in));
      continue;
    }
    SetReadTimeout(fcgi->ipcFd, left);
    int c = FCGX_GetChar(in);
    if (c == EOF) {
      int error = FCGX_GetError(in);
      in_time = error != EAGAIN && error != EWOULDBLOCK;
      break;
    }
    (*body)[got++] = static_cast<char>(c);
  }
  // A connection the server keeps (FCGI_KEEP_CONN) waits for its next request unbounded again;
  // one whose read failed is closed by FCGX_Finish_r.
  SetReadTimeout(fcgi->ipcFd, std::chrono::milliseconds(0));
  body->resize(got);
  return in_time;
}

}  // namespace

Request ReadRequest(FCGX_Request* fcgi, const BodyLimits& limits, bool* body_timed_out,
                    std::chrono::milliseconds body_timeout) {
  auto deadline = Clock::now() + body_timeout;
  *body_timed_out = false;
  Request request;
  request.method = Param(fcgi, "REQUEST_METHOD");
  std::string uri = Param(fcgi, "REQUEST_URI");
  if (uri.empty()) uri = Param(fcgi, "SCRIPT_NAME") + Param(fcgi, "PATH_INFO");
  size_t q = uri.find('?');
  if (q != std::string::npos) {
    request.query = uri.substr(q + 1);
    uri.resize(q);
  }
  request.path = NormalizePath(uri);
  request.content_type = Param(fcgi, "CONTENT_TYPE");
  request.accept = Param(fcgi, "HTTP_ACCEPT");
  request.authorization = Param(fcgi, "HTTP_AUTHORIZATION");
  request.api_key = Param(fcgi, "HTTP_X_API_KEY");
  request.cookie = Param(fcgi, "HTTP_COOKIE");
  request.origin = Param(fcgi, "HTTP_ORIGIN");
  request.user_agent = Param(fcgi, "HTTP_USER_AGENT");
  request.referer = Param(fcgi, "HTTP_REFERER");
  // The client address rests on these two, so a repeated one counts as absent. lighttpd passes
  // "X-Forwarded-For" and "X_Forwarded_For" both as HTTP_X_FORWARDED_FOR, and FCGX_GetParam
  // answers the first: a client could put an address of its choosing ahead of the one a
  // trusted proxy appended. Without the header the peer (REMOTE_ADDR) is the client. A server
  // never repeats REMOTE_ADDR itself; if one did, no address is believed ("" for all alike).
  request.remote_addr = SingleParam(fcgi, "REMOTE_ADDR");
  request.forwarded_for = SingleParam(fcgi, "HTTP_X_FORWARDED_FOR");
  if (const char* key = FCGX_GetParam("HTTP_IDEMPOTENCY_KEY", fcgi->envp)) {
    request.idempotency_key = key;
  }

  // Never read stdin without a valid CONTENT_LENGTH, and never more than the cap: a client
  // must not be able to make a worker buffer or wait for bytes it will not send.
  std::string length_text = Param(fcgi, "CONTENT_LENGTH");
  if (length_text.empty()) return request;
  std::optional<uint64_t> length = ParseDecimal(length_text);
  if (!length) return request;
  if (*length > limits.For(request.method, request.path)) {
    request.body_too_large = true;
    return request;
  }
  *body_timed_out = !ReadBody(fcgi, *length, deadline, &request.body);
  return request;
}

Response BodyTimeoutResponse() {
  Response response = ErrorResponse(
      Error::Make(ErrorCode::kBadRequest, "The request body took too long to arrive."));
  response.set_status(408);
  return response;
}

void WriteResponse(FCGX_Request* fcgi, const Request& request, const Response& response) {
  std::string out = SerializeResponse(response, request.method == "HEAD");
  FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi->out);
}

}  // namespace shortener
