// The few HTML answers the workers give browsers (API.md "Web interface"); the web interface
// itself is static files that the web server serves.
#ifndef SHORTENER_HTML_PAGE_H_
#define SHORTENER_HTML_PAGE_H_

#include "base/error.h"
#include "http/http.h"

namespace shortener {

// The Content-Security-Policy of every page: without 'unsafe-inline' (scripts, styles, images
// and requests from the service's own origin only, no plugins, no framing). Written twice on
// purpose: the workers send it with their own pages, and the three shipped web-server configs
// (conf/lighttpd.conf, conf/nginx-web-headers.conf, conf/apache.conf) send a copy with the
// static pages, which never reach a worker. tests/unit/html_page_test.cc holds each copy to
// this text.
extern const char kPageContentSecurityPolicy[];

// The security headers of every page (API.md "Web interface"): kPageContentSecurityPolicy,
// X-Frame-Options: DENY, Referrer-Policy: same-origin, X-Content-Type-Options: nosniff. The
// web-server configs send the same set with the static pages.
void AddPageSecurityHeaders(Response* response);

// The small HTML page a browser gets for a short link that is not there (unknown, expired or
// used up): 404, text/html, linking to "/", with the page security headers and `error`'s own
// headers (RateLimit-*, Vary) as the JSON answer would carry them.
Response HtmlNotFoundPage(const Error& error);

// What a short-link route answers a browser: `outcome`, except that a 404 becomes
// HtmlNotFoundPage when the request's Accept names text/html (AcceptsHtml). API clients keep
// the JSON body. Every other outcome is returned as it is.
Result<Response> ForBrowser(const Request& request, Result<Response> outcome);

}  // namespace shortener

#endif  // SHORTENER_HTML_PAGE_H_
