// Unit tests of src/domain/ua_class.h: the classification of real User-Agents, one row each.
#include "domain/ua_class.h"

#include <boost/test/unit_test.hpp>
#include <string>
#include <utility>
#include <vector>

namespace shortener {
namespace {

struct Case {
  const char* ua;
  const char* device;
  const char* browser;
  const char* os;
};

bool Same(const UserAgentClass& a, const UserAgentClass& b) {
  return a.device == b.device && a.browser == b.browser && a.os == b.os && a.bot == b.bot &&
         a.script == b.script;
}

// One memo for every case of every test: each case is looked up twice, so the memo both fills
// and answers from what it holds, among the earlier cases' entries.
UserAgentMemo& SharedMemo() {
  static UserAgentMemo memo;
  return memo;
}

void Check(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("User-Agent '" << c.ua << "'") {
      const UserAgentClass got = ClassifyUserAgent(c.ua);
      BOOST_TEST(DeviceName(got.device) == c.device);
      BOOST_TEST(got.browser == c.browser);
      BOOST_TEST(got.os == c.os);
      BOOST_TEST(got.bot == (std::string(c.device) == "bot"));
      BOOST_TEST(Same(SharedMemo().Classify(c.ua), got));
      BOOST_TEST(Same(SharedMemo().Classify(c.ua), got));
    }
  }
}

BOOST_AUTO_TEST_SUITE(ua_class)

BOOST_AUTO_TEST_CASE(browsers_of_people) {
  Check({
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36",
       "desktop", "Chrome", "Windows"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
       "desktop", "Edge", "Windows"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0",
       "desktop", "Opera", "Windows"},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
       "desktop", "Firefox", "Windows"},
      {"Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", "desktop",
       "Internet Explorer", "Windows"},
      {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
       "Gecko) Version/17.2 Safari/605.1.15",
       "desktop", "Safari", "macOS"},
      {"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "desktop",
       "Firefox", "Linux"},
      {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36",
       "desktop", "Chrome", "ChromeOS"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
       "like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
       "mobile", "Safari", "iOS"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
       "like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
       "mobile", "Chrome", "iOS"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
       "like Gecko) FxiOS/121.0 Mobile/15E148 Safari/605.1.15",
       "mobile", "Firefox", "iOS"},
      {"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/16.6 Mobile/15E148 Safari/604.1",
       "tablet", "Safari", "iOS"},
      {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Mobile Safari/537.36",
       "mobile", "Chrome", "Android"},
      {"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36",
       "tablet", "Chrome", "Android"},
      {"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like "
       "Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
       "mobile", "Samsung Internet", "Android"},
      {"Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0", "mobile", "Firefox",
       "Android"},
      {"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
       "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 "
       "Edge/15.14977",
       "mobile", "Edge", "Windows Phone"},
      // "Microsoft" holds "cros": must not make Windows look like ChromeOS.
      {"Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17126; Pro)", "desktop",
       "other", "Windows"},
      {"SomethingNew/1.0", "other", "other", "other"},
      // Televisions and consoles are neither desktops nor phones (a review found both counted
      // as desktops), whatever system they name.
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) AppleWebKit/537.36 (KHTML, "
       "like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19041",
       "other", "Edge", "Windows"},
      {"Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/538.1 (KHTML, like Gecko) "
       "Version/6.0 TV Safari/538.1 SamsungBrowser/4.0",
       "other", "Samsung Internet", "Linux"},
      {"Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/79.0.3945.79 Safari/537.36 WebAppManager",
       "other", "Chrome", "Linux"},
      {"Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko) "
       "Version/13.0 Safari/605.1.15",
       "other", "Safari", "other"},
      // KaiOS names Android too.
      {"Mozilla/5.0 (Mobile; LYF/F300B/LYF-F300B-001-01-15-130718-i;Android; rv:48.0) "
       "Gecko/48.0 Firefox/48.0 KAIOS/2.5",
       "mobile", "Firefox", "KaiOS"},
  });
}

BOOST_AUTO_TEST_CASE(crawlers_and_link_preview_fetchers_are_bots) {
  Check({
      {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "bot", "Slackbot", "other"},
      {"Slack-ImgProxy (+https://api.slack.com/robots)", "bot", "Slackbot", "other"},
      {"Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "bot", "Discordbot",
       "other"},
      {"WhatsApp/2.23.20.0 A", "bot", "WhatsApp", "other"},
      {"WhatsApp/2.2349.2 i", "bot", "WhatsApp", "other"},
      // Telegram names Twitterbot too: it is counted as itself.
      {"TelegramBot (like TwitterBot)", "bot", "TelegramBot", "other"},
      {"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "bot",
       "facebookexternalhit", "other"},
      {"Twitterbot/1.0", "bot", "Twitterbot", "other"},
      {"LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
       "bot", "LinkedInBot", "other"},
      // Googlebot's smartphone crawler sends a whole Chrome on Android User-Agent.
      {"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, "
       "like Gecko) Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
       "+http://www.google.com/bot.html)",
       "bot", "Googlebot", "Android"},
      {"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bot", "bingbot",
       "other"},
      {"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "bot", "other bot",
       "other"},
      {"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", "bot",
       "other bot", "other"},
      {"Mozilla/5.0 (compatible; archive.org_crawler)", "bot", "other bot", "other"},
      {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "HeadlessChrome/120.0.0.0 Safari/537.36",
       "bot", "headless browser", "Linux"},
      {"curl/7.88.1", "bot", "curl", "other"},
      {"Wget/1.21.3", "bot", "Wget", "other"},
      {"python-requests/2.31.0", "bot", "python-requests", "other"},
      {"Python-urllib/3.11", "bot", "Python urllib", "other"},
      {"Go-http-client/1.1", "bot", "Go-http-client", "other"},
      {"okhttp/4.12.0", "bot", "OkHttp", "other"},
      // No User-Agent at all: only scripts send none.
      {"", "bot", "other bot", "other"},
      // Google's fetchers without "bot" in their names (a review found them counted as people).
      {"Mozilla/5.0 (compatible; GoogleOther)", "bot", "Google", "other"},
      {"FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)", "bot", "Google", "other"},
      {"Mediapartners-Google", "bot", "Google", "other"},
      {"APIs-Google (+https://developers.google.com/webmasters/APIs-Google.html)", "bot", "Google",
       "other"},
      {"Mozilla/5.0 (en-us) AppleWebKit/525.13 (KHTML, like Gecko; Google Web Preview) "
       "Version/3.1 Safari/525.13",
       "bot", "Google", "other"},
      // Other networks' preview fetchers and embedding services.
      {"Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", "bot", "vkShare", "other"},
      {"Iframely/1.3.1 (+https://iframely.com/docs/about)", "bot", "Iframely", "other"},
      {"Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)", "bot", "Embedly",
       "other"},
      {"facebookcatalog/1.0", "bot", "facebookexternalhit", "other"},
      {"http.rb/4.4.1 (Mastodon/3.5.3; +https://mastodon.social/)", "bot", "Mastodon", "other"},
      {"Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots", "bot",
       "other bot", "other"},
      {"Mozilla/5.0 (compatible; SomeUrlPreview/1.0)", "bot", "other bot", "other"},
      // HTTP libraries beyond the first table's.
      {"python-httpx/0.27.0", "bot", "python-httpx", "other"},
      {"HTTPie/3.2.2", "bot", "HTTPie", "other"},
      {"PostmanRuntime/7.36.0", "bot", "Postman", "other"},
      {"Java-http-client/17.0.9", "bot", "Java", "other"},
      {"GuzzleHttp/7", "bot", "Guzzle", "other"},
      {"Dart/3.2 (dart:io)", "bot", "Dart", "other"},
      {"undici", "bot", "Node.js fetch", "other"},
      {"node", "bot", "Node.js fetch", "other"},
      {"Ruby", "bot", "Ruby", "other"},
      {"Faraday v2.9.0", "bot", "Faraday", "other"},
      {"Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.0", "bot",
       "PowerShell", "Windows"},
      {"Dalvik/2.1.0 (Linux; U; Android 13; Pixel 7 Build/TQ3A.230901.001)", "bot", "Dalvik",
       "Android"},
      // Placeholders no browser sends.
      {"-", "bot", "other bot", "other"},
      {"Mozilla/5.0", "bot", "other bot", "other"},
  });
}

// The bare names match only as the whole header: inside a browser's User-Agent they are words
// like any other.
BOOST_AUTO_TEST_CASE(bare_names_are_whole_user_agents_only) {
  for (const char* human :
       {"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0 node",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1 Safari/605.1.15 Ruby",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0.0.0 Safari/537.36"}) {
    BOOST_TEST_CONTEXT(human) { BOOST_TEST(!ClassifyUserAgent(human).bot); }
  }
  BOOST_TEST(ClassifyUserAgent("NODE").bot);
  BOOST_TEST(!ClassifyUserAgent("nodejs-app").bot);
}

BOOST_AUTO_TEST_CASE(markers_match_in_any_case) {
  Check({
      {"CURL/8.0", "bot", "curl", "other"},
      {"mozilla/5.0 (WINDOWS NT 10.0) firefox/121.0", "desktop", "Firefox", "Windows"},
      {"GOOGLEBOT", "bot", "Googlebot", "other"},
  });
}

BOOST_AUTO_TEST_CASE(only_the_first_bytes_are_read) {
  // A marker past kMaxUserAgentScan is not seen; one ending exactly at the bound is.
  const std::string pad(kMaxUserAgentScan - 3, 'x');
  BOOST_TEST(ClassifyUserAgent(pad + "bot").bot);
  BOOST_TEST(!ClassifyUserAgent(pad + "xbot").bot);
  const std::string prefix = "Mozilla/5.0 (Windows NT 10.0) Firefox/121.0 ";
  const UserAgentClass a = ClassifyUserAgent(prefix + std::string(10000, 'y'));
  BOOST_TEST(a.browser == "Firefox");
  BOOST_TEST(!a.bot);
}

BOOST_AUTO_TEST_CASE(the_memo_answers_as_the_tables_do) {
  // Many more User-Agents than the memo has slots, in classes of every kind, each asked for
  // several times in an order that mixes them: every answer is the tables' own.
  const std::vector<std::pair<std::string, std::string>> bases = {
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0.", " Safari/537.36"},
      {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Version/17.", " Mobile/15E148"},
      {"Mozilla/5.0 (X11; Linux x86_64; rv:", ".0) Gecko/20100101 Firefox/121.0"},
      {"Mozilla/5.0 (compatible; Googlebot/2.", "; +http://www.google.com/bot.html)"},
      {"curl/8.", ".0"},
      {"WhatsApp/2.23.", " A"},
  };
  std::vector<std::string> agents;
  for (int n = 0; n < 100; ++n) {
    for (const auto& [before, after] : bases) agents.push_back(before + std::to_string(n) + after);
  }
  UserAgentMemo memo;
  for (int round = 0; round < 3; ++round) {
    for (size_t i = 0; i < agents.size(); ++i) {
      const std::string& ua = agents[(i * 7 + static_cast<size_t>(round)) % agents.size()];
      BOOST_TEST_CONTEXT("User-Agent '" << ua << "'") {
        BOOST_TEST(Same(memo.Classify(ua), ClassifyUserAgent(ua)));
      }
    }
  }
  // Two headers with the same scanned prefix are one entry; a marker past the prefix is not
  // seen through the memo either.
  const std::string pad(kMaxUserAgentScan - 3, 'x');
  BOOST_TEST(memo.Classify(pad + "bot").bot);
  BOOST_TEST(!memo.Classify(pad + "xbot").bot);
  BOOST_TEST(!memo.Classify(pad + "xbot and more").bot);
}

BOOST_AUTO_TEST_CASE(device_names) {
  BOOST_TEST(DeviceName(Device::kDesktop) == "desktop");
  BOOST_TEST(DeviceName(Device::kMobile) == "mobile");
  BOOST_TEST(DeviceName(Device::kTablet) == "tablet");
  BOOST_TEST(DeviceName(Device::kBot) == "bot");
  BOOST_TEST(DeviceName(Device::kOther) == "other");
}

// max_visits (API.md): a person's GET and a person's script use a visit; HEAD, crawlers and
// link-preview fetchers do not.
BOOST_AUTO_TEST_CASE(which_requests_use_a_visit) {
  const std::string firefox =
      "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
  BOOST_TEST(UsesVisit("GET", firefox));
  BOOST_TEST(UsesVisit("GET", "curl/8.5.0"));
  BOOST_TEST(UsesVisit("GET", "python-requests/2.31"));
  BOOST_TEST(UsesVisit("GET", ""));
  BOOST_TEST(!UsesVisit("HEAD", firefox));
  BOOST_TEST(!UsesVisit("HEAD", "curl/8.5.0"));
  for (const char* bot :
       {"Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "WhatsApp/2.23.20.0 A",
        "TelegramBot (like TwitterBot)", "facebookexternalhit/1.1", "Discordbot/2.0",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "LinkedInBot/1.0", "Twitterbot/1.0", "SomeCrawler curl/8.0"}) {
    BOOST_TEST_CONTEXT(bot) {
      BOOST_TEST(!UsesVisit("GET", bot));
      BOOST_TEST(!ClassifyUserAgent(bot).script);
    }
  }
  // The libraries and placeholders above are scripts: they use visits; the fetchers do not.
  for (const char* script : {"python-httpx/0.27.0", "node", "-", "Mozilla/5.0"}) {
    BOOST_TEST_CONTEXT(script) { BOOST_TEST(UsesVisit("GET", script)); }
  }
  for (const char* fetcher : {"Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)",
                              "Iframely/1.3.1", "Mozilla/5.0 (compatible; GoogleOther)"}) {
    BOOST_TEST_CONTEXT(fetcher) { BOOST_TEST(!UsesVisit("GET", fetcher)); }
  }
  BOOST_TEST(ClassifyUserAgent("curl/8.5.0").script);
  BOOST_TEST(ClassifyUserAgent("curl/8.5.0").bot);  // still a bot to the statistics
  BOOST_TEST(!ClassifyUserAgent(firefox).script);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
