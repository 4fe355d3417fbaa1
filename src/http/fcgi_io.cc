// Reading FastCGI parameters and stdin into a Request; writing a Response to FastCGI stdout.
#include "http/fcgi_io.h"

#include <cstdlib>
#include <string>

namespace shortener {

namespace {

std::string Param(FCGX_Request* fcgi, const char* name) {
  const char* value = FCGX_GetParam(name, fcgi->envp);
  return value ? value : "";
}

}  // namespace

Request ReadRequest(FCGX_Request* fcgi, size_t max_body_bytes) {
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
  request.remote_addr = Param(fcgi, "REMOTE_ADDR");
  request.forwarded_for = Param(fcgi, "HTTP_X_FORWARDED_FOR");

  // Never read stdin without a valid CONTENT_LENGTH, and never more than the cap: a client
  // must not be able to make a worker buffer or wait for bytes it will not send.
  std::string length_text = Param(fcgi, "CONTENT_LENGTH");
  if (length_text.empty()) return request;
  char* end = nullptr;
  unsigned long long length = std::strtoull(length_text.c_str(), &end, 10);
  if (*end != '\0' || length_text[0] == '-') return request;
  if (length > max_body_bytes) {
    request.body_too_large = true;
    return request;
  }
  request.body.resize(length);
  size_t got = 0;
  while (got < length) {
    int n = FCGX_GetStr(&request.body[got], static_cast<int>(length - got), fcgi->in);
    if (n <= 0) break;
    got += n;
  }
  request.body.resize(got);
  return request;
}

void WriteResponse(FCGX_Request* fcgi, const Request& request, const Response& response) {
  std::string out = SerializeResponse(response, request.method == "HEAD");
  FCGX_PutStr(out.data(), static_cast<int>(out.size()), fcgi->out);
}

}  // namespace shortener
