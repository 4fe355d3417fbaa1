// The referrer host of a visit, from its Referer header: the only part of a referrer the
// statistics keep. Paths, queries, fragments, user-info and ports are dropped here, so that
// they can never reach the database or a log.
#ifndef SHORTENER_REFERRER_H_
#define SHORTENER_REFERRER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace shortener {

// The value for a visit without a Referer (absent, or empty or blank).
inline constexpr std::string_view kDirectReferrer = "direct";
// The value for a Referer that holds no usable host: not an absolute RFC 3986 URI (after
// trimming blanks), no host or an empty one, an IP-future literal, a host with characters
// outside [A-Za-z0-9._-] (percent-encoding included; IDN hosts arrive as punycode), a host
// longer than kMaxReferrerHost, a value longer than kMaxReferrerBytes, or a host that is one of
// the labels "direct", "unknown" and "other" (so no Referer can pass for those buckets).
inline constexpr std::string_view kUnknownReferrer = "unknown";

// Referers longer than this are not parsed (browsers send at most a few KiB).
inline constexpr size_t kMaxReferrerBytes = 4096;
// The longest DNS name.
inline constexpr size_t kMaxReferrerHost = 253;

// Returns the lower-cased host of `referer` without a trailing dot (an IPv6 literal without its
// brackets), kDirectReferrer or kUnknownReferrer (see above). Any scheme with a host is
// accepted: Android apps send "android-app://com.slack/". Any bytes are accepted.
std::string ReferrerHost(std::string_view referer);

}  // namespace shortener

#endif  // SHORTENER_REFERRER_H_
