// The worker's own HTML pages.
#include "http/html_page.h"

namespace shortener {

namespace {

// Fixed text: nothing a client sent is written into it, so there is nothing to escape.
constexpr char kNotFoundHtml[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<title>Link not found</title>\n"
    "<link rel=\"stylesheet\" href=\"/ui/v1/css/app.css\">\n"
    "</head>\n"
    "<body class=\"not-found\">\n"
    "<main>\n"
    "<h1>Link not found</h1>\n"
    "<p>This short link does not exist, has expired, or has been used up.</p>\n"
    "<p><a href=\"/\">Go to the home page</a></p>\n"
    "</main>\n"
    "</body>\n"
    "</html>\n";

}  // namespace

const char kPageContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

void AddPageSecurityHeaders(Response* response) {
  response->AddHeader("Content-Security-Policy", kPageContentSecurityPolicy);
  response->AddHeader("X-Frame-Options", "DENY");
  response->AddHeader("Referrer-Policy", "same-origin");
  response->AddHeader("X-Content-Type-Options", "nosniff");
}

Response HtmlNotFoundPage(const Error& error) {
  Response response(404);
  response.AddHeader("Content-Type", "text/html; charset=utf-8");
  AddPageSecurityHeaders(&response);
  response.AddHeader("Cache-Control", "no-store");
  for (const auto& header : error.headers) response.AddHeader(header.first, header.second);
  response.set_body(kNotFoundHtml);
  return response;
}

Result<Response> ForBrowser(const Request& request, Result<Response> outcome) {
  if (outcome.ok() || outcome.error().code != ErrorCode::kNotFound) return outcome;
  if (!AcceptsHtml(request.accept)) return outcome;
  return HtmlNotFoundPage(outcome.error());
}

}  // namespace shortener
