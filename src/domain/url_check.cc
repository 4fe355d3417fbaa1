// Target URL checks on top of liburiparser's RFC 3986 parser.
#include "domain/url_check.h"

#include "base/ascii.h"
#include "domain/host_literal.h"
#include "domain/iri.h"
#include "domain/parsed_uri.h"

namespace shortener {

namespace {

// OK if `url` is printable ASCII without spaces, which RFC 3986 requires anyway (IRIs arrive
// here converted).
Status CheckBytes(std::string_view url, const std::string& field) {
  for (char c : url) {
    const unsigned char b = static_cast<unsigned char>(c);
    // Besides being invalid in a URI, CR and LF here would split the Location header.
    if (b <= 0x20 || b >= 0x7f) {
      return Error::Validation(field, field + " must not contain spaces or control characters.");
    }
  }
  return Status::Ok();
}

// The checks CheckTargetUrl and UrlHost share after CheckBytes: RFC 3986 syntax, an http(s) scheme
// and a plain non-empty host. Returns that host as written, or the refusal. `uri` must outlive
// the returned view.
Result<std::string_view> HttpHost(const ParsedUri& uri, const std::string& field) {
  if (!uri.ok()) return Error::Validation(field, field + " is not a valid URL.");
  const std::string_view scheme = ParsedUri::View(uri.uri().scheme);
  if (scheme.empty()) {
    return Error::Validation(field, field + " must be an absolute http:// or https:// URL.");
  }
  if (!EqualsIgnoreCase(scheme, "http") && !EqualsIgnoreCase(scheme, "https")) {
    return Error::Validation(field, field + " must use http or https.");
  }
  const std::string_view host = ParsedUri::View(uri.uri().hostText);
  if (host.empty()) return Error::Validation(field, field + " must name a host.");
  // A browser decodes "%65vil.example" to "evil.example"; comparing the encoded form with the own
  // host or the blocklist would let it through.
  if (host.find('%') != std::string_view::npos) {
    return Error::Validation(field,
                             field + " must not percent-encode its host; write it in punycode.");
  }
  // An empty label ("a..b", "host..") names no host, and would let "blocked.example.." slip past
  // a comparison that strips one root dot.
  if (host.find("..") != std::string_view::npos || host.front() == '.') {
    return Error::Validation(field, field + " has an empty label in its host.");
  }
  return host;
}

// Every rule of CheckTargetUrl but the emptiness and length ones; the A-label one only for a
// `new_target` (RecheckStoredTarget leaves links stored before that rule alone, and the
// redirect path pays nothing for it).
Status CheckParsedTarget(std::string_view url, const UrlPolicy& policy, const std::string& field,
                         bool new_target) {
  Status bytes = CheckBytes(url, field);
  if (!bytes.ok()) return bytes;
  const ParsedUri uri(url);
  Result<std::string_view> host = HttpHost(uri, field);
  if (!host.ok()) return host.error();
  // "https://bank.com@evil.example/" reads as bank.com to people but goes to evil.example.
  if (uri.uri().userInfo.first != nullptr) {
    return Error::Validation(field, field + " must not contain a user name or password (\"@\").");
  }
  // Browsers refuse "[v1.x]" hosts, and CanonicalHost refuses what they refuse to read as an
  // address: "1.2.3.4.5", "0x1g", "256.256.256.256".
  std::optional<std::string> canonical;
  if (uri.uri().hostData.ipFuture.first == nullptr) canonical = CanonicalHost(host.value());
  if (!canonical) {
    return Error::Validation(field,
                             field + " has a host that is neither a name nor an IP address.");
  }
  bool loop = IsLoopbackOrUnspecified(*canonical) ||
              (!policy.own_host.empty() && CanonicalHost(policy.own_host) == canonical);
  for (const std::string& alias : policy.alias_hosts)
    loop = loop || CanonicalHost(alias) == canonical;
  if (loop) return Error::Validation(field, field + " must not point back to this service.");
  if (policy.is_blocked && policy.is_blocked(*canonical)) {
    return Error::Validation(field, field + " points to a blocked host.");
  }
  return new_target ? CheckALabels(host.value(), field) : Status::Ok();
}

}  // namespace

Status CheckTargetUrl(std::string_view url, const UrlPolicy& policy, const std::string& field) {
  if (url.empty()) return Error::Validation(field, field + " must not be empty.");
  if (url.size() > policy.max_length) {
    return Error::Validation(
        field, field + " must be at most " + std::to_string(policy.max_length) + " bytes long.");
  }
  return CheckParsedTarget(url, policy, field, /*new_target=*/true);
}

Result<std::string> AcceptTargetUrl(std::string_view text, const UrlPolicy& policy,
                                    const std::string& field) {
  Result<std::string> uri = IriToUri(text, field);
  if (!uri.ok()) return uri.error();
  Status status = CheckTargetUrl(uri.value(), policy, field);
  if (!status.ok()) return status.error();
  return uri;
}

Status RecheckStoredTarget(std::string_view url, const UrlPolicy& policy) {
  if (url.empty()) return Error::Validation("url", "url must not be empty.");
  return CheckParsedTarget(url, policy, "url", /*new_target=*/false);
}

Result<std::string> UrlHost(std::string_view url, const std::string& field) {
  if (url.empty()) return Error::Validation(field, field + " must not be empty.");
  Status bytes = CheckBytes(url, field);
  if (!bytes.ok()) return bytes.error();
  const ParsedUri uri(url);
  Result<std::string_view> host = HttpHost(uri, field);
  if (!host.ok()) return host.error();
  return ToLowerAscii(host.value());
}

}  // namespace shortener
