// Unit tests of src/store/local_link_cache.h: the in-worker map's TTL, change counts, what it
// never keeps, and its two bounds.
#include "store/local_link_cache.h"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>

namespace shortener {
namespace {

constexpr int64_t kNow = 1795348800;

CachedLink Target(const std::string& url, uint64_t id = 7) {
  CachedLink link;
  link.url = url;
  link.id = id;
  link.expires_at = kNow + 3600;
  link.redirect_code = 308;
  return link;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(local_link_cache)

BOOST_AUTO_TEST_CASE(an_entry_is_served_until_its_ttl_is_over) {
  LocalLinkCache cache(5);
  cache.Put("abc123", Target("https://t.test/a"), kNow, 3);
  std::optional<CachedLink> found = cache.Find("abc123", kNow, 3);
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST(found->url == "https://t.test/a");
  BOOST_TEST(found->id == 7u);
  BOOST_TEST(found->expires_at == kNow + 3600);  // the link's own expiry travels with it
  BOOST_TEST(found->redirect_code == 308);
  BOOST_TEST(cache.Find("abc123", kNow + 4, 3).has_value());
  // Put at kNow (unix seconds, floored): served while the clock reads less than kNow + 5, so
  // never more than 5 seconds after it was looked up.
  BOOST_TEST(!cache.Find("abc123", kNow + 5, 3).has_value());
  BOOST_TEST(cache.size() == 0u);  // the expired entry is dropped, not kept
  BOOST_TEST(!cache.Find("other1", kNow, 3).has_value());
}

BOOST_AUTO_TEST_CASE(a_changed_count_drops_the_entry) {
  LocalLinkCache cache(60);
  cache.Put("abc123", Target("https://t.test/a"), kNow, 3);
  BOOST_TEST(!cache.Find("abc123", kNow, 4).has_value());
  BOOST_TEST(cache.size() == 0u);
  // Gone for good: the old count does not bring it back.
  BOOST_TEST(!cache.Find("abc123", kNow, 3).has_value());
}

BOOST_AUTO_TEST_CASE(links_with_max_visits_are_never_kept) {
  LocalLinkCache cache(60);
  CachedLink limited = Target("https://t.test/a");
  limited.limited = true;
  cache.Put("abc123", limited, kNow, 0);
  BOOST_TEST(cache.size() == 0u);
  BOOST_TEST(!cache.Find("abc123", kNow, 0).has_value());
}

BOOST_AUTO_TEST_CASE(drop_and_put_again_replace_the_entry) {
  LocalLinkCache cache(60);
  cache.Put("abc123", Target("https://t.test/a"), kNow, 1);
  cache.Drop("abc123");
  BOOST_TEST(!cache.Find("abc123", kNow, 1).has_value());
  BOOST_TEST(cache.bytes() == 0u);
  cache.Put("abc123", Target("https://t.test/a"), kNow, 1);
  cache.Put("abc123", Target("https://t.test/longer", 8), kNow + 1, 2);
  BOOST_TEST(cache.size() == 1u);
  BOOST_TEST(cache.bytes() == std::string("abc123https://t.test/longer").size());
  std::optional<CachedLink> found = cache.Find("abc123", kNow + 1, 2);
  BOOST_TEST_REQUIRE(found.has_value());
  BOOST_TEST(found->id == 8u);
  cache.Drop("nosuch");  // nothing to drop: no harm
  BOOST_TEST(cache.size() == 1u);
}

BOOST_AUTO_TEST_CASE(the_entry_bound_drops_expired_entries_first) {
  LocalLinkCache cache(10, /*max_entries=*/16, /*max_bytes=*/1 << 20);
  for (int i = 0; i < 8; ++i)
    cache.Put("old" + std::to_string(i), Target("https://o.test/"), kNow, 0);
  for (int i = 0; i < 8; ++i) {
    cache.Put("new" + std::to_string(i), Target("https://n.test/"), kNow + 5, 0);
  }
  BOOST_TEST(cache.size() == 16u);
  // Full at kNow + 10: the old ones have expired and make the room; every new one stays.
  cache.Put("last", Target("https://l.test/"), kNow + 10, 0);
  BOOST_TEST(cache.size() == 9u);
  for (int i = 0; i < 8; ++i) {
    BOOST_TEST(cache.Find("new" + std::to_string(i), kNow + 10, 0).has_value());
  }
  BOOST_TEST(cache.Find("last", kNow + 10, 0).has_value());
}

BOOST_AUTO_TEST_CASE(the_entry_bound_holds_when_nothing_has_expired) {
  LocalLinkCache cache(60, /*max_entries=*/16, /*max_bytes=*/1 << 20);
  for (int i = 0; i < 1000; ++i) {
    cache.Put("s" + std::to_string(i), Target("https://t.test/"), kNow, 0);
    BOOST_TEST_REQUIRE(cache.size() <= 16u);
  }
  // The latest one is always kept; the sweep went down to 7/8, not to empty.
  BOOST_TEST(cache.Find("s999", kNow, 0).has_value());
  BOOST_TEST(cache.size() >= 14u);
}

BOOST_AUTO_TEST_CASE(the_byte_bound_counts_slugs_and_urls) {
  const std::string url(90, 'x');  // with a 10-byte slug: 100 bytes an entry
  LocalLinkCache cache(60, /*max_entries=*/1000, /*max_bytes=*/1000);
  for (int i = 0; i < 100; ++i) {
    cache.Put("slug" + std::to_string(100000 + i), Target(url), kNow, 0);
    BOOST_TEST_REQUIRE(cache.bytes() <= 1000u);
    BOOST_TEST_REQUIRE(cache.bytes() == cache.size() * 100u);
  }
  BOOST_TEST(cache.size() >= 8u);
  // An entry larger than the whole budget is not kept (and empties nothing).
  const size_t before = cache.size();
  cache.Put("huge01", Target(std::string(2000, 'y')), kNow, 0);
  BOOST_TEST(!cache.Find("huge01", kNow, 0).has_value());
  BOOST_TEST(cache.size() == before);
}

BOOST_AUTO_TEST_CASE(a_zero_ttl_keeps_nothing) {
  LocalLinkCache cache(0);
  cache.Put("abc123", Target("https://t.test/a"), kNow, 0);
  BOOST_TEST(cache.size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace shortener
