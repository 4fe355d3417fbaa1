// Validation of the target URLs links redirect to (API.md "Target URLs").
//
// A target is stored and sent in a Location header byte for byte as given, so the check never
// normalises it: it only refuses what could harm a visitor or the service (script schemes, header
// injection, credentials that disguise the real host, redirect loops, blocked hosts).
#ifndef SHORTENER_URL_CHECK_H_
#define SHORTENER_URL_CHECK_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace shortener {

struct UrlPolicy {
  // Longest accepted URL, in bytes.
  size_t max_length = 2048;
  // Lowercased host of public_base_url (see UrlHost). URLs to it are refused: they would redirect
  // to the service itself. Empty: no such check.
  std::string own_host;
  // Whether a host is refused. Called with the lowercased host without a trailing dot (an IPv6
  // literal without its brackets). Empty: no host is blocked.
  std::function<bool(std::string_view host)> is_blocked;
};

// Returns OK if `url` may be a link target under `policy`, or Error::Validation(field, reason)
// when it is: empty, longer than policy.max_length bytes, holding a byte <= 0x20, 0x7f or >= 0x80
// (control characters, whitespace, raw non-ASCII), not an RFC 3986 URI, relative, of a scheme
// other than http or https (any case), without a host or with an empty one, with a
// percent-encoded host (hosts must arrive in punycode), with user-info, to policy.own_host
// (case-insensitive, a trailing dot ignored, any port), or to a host policy.is_blocked refuses.
Status CheckTargetUrl(std::string_view url, const UrlPolicy& policy, const std::string& field);

// Returns the lowercased host of the absolute http(s) URL `url` (an IPv6 literal without its
// brackets), or a kValidation Error naming `field` if `url` is not one: the same byte, syntax,
// scheme and host rules as CheckTargetUrl, without the length, user-info and policy ones.
Result<std::string> UrlHost(std::string_view url, const std::string& field);

}  // namespace shortener

#endif  // SHORTENER_URL_CHECK_H_
