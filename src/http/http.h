// Request and Response as the handlers see them, and the pure HTTP helpers around them.
//
// Nothing here knows FastCGI: fcgi_io.* fills a Request from the server's parameters and writes
// a Response back, so everything in this file is testable without a web server.
#ifndef SHORTENER_HTTP_H_
#define SHORTENER_HTTP_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"

namespace shortener {

struct Request {
  std::string method;         // "GET", "POST", ... as sent
  std::string path;           // REQUEST_URI up to '?', not percent-decoded
  std::string query;          // after '?', raw
  std::string content_type;   // CONTENT_TYPE, may be empty
  std::string accept;         // HTTP_ACCEPT
  std::string authorization;  // HTTP_AUTHORIZATION
  std::string api_key;        // HTTP_X_API_KEY
  std::string cookie;         // HTTP_COOKIE (the browser session, http/cookies.h)
  std::string origin;         // HTTP_ORIGIN
  std::string referer;        // HTTP_REFERER
  std::string remote_addr;    // REMOTE_ADDR
  std::string forwarded_for;  // HTTP_X_FORWARDED_FOR
  // HTTP_USER_AGENT, empty when absent. Personal data, as is referer: on the redirect paths both
  // are read only to classify a request (ua_class.h: whether it uses one of a link's max_visits;
  // visit_classifier.h: the statistics), never stored or logged.
  std::string user_agent;
  // HTTP_IDEMPOTENCY_KEY; nullopt when the header is absent.
  std::optional<std::string> idempotency_key;
  // The body as read, at most max_body_bytes. body_too_large is set instead of reading a body
  // whose CONTENT_LENGTH exceeds the limit: handlers that take a body answer 413.
  std::string body;
  bool body_too_large = false;
};

class Response {
 public:
  Response() = default;
  explicit Response(int status) : status_(status) {}

  int status() const { return status_; }
  void set_status(int status) { status_ = status; }
  const std::string& body() const { return body_; }
  void set_body(std::string body) { body_ = std::move(body); }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }

  // Adds a header. A CR or LF in the value would split the response (header injection), so
  // such values are refused: returns false and adds nothing. Names are the caller's constants.
  bool AddHeader(std::string name, std::string value);
  // Replaces every header called `name` (case-sensitive) by one with `value`; false (and no
  // change) for a value with CR or LF, as AddHeader.
  bool SetHeader(const std::string& name, std::string value);
  // The value of the first header called `name` (case-sensitive), or nullptr.
  const std::string* FindHeader(std::string_view name) const;

 private:
  int status_ = 200;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
};

// The reason phrase of a status code ("Found" for 302); "Unknown" for codes we never send.
const char* StatusReason(int status);

// Writes the CGI/FastCGI form of `response`: a Status line, the headers, Content-Length, a blank
// line and, unless `head_only`, the body. Content-Length is always the body's length.
std::string SerializeResponse(const Response& response, bool head_only);

// True if the media type of `content_type` (a Content-Type value) is `media_type` (lower case),
// any case, parameters allowed.
bool HasMediaType(std::string_view content_type, std::string_view media_type);

// True if `content_type` is application/json, any case, parameters (charset) allowed.
bool IsJsonContentType(std::string_view content_type);

// True if an Accept header names text/html with q > 0. "*/*" alone does not count: API
// clients send it, and they want JSON.
bool AcceptsHtml(std::string_view accept);

// RFC 3986 syntax-based normalisation of a request path: percent-encoded unreserved characters
// decoded ("/r/%41bc" -> "/r/Abc"), dot segments removed ("/r/../x" -> "/x"). Paths with neither
// a '%' nor a "/." are returned as they are without parsing (the redirect path's usual case).
// A path that does not parse is returned unchanged (and will match no route).
std::string NormalizePath(std::string_view path);

// Splits a raw query string into decoded name -> value pairs. kValidation (field "query") if
// the string is not a well-formed query; kValidation naming the parameter for a name given
// twice (`?from=a&from=b`: which one the caller meant is a guess) or a value holding a NUL.
Result<std::map<std::string, std::string>> ParseQuery(std::string_view query);

// The whole number `query[name]` from `min` to `max` (ParseDecimalIn: digits only), with min >= 0,
// or `fallback` when the query does not name it; kValidation naming `name` otherwise.
Result<int> IntParam(const std::map<std::string, std::string>& query, const std::string& name,
                     int min, int max, int fallback);

}  // namespace shortener

#endif  // SHORTENER_HTTP_H_
