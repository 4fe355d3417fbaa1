// Validation of the target URLs links redirect to (API.md "Target URLs").
//
// A target is stored and sent in a Location header byte for byte as accepted (an IRI once
// converted to its URI, iri.h), so the check never normalises it: it only refuses what could harm
// a visitor or the service (script schemes, header injection, credentials that disguise the real
// host, redirect loops through any name or address of the service, blocked hosts).
#ifndef SHORTENER_URL_CHECK_H_
#define SHORTENER_URL_CHECK_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace shortener {

struct UrlPolicy {
  // Longest accepted URL, in bytes.
  size_t max_length = 2048;
  // Host of public_base_url (see UrlHost). URLs to it are refused: they would redirect to the
  // service itself. Empty: no such check.
  std::string own_host;
  // Other names of the service (config alias_hosts), refused like own_host: host names or IP
  // addresses, in any spelling CanonicalHost (host_literal.h) reads.
  std::vector<std::string> alias_hosts;
  // Whether a host is refused. Called with the host's CanonicalHost form: lowercased, without a
  // trailing dot, an IPv4 address in any numeric spelling as "a.b.c.d", an IPv6 literal without
  // brackets as inet_ntop writes it. Empty: no host is blocked.
  std::function<bool(std::string_view host)> is_blocked;
};

// Returns OK if `url` may be a link target under `policy`, or Error::Validation(field, reason)
// when it is: empty, longer than policy.max_length bytes, holding a byte <= 0x20, 0x7f or >= 0x80
// (control characters, whitespace, raw non-ASCII: see AcceptTargetUrl for IRIs), not an RFC 3986
// URI, relative, of a scheme other than http or https (any case), without a host or with an
// empty one or an empty label, with a percent-encoded host (hosts must arrive in punycode), with
// a host a browser refuses (one ending in a number that is no IPv4 address, an IPvFuture
// literal), with user-info, to policy.own_host or an alias host (compared as CanonicalHost
// forms: any case, a trailing dot and the port ignored, IP addresses in any spelling), to a
// loopback or unspecified address in any spelling (127.1, 2130706433, [::1], [::ffff:127.0.0.1],
// 0.0.0.0, [::]), to a host policy.is_blocked refuses, or with a host label that claims to be
// an IDNA A-label and is none (CheckALabels, iri.h).
Status CheckTargetUrl(std::string_view url, const UrlPolicy& policy, const std::string& field);

// A target as a client sent it (`text`, a URI or an IRI) -> the URI to store and redirect to:
// IriToUri (iri.h), then CheckTargetUrl on the result (max_length counts the URI's bytes).
// Errors: those two's, all kValidation naming `field`.
Result<std::string> AcceptTargetUrl(std::string_view text, const UrlPolicy& policy,
                                    const std::string& field);

// Whether a target stored earlier (or read back from the cache) may still be redirected to:
// CheckTargetUrl's rules today, without the length (lowering max_url_length does not break old
// links) and the A-label one (links stored before it keep redirecting). Costs one uriparser parse;
// no allocation beyond the host's canonical form.
Status RecheckStoredTarget(std::string_view url, const UrlPolicy& policy);

// Returns the lowercased host of the absolute http(s) URL `url` (an IPv6 literal without its
// brackets), or a kValidation Error naming `field` if `url` is not one: the same byte, syntax,
// scheme and host rules as CheckTargetUrl, without the length, user-info and policy ones.
Result<std::string> UrlHost(std::string_view url, const std::string& field);

}  // namespace shortener

#endif  // SHORTENER_URL_CHECK_H_
