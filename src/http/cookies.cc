// Cookie header parsing and the origin comparison of the session's CSRF rule.
#include "http/cookies.h"

#include <algorithm>

#include "base/ascii.h"

namespace shortener {

const char kSessionCookie[] = "shortener_session";

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Attributes(bool secure) {
  return std::string("; Path=/; HttpOnly; SameSite=Strict") + (secure ? "; Secure" : "");
}

}  // namespace

std::optional<std::string_view> CookieValue(std::string_view cookie_header, std::string_view name) {
  while (!cookie_header.empty()) {
    size_t end = cookie_header.find(';');
    std::string_view pair = Trim(cookie_header.substr(0, end));
    cookie_header =
        end == std::string_view::npos ? std::string_view() : cookie_header.substr(end + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (Trim(pair.substr(0, eq)) == name) return Trim(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string SessionCookie(std::string_view token, int64_t max_age, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(token) +
         "; Max-Age=" + std::to_string(max_age) + Attributes(secure);
}

std::string ClearedSessionCookie(bool secure) {
  return std::string(kSessionCookie) + "=; Max-Age=0" + Attributes(secure);
}

std::string OriginOf(std::string_view url) {
  size_t colon = url.find("://");
  if (colon == std::string_view::npos) return "";
  std::string scheme = ToLowerAscii(url.substr(0, colon));
  if (scheme != "http" && scheme != "https") return "";
  std::string_view rest = url.substr(colon + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  // The host ends at the port's ':' (after the ']' of an IPv6 literal); what follows is digits.
  size_t host_end = authority.size();
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return "";
    host_end = close + 1;
  } else {
    host_end = std::min(host_end, authority.find(':'));
  }
  std::string_view host = authority.substr(0, host_end);
  std::string_view port = authority.substr(host_end);
  // User-info has no place in an origin; a URL holding it is not one we compare.
  if (host.empty() || host.find('@') != std::string_view::npos) return "";
  if (!port.empty()) {
    if (port.front() != ':') return "";
    port.remove_prefix(1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos) {
      return "";
    }
    if (port == (scheme == "https" ? "443" : "80")) port = {};
  }
  return scheme + "://" + ToLowerAscii(host) + (port.empty() ? "" : ":" + std::string(port));
}

bool FromOrigin(std::string_view origin, std::string_view referer, std::string_view own_origin) {
  if (own_origin.empty()) return false;
  // "null" is an Origin too (a sandboxed frame, a POST redirected across origins): it names no
  // origin, so it fails here rather than leaving the decision to a Referer beside it.
  if (!origin.empty()) return OriginOf(origin) == own_origin;
  if (referer.empty()) return false;
  return OriginOf(referer) == own_origin;
}

}  // namespace shortener
