// Target URL checks on top of liburiparser's RFC 3986 parser.
#include "domain/url_check.h"

#include <uriparser/Uri.h>

#include "base/ascii.h"

namespace shortener {

namespace {

std::string_view WithoutTrailingDot(std::string_view host) {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

std::string_view View(const UriTextRangeA& range) {
  if (range.first == nullptr) return {};
  return std::string_view(range.first, static_cast<size_t>(range.afterLast - range.first));
}

// Owns a parsed URI, so every return path frees it.
class ParsedUri {
 public:
  explicit ParsedUri(std::string_view text) {
    const char* error_pos = nullptr;
    ok_ = uriParseSingleUriExA(&uri_, text.data(), text.data() + text.size(), &error_pos) ==
          URI_SUCCESS;
  }
  ~ParsedUri() {
    if (ok_) uriFreeUriMembersA(&uri_);
  }
  ParsedUri(const ParsedUri&) = delete;
  ParsedUri& operator=(const ParsedUri&) = delete;

  bool ok() const { return ok_; }
  const UriUriA& uri() const { return uri_; }

 private:
  UriUriA uri_{};
  bool ok_ = false;
};

// OK if `url` is printable ASCII without spaces, which RFC 3986 requires anyway.
Status CheckBytes(std::string_view url, const std::string& field) {
  for (char c : url) {
    const unsigned char b = static_cast<unsigned char>(c);
    // Besides being invalid in a URI, CR and LF here would split the Location header.
    if (b <= 0x20 || b >= 0x7f) {
      return Error::Validation(
          field, field +
                     " must not contain spaces, control characters or non-ASCII characters; "
                     "percent-encode them (and write hosts in punycode).");
    }
  }
  return Status::Ok();
}

// The checks CheckTargetUrl and UrlHost share after CheckBytes: RFC 3986 syntax, an http(s) scheme
// and a plain non-empty host. Returns that host as written, or the refusal. `uri` must outlive
// the returned view.
Result<std::string_view> HttpHost(const ParsedUri& uri, const std::string& field) {
  if (!uri.ok()) return Error::Validation(field, field + " is not a valid URL.");
  const std::string_view scheme = View(uri.uri().scheme);
  if (scheme.empty()) {
    return Error::Validation(field, field + " must be an absolute http:// or https:// URL.");
  }
  if (!EqualsIgnoreCase(scheme, "http") && !EqualsIgnoreCase(scheme, "https")) {
    return Error::Validation(field, field + " must use http or https.");
  }
  const std::string_view host = View(uri.uri().hostText);
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

}  // namespace

Status CheckTargetUrl(std::string_view url, const UrlPolicy& policy, const std::string& field) {
  if (url.empty()) return Error::Validation(field, field + " must not be empty.");
  if (url.size() > policy.max_length) {
    return Error::Validation(
        field, field + " must be at most " + std::to_string(policy.max_length) + " bytes long.");
  }
  Status bytes = CheckBytes(url, field);
  if (!bytes.ok()) return bytes;
  const ParsedUri uri(url);
  Result<std::string_view> host = HttpHost(uri, field);
  if (!host.ok()) return host.error();
  // "https://bank.com@evil.example/" reads as bank.com to people but goes to evil.example.
  if (uri.uri().userInfo.first != nullptr) {
    return Error::Validation(field, field + " must not contain a user name or password (\"@\").");
  }
  const std::string bare_host = ToLowerAscii(WithoutTrailingDot(host.value()));
  if (!policy.own_host.empty() &&
      EqualsIgnoreCase(bare_host, WithoutTrailingDot(policy.own_host))) {
    return Error::Validation(field, field + " must not point back to this service.");
  }
  if (policy.is_blocked && policy.is_blocked(bare_host)) {
    return Error::Validation(field, field + " points to a blocked host.");
  }
  return Status::Ok();
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
