// The browser session's cookie and the same-origin rule of API.md "Web interface".
#ifndef SHORTENER_COOKIES_H_
#define SHORTENER_COOKIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shortener {

// The name of the session cookie.
extern const char kSessionCookie[];

// The value of the first cookie called `name` in a Cookie header value ("a=1; b=2", RFC 6265
// section 5.4: pairs separated by ';', spaces around them ignored), nullopt if none. A pair
// without '=' is skipped; values are taken as they are (no unquoting, no decoding).
std::optional<std::string_view> CookieValue(std::string_view cookie_header, std::string_view name);

// The Set-Cookie value that hands a browser the session `token` for `max_age` seconds:
// HttpOnly, SameSite=Strict, Path=/, and Secure when `secure` (public_base_url is https).
std::string SessionCookie(std::string_view token, int64_t max_age, bool secure);

// The Set-Cookie value that makes a browser drop the session cookie.
std::string ClearedSessionCookie(bool secure);

// The origin (RFC 6454: scheme "://" host [":" port], lower-cased scheme and host, default
// ports dropped) of an absolute http(s) URL; empty if `url` is not one.
std::string OriginOf(std::string_view url);

// True if a request with these Origin and Referer header values (either may be empty) comes
// from `own_origin` (OriginOf(public_base_url)): Origin when sent (so "null" is false, whatever
// the Referer), else the origin of Referer; neither: false.
bool FromOrigin(std::string_view origin, std::string_view referer, std::string_view own_origin);

}  // namespace shortener

#endif  // SHORTENER_COOKIES_H_
