// The bridge between libfcgi and Request/Response.
#ifndef SHORTENER_FCGI_IO_H_
#define SHORTENER_FCGI_IO_H_

#include <fcgiapp.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "http/http.h"

namespace shortener {

// How long a worker waits for a request body to arrive in full. The shipped fronts hand the
// worker whole bodies (lighttpd and nginx buffer them, Apache spools them), which take
// microseconds over the socket; only a front that streams a slow client's bytes comes near it.
inline constexpr std::chrono::milliseconds kBodyReadTimeout{5000};

// Builds a Request from the server's parameters. The path comes from REQUEST_URI (what the
// client sent, the same behind every web server), falling back to SCRIPT_NAME + PATH_INFO, and
// is normalised (NormalizePath) so "/r/%41bc" and "/r/Abc" name the same link. REMOTE_ADDR and
// HTTP_X_FORWARDED_FOR are taken only when passed once: a repeated one is left empty, so that
// a client cannot choose its own address (ClientAddress then falls back to REMOTE_ADDR).
// The body is read only when CONTENT_LENGTH is present, valid and at most its limit; a
// larger one is left unread and flagged body_too_large. If the body has not arrived in full
// within `body_timeout`, *body_timed_out is set and the request must not be handled (cut
// short, it might still look valid): answer BodyTimeoutResponse(). A web server that streams
// bodies (Apache's mod_proxy_fcgi without spooling) must not let a client trickling one hold a
// single-threaded worker for longer than that.
// How much body a request may bring: `bytes` (max_body_bytes), or `path_bytes` for a POST to
// `path` (the one endpoint that takes whole files: the import, import_max_body_bytes).
struct BodyLimits {
  size_t bytes = 65536;
  std::string path;
  size_t path_bytes = 65536;
  size_t For(std::string_view method, std::string_view request_path) const {
    return method == "POST" && !path.empty() && request_path == path ? path_bytes : bytes;
  }
};

Request ReadRequest(FCGX_Request* fcgi, const BodyLimits& limits, bool* body_timed_out,
                    std::chrono::milliseconds body_timeout = kBodyReadTimeout);

// The answer to a request whose body did not arrive in time: 408, API.md's error body with
// code bad_request.
Response BodyTimeoutResponse();

// Writes `response` to the server, without the body for HEAD.
void WriteResponse(FCGX_Request* fcgi, const Request& request, const Response& response);

}  // namespace shortener

#endif  // SHORTENER_FCGI_IO_H_
