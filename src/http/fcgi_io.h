// The bridge between libfcgi and Request/Response.
#ifndef SHORTENER_FCGI_IO_H_
#define SHORTENER_FCGI_IO_H_

#include <fcgiapp.h>

#include <cstddef>

#include "http/http.h"

namespace shortener {

// Builds a Request from the server's parameters. The path comes from REQUEST_URI (what the
// client sent, the same behind every web server), falling back to SCRIPT_NAME + PATH_INFO, and
// is normalised (NormalizePath) so "/r/%41bc" and "/r/Abc" name the same link.
// The body is read only when CONTENT_LENGTH is present, valid and at most max_body_bytes; a
// larger one is left unread and flagged body_too_large.
Request ReadRequest(FCGX_Request* fcgi, size_t max_body_bytes);

// Writes `response` to the server, without the body for HEAD.
void WriteResponse(FCGX_Request* fcgi, const Request& request, const Response& response);

}  // namespace shortener

#endif  // SHORTENER_FCGI_IO_H_
