// Referrer hosts through liburiparser, the RFC 3986 parser the project uses for target URLs.
#include "domain/referrer.h"

#include <uriparser/Uri.h>

#include "base/ascii.h"
#include "domain/visit_stats.h"

namespace shortener {

namespace {

// Characters of a host name as DNS and browsers write it (and ':' and hex digits of an IPv6
// literal, whose text is checked by the parser). Anything else (RFC 3986's sub-delims,
// percent-encoding) is not a host a browser sent, and is not worth a breakdown row.
bool IsHostChar(char c, bool ipv6) {
  if (IsAsciiAlnum(c) || c == '.' || c == '-') return true;
  return ipv6 ? c == ':' : c == '_';
}

}  // namespace

std::string ReferrerHost(std::string_view referer) {
  const std::string_view text = TrimBlanks(referer);
  if (text.empty()) return std::string(kDirectReferrer);
  if (text.size() > kMaxReferrerBytes) return std::string(kUnknownReferrer);

  UriUriA uri{};
  const char* error_pos = nullptr;
  if (uriParseSingleUriExA(&uri, text.data(), text.data() + text.size(), &error_pos) !=
      URI_SUCCESS) {
    return std::string(kUnknownReferrer);
  }
  std::string host;
  const bool absolute = uri.scheme.first != nullptr;
  const bool ipv6 = uri.hostData.ip6 != nullptr;
  if (absolute && uri.hostText.first != nullptr && uri.hostData.ipFuture.first == nullptr) {
    host.assign(uri.hostText.first, uri.hostText.afterLast);
  }
  uriFreeUriMembersA(&uri);

  if (!host.empty() && host.back() == '.' && !ipv6) host.pop_back();
  if (host.empty() || host.size() > kMaxReferrerHost) return std::string(kUnknownReferrer);
  for (char& c : host) {
    if (!IsHostChar(c, ipv6)) return std::string(kUnknownReferrer);
    c = ToLowerAscii(c);
  }
  if (host == kDirectReferrer || host == kUnknownReferrer || host == kOtherValue) {
    return std::string(kUnknownReferrer);
  }
  return host;
}

}  // namespace shortener
