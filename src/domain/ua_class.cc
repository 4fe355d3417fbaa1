// The User-Agent tables and the first-match search over them.
//
// Each table is searched top to bottom and the first row whose marker occurs anywhere in the
// lower-cased User-Agent wins, so a row must come before every row whose marker its own
// User-Agents also contain: browsers copy each other's tokens (every Chromium browser says
// "Safari", Edge says "Chrome"), and bots copy browsers'.
#include "domain/ua_class.h"

#include <sodium.h>

#include <array>
#include <cstring>
#include <iterator>

#include "base/ascii.h"
#include "base/sodium.h"

namespace shortener {

namespace {

struct Row {
  std::string_view marker;  // lower case
  std::string_view name;
};

// Bots first of all: the bot table is searched before the others, because crawlers and preview
// fetchers often send a browser's whole User-Agent with their own name added (Googlebot's says
// "Chrome/... Safari/..."), and a bot must never be counted as that browser.
constexpr Row kBots[] = {
    // Telegram's fetcher says "TelegramBot (like TwitterBot)": before Twitterbot.
    {"telegrambot", "TelegramBot"},
    // "WhatsApp/2.23.20.0 A": carries no generic marker, so it needs its own row.
    {"whatsapp", "WhatsApp"},
    {"slackbot", "Slackbot"},        // "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
    {"slack-imgproxy", "Slackbot"},  // Slack's image proxy, no "bot" in it
    {"discordbot", "Discordbot"},
    // Facebook's and Instagram's preview fetcher; no generic marker in it.
    {"facebookexternalhit", "facebookexternalhit"},
    {"twitterbot", "Twitterbot"},
    {"linkedinbot", "LinkedInBot"},
    {"googlebot", "Googlebot"},
    {"google-inspectiontool", "Googlebot"},
    // Google's other fetchers carry no generic marker: "Mozilla/5.0 (compatible; GoogleOther)",
    // "FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)", "Mediapartners-Google",
    // "APIs-Google (+https://developers.google.com/...)", "... (KHTML, like Gecko; Google Web
    // Preview) ...".
    {"googleother", "Google"},
    {"-google", "Google"},
    {"google web preview", "Google"},
    {"bingbot", "bingbot"},
    {"bingpreview", "bingbot"},            // Bing's snapshot fetcher
    {"skypeuripreview", "Skype preview"},  // no generic marker
    {"applebot", "Applebot"},
    // Preview fetchers of other networks and embedding services, none with a generic marker.
    {"vkshare", "vkShare"},  // "Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)"
    {"facebookcatalog", "facebookexternalhit"},  // Facebook's catalog fetcher
    {"iframely", "Iframely"},
    {"embedly", "Embedly"},
    {"mastodon/", "Mastodon"},  // "http.rb/4.4.1 (Mastodon/3.5.3; +https://mastodon.social/)"
    // Generic markers last, so that a bot named above keeps its own name. "bot" also covers
    // YandexBot, DuckDuckBot, redditbot, Baiduspider's kin ... (and, knowingly, the rare phone
    // model with "bot" in its name: a miscounted phone is cheaper than a crawler counted as
    // a visitor).
    {"bot", "other bot"},
    {"crawl", "other bot"},
    {"spider", "other bot"},
    {"slurp", "other bot"},    // Yahoo
    {"preview", "other bot"},  // "Snap URL Preview Service", "SkypeUriPreview", ...
    {"headlesschrome", "headless browser"},
};

// HTTP libraries and command-line tools: scripts, not people, so bots to the statistics; but
// someone's script to max_visits, which they use up (UserAgentClass::script). Searched after
// kBots, so a crawler that names its library stays a crawler.
constexpr Row kScripts[] = {
    {"curl/", "curl"},
    {"wget/", "Wget"},
    {"python-requests", "python-requests"},
    {"python-urllib", "Python urllib"},
    {"aiohttp", "Python aiohttp"},
    {"go-http-client", "Go-http-client"},
    {"okhttp", "OkHttp"},
    {"java/", "Java"},
    {"apache-httpclient", "Apache HttpClient"},
    {"libwww-perl", "libwww-perl"},
    {"node-fetch", "node-fetch"},
    {"axios/", "axios"},
    {"undici", "Node.js fetch"},
    {"scrapy", "Scrapy"},
    {"python-httpx", "python-httpx"},
    {"httpie/", "HTTPie"},
    {"postmanruntime", "Postman"},
    {"java-http-client", "Java"},  // the JDK's own since Java 11: "Java-http-client/17.0.9"
    {"guzzlehttp", "Guzzle"},
    {"dart:io", "Dart"},  // "Dart/3.2 (dart:io)"
    {"faraday v", "Faraday"},
    {"powershell/", "PowerShell"},
    // Android's HttpURLConnection: an app's fetcher (a chat app's preview), not its WebView,
    // which sends a browser's User-Agent.
    {"dalvik/", "Dalvik"},
    {"reqwest/", "reqwest"},
};

// Whole User-Agents too bare to be a browser's, from libraries that send only a name ("node" is
// Node.js's fetch, "ruby" Ruby's Net::HTTP) or from clients that fill the header with a
// placeholder. A substring search would find these words inside real browsers' User-Agents.
constexpr Row kBareScripts[] = {
    {"-", "other bot"},
    {"mozilla/5.0", "other bot"},
    {"mozilla/4.0", "other bot"},
    {"node", "Node.js fetch"},
    {"ruby", "Ruby"},
};

// Browsers: every Chromium-based browser also says "Chrome/" and "Safari/", and Chrome and
// Firefox on iOS say "Safari/", so the specific ones come first and Safari last of the WebKit
// family.
constexpr Row kBrowsers[] = {
    {"edg/", "Edge"},     // Chromium Edge: "... Chrome/120 Safari/537.36 Edg/120"
    {"edga/", "Edge"},    // Edge on Android
    {"edgios/", "Edge"},  // Edge on iOS
    {"edge/", "Edge"},    // EdgeHTML Edge also says "Chrome/"
    {"opr/", "Opera"},    // Chromium Opera: "... Chrome/... Safari/... OPR/106"
    {"opera", "Opera"},   // Presto Opera and Opera Mini
    {"samsungbrowser/", "Samsung Internet"},  // says "Chrome/" too
    {"yabrowser/", "Yandex Browser"},         // says "Chrome/" too
    {"ucbrowser/", "UC Browser"},             // says "Chrome/" or "Safari/" too
    {"fxios/", "Firefox"},                    // Firefox on iOS: WebKit, says "Safari/"
    {"firefox/", "Firefox"},
    {"crios/", "Chrome"},  // Chrome on iOS: WebKit, says "Safari/"
    {"chromium/", "Chrome"},
    {"chrome/", "Chrome"},              // after every browser above that also says "Chrome/"
    {"safari/", "Safari"},              // after every browser that also says "Safari/"
    {"trident/", "Internet Explorer"},  // IE 11 dropped "MSIE"
    {"msie ", "Internet Explorer"},
};

// Operating systems: iOS says "like Mac OS X", Android and ChromeOS say "Linux", Windows Phone
// says "Android" (and "Windows"), so each comes before the row its User-Agents also match.
constexpr Row kSystems[] = {
    {"windows phone", "Windows Phone"},
    {"kaios", "KaiOS"},  // "Mozilla/5.0 (Mobile; ...; Android; rv:48.0) ... KAIOS/2.5"
    {"iphone", "iOS"},
    {"ipad", "iOS"},
    {"ipod", "iOS"},
    {"android", "Android"},
    // "X11; CrOS x86_64 ...", with its space: "microsoft" holds "cros".
    {"cros ", "ChromeOS"},
    {"windows", "Windows"},
    {"mac os x", "macOS"},
    {"macintosh", "macOS"},
    {"linux", "Linux"},
    {"freebsd", "FreeBSD"},
};

// The User-Agent's first kMaxUserAgentScan bytes, lower-cased (ASCII letters only).
class LowerPrefix {
 public:
  explicit LowerPrefix(std::string_view text) {
    size_ = text.size() < kMaxUserAgentScan ? text.size() : kMaxUserAgentScan;
    for (size_t i = 0; i < size_; ++i) buffer_[i] = ToLowerAscii(text[i]);
  }
  bool Has(std::string_view marker) const {
    return std::string_view(buffer_.data(), size_).find(marker) != std::string_view::npos;
  }
  bool empty() const { return size_ == 0; }
  // Whether the whole User-Agent (all of it scanned) is `text`.
  bool Is(std::string_view text) const { return std::string_view(buffer_.data(), size_) == text; }

 private:
  std::array<char, kMaxUserAgentScan> buffer_;
  size_t size_;
};

template <size_t N>
const Row* FirstMatch(const LowerPrefix& ua, const Row (&table)[N]) {
  for (const Row& row : table) {
    if (ua.Has(row.marker)) return &row;
  }
  return nullptr;
}

// The row of kBareScripts that is the whole User-Agent, if one is.
const Row* BareScript(const LowerPrefix& ua) {
  for (const Row& row : kBareScripts) {
    if (ua.Is(row.marker)) return &row;
  }
  return nullptr;
}

// The device of a human visitor. Tablets first: iPads say "Mobile/15E148" and Android tablets
// differ from phones only by lacking "Mobile" (Google's convention for Android browsers).
// iPadOS 13 and later send a Macintosh User-Agent by default and are counted as desktops.
Device HumanDevice(const LowerPrefix& ua, std::string_view os) {
  // Televisions and game consoles browse too; they are neither phones nor desktops, whatever
  // system they name (an Xbox says "Windows NT 10.0", a Samsung TV "Linux").
  for (std::string_view marker : {"smart-tv", "smarttv", "tizen", "web0s", "hbbtv", "xbox",
                                  "playstation", "nintendo", "appletv", "crkey", "bravia"}) {
    if (ua.Has(marker)) return Device::kOther;
  }
  if (ua.Has("ipad") || ua.Has("kindle") || (ua.Has("android") && !ua.Has("mobi"))) {
    return Device::kTablet;
  }
  if (ua.Has("mobi") || ua.Has("iphone") || ua.Has("ipod") || ua.Has("windows phone")) {
    return Device::kMobile;
  }
  if (os == "Windows" || os == "macOS" || os == "Linux" || os == "ChromeOS" || os == "FreeBSD") {
    return Device::kDesktop;
  }
  return Device::kOther;
}

}  // namespace

std::string_view DeviceName(Device device) {
  switch (device) {
    case Device::kDesktop:
      return "desktop";
    case Device::kMobile:
      return "mobile";
    case Device::kTablet:
      return "tablet";
    case Device::kBot:
      return "bot";
    case Device::kOther:
      break;
  }
  return "other";
}

UserAgentClass ClassifyUserAgent(std::string_view user_agent) {
  const LowerPrefix ua(user_agent);
  UserAgentClass out;
  const Row* system = FirstMatch(ua, kSystems);
  if (system != nullptr) out.os = system->name;
  // Every browser sends a User-Agent; only scripts leave it out (or send it empty).
  if (ua.empty()) {
    out.bot = true;
    out.script = true;
    out.device = Device::kBot;
    out.browser = "other bot";
    return out;
  }
  const Row* bot = FirstMatch(ua, kBots);
  const Row* script = bot != nullptr ? nullptr : FirstMatch(ua, kScripts);
  if (bot == nullptr && script == nullptr) script = BareScript(ua);
  if (bot != nullptr || script != nullptr) {
    out.bot = true;
    out.script = script != nullptr;
    out.device = Device::kBot;
    out.browser = (bot != nullptr ? bot : script)->name;
    return out;
  }
  if (const Row* browser = FirstMatch(ua, kBrowsers)) out.browser = browser->name;
  out.device = HumanDevice(ua, out.os);
  return out;
}

UserAgentMemo::UserAgentMemo() {
  static_assert(sizeof key_ == crypto_shorthash_KEYBYTES);
  RequireSodium();
  crypto_shorthash_keygen(key_.data());
}

UserAgentClass UserAgentMemo::Classify(std::string_view user_agent) {
  // Only the scanned prefix decides the class (ClassifyUserAgent's contract).
  const std::string_view scanned = user_agent.substr(0, kMaxUserAgentScan);
  unsigned char hash[crypto_shorthash_BYTES];
  crypto_shorthash(hash, reinterpret_cast<const unsigned char*>(scanned.data()), scanned.size(),
                   key_.data());
  uint64_t tag;
  static_assert(sizeof hash == sizeof tag);
  std::memcpy(&tag, hash, sizeof tag);
  tag |= 1;
  Slot& slot = slots_[(tag >> 1) % kSlots];
  if (slot.tag != tag) {
    slot.agent = ClassifyUserAgent(scanned);
    slot.tag = tag;
  }
  return slot.agent;
}

bool UsesVisit(std::string_view method, std::string_view user_agent) {
  if (method != "GET") return false;
  const UserAgentClass ua = ClassifyUserAgent(user_agent);
  return !ua.bot || ua.script;
}

}  // namespace shortener
