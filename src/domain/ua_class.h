// User-Agent classification for the statistics: device class, browser family, OS family, and
// whether the visitor is a bot (crawlers and link-preview fetchers).
//
// Cheap enough for every counted redirect: no regex, no allocation; the first kMaxUserAgentScan
// bytes are lower-cased once into a stack buffer and searched for the fixed markers of three
// small ordered tables (docs/statistics.md lists them; ua_class.cc says why each row sits where
// it does). The User-Agent string itself is never kept: only these names, which come from the
// tables, leave this file.
#ifndef SHORTENER_UA_CLASS_H_
#define SHORTENER_UA_CLASS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace shortener {

// Only this many leading bytes of a User-Agent are looked at (real ones are under 300 bytes);
// markers beyond them are not seen, so a padded header costs no more than a normal one.
inline constexpr size_t kMaxUserAgentScan = 512;

enum class Device { kDesktop, kMobile, kTablet, kBot, kOther };

// "desktop", "mobile", "tablet", "bot" or "other": the names API.md's `devices` uses.
std::string_view DeviceName(Device device);

struct UserAgentClass {
  Device device = Device::kOther;
  // A family name from the tables ("Chrome", "Firefox", ... ; for a bot its name, e.g.
  // "Googlebot", or "other bot"), or "other". Points to static storage.
  std::string_view browser = "other";
  // "Windows", "macOS", "iOS", "Android", "ChromeOS", "Linux", ... or "other". Static storage.
  std::string_view os = "other";
  // Crawlers, link-preview fetchers, HTTP libraries and an absent, empty or placeholder
  // User-Agent ("-", a bare "Mozilla/5.0"). Equivalent to device == Device::kBot.
  bool bot = false;
  // Of the bots, the HTTP libraries and command-line tools (curl, Wget, python-requests, ...)
  // and an absent, empty or placeholder User-Agent: somebody's script rather than a crawler or a
  // preview fetcher. Such a visit uses up a link's max_visits (UsesVisit); a crawler's does not.
  bool script = false;
};

// Classifies a User-Agent header value (empty when the header is absent), comparing ASCII
// letters without regard to case. Any bytes are accepted. The same first kMaxUserAgentScan
// bytes always give the same result, whatever follows them.
UserAgentClass ClassifyUserAgent(std::string_view user_agent);

// ClassifyUserAgent with a memory of the last User-Agents classified: a worker sees the same few
// browsers over and over, and a search of the tables (about a microsecond) is the largest part of
// a visit's classification. Direct-mapped, kSlots entries, each keyed by a SipHash (libsodium's
// crypto_shorthash, under a random key made per object) of the first kMaxUserAgentScan bytes:
// the header itself is not kept, as nothing else keeps it. Two prefixes that differ collide on
// all 63 bits of the key with probability 2^-63 a lookup, and the key is secret, so no client
// can choose one that does. Not thread-safe (one per worker).
class UserAgentMemo {
 public:
  UserAgentMemo();

  // The same as ClassifyUserAgent(user_agent).
  UserAgentClass Classify(std::string_view user_agent);

 private:
  static constexpr size_t kSlots = 64;
  struct Slot {
    uint64_t tag = 0;  // 0: empty; a filled slot's tag has its lowest bit set
    UserAgentClass agent;
  };
  std::array<Slot, kSlots> slots_{};
  std::array<unsigned char, 16> key_{};  // crypto_shorthash_KEYBYTES
};

// Whether a request with this method and User-Agent uses up one of a link's max_visits
// (API.md): a GET by a person or a person's script does; HEAD, crawlers and link-preview
// fetchers (Slack, WhatsApp, ... unfolding a pasted link) do not.
bool UsesVisit(std::string_view method, std::string_view user_agent);

}  // namespace shortener

#endif  // SHORTENER_UA_CLASS_H_
