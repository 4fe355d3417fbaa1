// Fuzzes CheckTargetUrl and UrlHost (src/domain/url_check.h): whatever they accept is printable
// ASCII, http(s)://, free of user-info, names the host it seems to, passes the host policy and
// is no loopback or unspecified address in any spelling.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/host_literal.h"
#include "domain/iri.h"
#include "domain/url_check.h"
#include "fuzz_check.h"

namespace {

constexpr std::string_view kOwnHost = "own.example";
constexpr std::string_view kBlockedHost = "blocked.example";
constexpr size_t kMaxLength = 2048;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && Lower(s.substr(0, prefix.size())) == prefix;
}

// Every trailing dot, not just one: "own.example.." must not slip past a check for own.example.
std::string_view WithoutTrailingDots(std::string_view host) {
  while (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return host;
}

// The authority of an http(s) URL read the way a browser splits it: from after "://" up to the
// first '/', '?' or '#'. Empty if `url` does not start with an http(s) scheme.
std::string_view Authority(std::string_view url) {
  size_t start;
  if (StartsWithIgnoreCase(url, "http://")) {
    start = 7;
  } else if (StartsWithIgnoreCase(url, "https://")) {
    start = 8;
  } else {
    return {};
  }
  std::string_view rest = url.substr(start);
  return rest.substr(0, rest.find_first_of("/?#"));
}

bool AllPrintableAscii(std::string_view s) {
  for (char c : s) {
    const unsigned char b = static_cast<unsigned char>(c);
    if (b <= 0x20 || b >= 0x7f) return false;
  }
  return true;
}

// Checks what an accepted URL (or one UrlHost takes) and its host must look like.
void CheckAcceptedShape(std::string_view url, const std::string& host) {
  FUZZ_CHECK(!url.empty(), "an empty URL was accepted");
  FUZZ_CHECK(AllPrintableAscii(url), "a URL with a byte <= 0x20, 0x7f or >= 0x80 was accepted");
  FUZZ_CHECK(StartsWithIgnoreCase(url, "http://") || StartsWithIgnoreCase(url, "https://"),
             "an accepted URL does not start with http:// or https://");
  FUZZ_CHECK(!host.empty(), "an accepted URL has an empty host");
  FUZZ_CHECK(host.find('%') == std::string::npos, "an accepted host is percent-encoded");
  FUZZ_CHECK(Lower(host) == host, "UrlHost returned a host that is not lowercase");
  // The host the checks saw must be the one a browser connects to: the authority after its last
  // '@', without the port, an IPv6 literal in brackets.
  std::string authority = Lower(Authority(url));
  authority.erase(0, authority.rfind('@') + 1);
  const bool plain = authority.compare(0, host.size(), host) == 0 &&
                     (authority.size() == host.size() || authority[host.size()] == ':');
  const std::string bracketed = "[" + host + "]";
  const bool ipv6 = authority.compare(0, bracketed.size(), bracketed) == 0 &&
                    (authority.size() == bracketed.size() || authority[bracketed.size()] == ':');
  FUZZ_CHECK(plain || ipv6, "the host UrlHost returned is not the one the URL's authority names");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);

  shortener::UrlPolicy policy;
  policy.max_length = kMaxLength;
  policy.own_host = std::string(kOwnHost);
  policy.alias_hosts = {"192.0.2.80"};
  policy.is_blocked = [](std::string_view host) {
    FUZZ_CHECK(Lower(host) == host, "is_blocked was called with a host that is not lowercase");
    FUZZ_CHECK(host.empty() || host.back() != '.', "is_blocked was called with a trailing dot");
    return host == kBlockedHost;
  };

  const shortener::Status status = shortener::CheckTargetUrl(url, policy, "url");
  const shortener::Result<std::string> host = shortener::UrlHost(url, "url");

  if (!status.ok()) {
    FUZZ_CHECK(status.error().code == shortener::ErrorCode::kValidation,
               "CheckTargetUrl refused with a code other than kValidation");
    FUZZ_CHECK(status.error().field == "url", "CheckTargetUrl refused naming another field");
  }
  if (!host.ok()) {
    FUZZ_CHECK(host.error().code == shortener::ErrorCode::kValidation,
               "UrlHost refused with a code other than kValidation");
    FUZZ_CHECK(host.error().field == "url", "UrlHost refused naming another field");
    FUZZ_CHECK(!status.ok(), "CheckTargetUrl accepted a URL UrlHost refuses");
    return 0;
  }

  CheckAcceptedShape(url, host.value());
  const std::string_view bare_host = WithoutTrailingDots(host.value());
  const bool has_user_info = Authority(url).find('@') != std::string_view::npos;
  const std::optional<std::string> canonical = shortener::CanonicalHost(host.value());
  const bool loop =
      canonical && (shortener::IsLoopbackOrUnspecified(*canonical) || *canonical == "192.0.2.80");
  // A label that claims to be an IDNA A-label and is none (libidn2 decides: iri.h).
  const bool false_a_label = !shortener::CheckALabels(host.value(), "url").ok();
  if (status.ok()) {
    FUZZ_CHECK(url.size() <= kMaxLength, "a URL over max_length was accepted");
    FUZZ_CHECK(!has_user_info, "an accepted URL has an '@' before its host");
    FUZZ_CHECK(bare_host != kOwnHost, "a URL to own_host was accepted");
    FUZZ_CHECK(bare_host != kBlockedHost, "a URL to a blocked host was accepted");
    FUZZ_CHECK(canonical.has_value(), "a URL with a host browsers refuse was accepted");
    FUZZ_CHECK(!loop, "a URL to a loopback, unspecified or alias address was accepted");
    FUZZ_CHECK(!false_a_label, "a URL with a false IDNA A-label was accepted");
  } else if (host.value().size() < 2 ||
             host.value().compare(host.value().size() - 2, 2, "..") != 0) {
    // CheckTargetUrl is UrlHost plus the length, user-info, host-literal, policy and A-label
    // rules, nothing else. (A host ending in ".." is left out: refusing that empty label would be
    // fine too; so is an IPvFuture literal, which UrlHost returns as a name.)
    FUZZ_CHECK(url.size() > kMaxLength || has_user_info || bare_host == kOwnHost ||
                   bare_host == kBlockedHost || !canonical || loop || false_a_label ||
                   Authority(url).find("[v") != std::string_view::npos ||
                   Authority(url).find("[V") != std::string_view::npos,
               "CheckTargetUrl refused a URL that breaks none of its rules");
  }
  return 0;
}
