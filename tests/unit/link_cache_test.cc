// Unit tests of src/store/link_cache.h over a fake Cache: what one lookup finds, which fills
// happen, and how a change marker fences them.
#include "store/link_cache.h"

#include <boost/test/unit_test.hpp>
#include <map>
#include <optional>
#include <string>

#include "domain/redirect_entry.h"
#include "domain/store.h"
#include "temp_file.h"

namespace shortener {
namespace {

constexpr int64_t kNow = 1795348800;
constexpr char kSecret[] = "unit test secret of the cache";

// A map with the TTLs it was given, and a count of every call.
class FakeCache : public Cache {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    ++gets;
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  void Add(const std::string& key, const std::string& value, int64_t ttl_seconds) override {
    ++writes;
    if (values.count(key) > 0) return;
    values[key] = value;
    ttls[key] = ttl_seconds;
  }
  void Set(const std::string& key, const std::string& value, int64_t ttl_seconds) override {
    ++writes;
    values[key] = value;
    ttls[key] = ttl_seconds;
  }
  bool SetEverywhere(const std::string& key, const std::string& value,
                     int64_t ttl_seconds) override {
    if (deaf) return false;
    Set(key, value, ttl_seconds);
    return true;
  }
  std::optional<uint64_t> Increment(const std::string&, uint64_t, int64_t) override {
    return std::nullopt;
  }
  std::optional<uint64_t> Decrement(const std::string&) override { return std::nullopt; }
  void Delete(const std::string& key) override {
    ++writes;
    values.erase(key);
    ttls.erase(key);
  }
  bool Alive() override { return true; }

  std::map<std::string, std::string> values;
  std::map<std::string, int64_t> ttls;
  bool deaf = false;  // no server takes a write made everywhere
  int gets = 0;
  int writes = 0;
};

LinkCache::Options Options(int64_t link_ttl = 86400, int64_t absent_ttl = 5, int64_t local_ttl = 0,
                           HostChanges* changes = nullptr) {
  return LinkCache::Options{kSecret, link_ttl, absent_ttl, local_ttl, changes};
}

// A fresh host change counters file in a private temporary directory, removed afterwards.
struct TempChanges : TempFile {
  TempChanges() : TempFile("changes") {}
};

int K(LinkLookup::Kind kind) { return static_cast<int>(kind); }

BOOST_AUTO_TEST_SUITE(link_cache)

BOOST_AUTO_TEST_CASE(keys_carry_the_r2_prefix) {
  BOOST_TEST(LinkCache::Key("abc123") == "r2:abc123");
  BOOST_TEST(LinkCache::Key("") == "r2:");
}

BOOST_AUTO_TEST_CASE(a_filled_link_is_a_hit_with_one_get) {
  FakeCache cache;
  LinkCache links(&cache, Options());
  BOOST_TEST(K(links.Lookup("abc123", kNow).kind) == K(LinkLookup::Kind::kMiss));
  links.FillLink("abc123", CachedLink{"https://t.test/a", 42, kNow + 3600}, kNow);
  BOOST_TEST(cache.ttls["r2:abc123"] == 3600);  // the link's time left, below link_ttl
  cache.gets = 0;
  cache.writes = 0;
  LinkLookup found = links.Lookup("abc123", kNow);
  BOOST_TEST(K(found.kind) == K(LinkLookup::Kind::kHit));
  BOOST_TEST(found.link.url == "https://t.test/a");
  BOOST_TEST(found.link.id == 42u);
  BOOST_TEST(found.link.expires_at == kNow + 3600);
  BOOST_TEST(cache.gets == 1);
  BOOST_TEST(cache.writes == 0);
  // The entry is the slug's own: the same value under another slug's key is forged there.
  cache.values["r2:other1"] = cache.values["r2:abc123"];
  BOOST_TEST(K(links.Lookup("other1", kNow).kind) == K(LinkLookup::Kind::kMiss));
}

BOOST_AUTO_TEST_CASE(fills_last_no_longer_than_link_ttl_and_not_for_expired_links) {
  FakeCache cache;
  LinkCache links(&cache, Options(/*link_ttl=*/600));
  links.FillLink("long01", CachedLink{"https://t.test/", 1, kNow + 100000}, kNow);
  BOOST_TEST(cache.ttls["r2:long01"] == 600);
  links.FillLink("never1", CachedLink{"https://t.test/", 2, kNeverExpires}, kNow);
  BOOST_TEST(cache.ttls["r2:never1"] == 600);
  links.FillLink("gone01", CachedLink{"https://t.test/", 3, kNow}, kNow);
  BOOST_TEST(cache.values.count("r2:gone01") == 0u);
}

BOOST_AUTO_TEST_CASE(a_fill_adds_and_never_replaces) {
  FakeCache cache;
  LinkCache links(&cache, Options());
  links.FillLink("abc123", CachedLink{"https://first.test/", 1, kNow + 60}, kNow);
  links.FillLink("abc123", CachedLink{"https://second.test/", 2, kNow + 60}, kNow);
  BOOST_TEST(links.Lookup("abc123", kNow).link.url == "https://first.test/");
}

BOOST_AUTO_TEST_CASE(an_absent_slug_is_remembered_for_absent_ttl_only) {
  FakeCache cache;
  LinkCache links(&cache, Options(86400, /*absent_ttl=*/5));
  links.FillAbsent("nosuch", kNow);
  BOOST_TEST(cache.ttls["r2:nosuch"] == 5);
  BOOST_TEST(K(links.Lookup("nosuch", kNow).kind) == K(LinkLookup::Kind::kAbsent));
  BOOST_TEST(K(links.Lookup("nosuch", kNow + 4).kind) == K(LinkLookup::Kind::kAbsent));
  // Past its time (memcached would have dropped it about now) it is a miss, and left alone.
  cache.writes = 0;
  BOOST_TEST(K(links.Lookup("nosuch", kNow + 5).kind) == K(LinkLookup::Kind::kMiss));
  BOOST_TEST(cache.writes == 0);

  FakeCache off_cache;
  LinkCache off(&off_cache, Options(86400, /*absent_ttl=*/0));
  off.FillAbsent("nosuch", kNow);
  BOOST_TEST(off_cache.values.empty());
}

BOOST_AUTO_TEST_CASE(a_change_fences_fills_for_the_fence_time) {
  FakeCache cache;
  LinkCache links(&cache, Options());
  links.FillLink("abc123", CachedLink{"https://old.test/", 1, kNow + 3600}, kNow);
  links.MarkChanged("abc123");
  BOOST_TEST(cache.values["r2:abc123"] == RedirectEntryCodec::Fence());
  BOOST_TEST(cache.ttls["r2:abc123"] == kChangeFenceSeconds);
  BOOST_TEST(K(links.Lookup("abc123", kNow).kind) == K(LinkLookup::Kind::kFenced));
  // A reader that loaded the old row before the change cannot put it back.
  links.FillLink("abc123", CachedLink{"https://old.test/", 1, kNow + 3600}, kNow);
  links.FillAbsent("abc123", kNow);
  BOOST_TEST(K(links.Lookup("abc123", kNow).kind) == K(LinkLookup::Kind::kFenced));
  // Once the marker has expired, fills work again.
  cache.values.erase("r2:abc123");
  links.FillLink("abc123", CachedLink{"https://new.test/", 1, kNow + 3600}, kNow);
  BOOST_TEST(links.Lookup("abc123", kNow).link.url == "https://new.test/");
}

BOOST_AUTO_TEST_CASE(a_new_link_replaces_whatever_its_key_held) {
  FakeCache cache;
  LinkCache links(&cache, Options(/*link_ttl=*/600));
  links.FillAbsent("custom", kNow);  // a probe before the creation
  links.Publish("custom", CachedLink{"https://new.test/", 9, kNow + 60}, kNow);
  LinkLookup found = links.Lookup("custom", kNow);
  BOOST_TEST(K(found.kind) == K(LinkLookup::Kind::kHit));
  BOOST_TEST(found.link.id == 9u);
  BOOST_TEST(cache.ttls["r2:custom"] == 60);
  links.Publish("later1", CachedLink{"https://new.test/", 10, kNeverExpires}, kNow);
  BOOST_TEST(cache.ttls["r2:later1"] == 600);
  links.Publish("expird", CachedLink{"https://new.test/", 11, kNow - 1}, kNow);
  BOOST_TEST(cache.values.count("r2:expird") == 0u);
}

BOOST_AUTO_TEST_CASE(entries_that_do_not_verify_are_misses_and_make_room_for_the_fill) {
  const RedirectEntryCodec other("another deployment's secret!!");
  struct Case {
    const char* what;
    std::string value;
  };
  const Case cases[] = {
      {"forged (another secret)", other.EncodeLink("abc123", kNow + 60, 1, "https://evil.test/")},
      {"older format", "1795352400 1 https://old-format.test/"},
      {"garbage", "\xff\x00 nonsense"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      FakeCache cache;
      LinkCache links(&cache, Options());
      cache.values["r2:abc123"] = c.value;
      BOOST_TEST(K(links.Lookup("abc123", kNow).kind) == K(LinkLookup::Kind::kMiss));
      BOOST_TEST(cache.values.count("r2:abc123") == 0u);  // deleted before the MySQL read
      links.FillLink("abc123", CachedLink{"https://real.test/", 1, kNow + 60}, kNow);
      BOOST_TEST(links.Lookup("abc123", kNow).link.url == "https://real.test/");
    }
  }
}

// local_ttl: the second lookup of a link needs no get; a change made through another LinkCache
// of the host (another worker: its own mapping of the same counters) is seen by the next one.
BOOST_AUTO_TEST_CASE(the_in_memory_tier_serves_until_a_change_on_the_host) {
  TempChanges file;
  FakeCache cache;
  HostChanges mine(file.path, /*create=*/true), theirs(file.path, /*create=*/true);
  LinkCache links(&cache, Options(86400, 5, /*local_ttl=*/30, &mine));
  LinkCache other_worker(&cache, Options(86400, 5, 0, &theirs));
  links.FillLink("abc123", CachedLink{"https://old.test/", 1, kNow + 3600}, kNow);
  cache.gets = 0;
  BOOST_TEST(links.Lookup("abc123", kNow).link.url == "https://old.test/");
  BOOST_TEST(cache.gets == 1);
  LinkLookup kept = links.Lookup("abc123", kNow + 29);
  BOOST_TEST(K(kept.kind) == K(LinkLookup::Kind::kHit));
  BOOST_TEST(kept.link.url == "https://old.test/");
  BOOST_TEST(kept.link.expires_at == kNow + 3600);
  BOOST_TEST(cache.gets == 1);  // no get: served from memory
  // Changed behind memcached's back only (another host): still the old copy, until the TTL.
  cache.values["r2:abc123"] =
      RedirectEntryCodec(kSecret).EncodeLink("abc123", kNow + 3600, 1, "https://new.test/");
  BOOST_TEST(links.Lookup("abc123", kNow + 29).link.url == "https://old.test/");
  BOOST_TEST(links.Lookup("abc123", kNow + 30).link.url == "https://new.test/");
  BOOST_TEST(cache.gets == 2);
  // Changed by another worker of this host: the very next lookup asks memcached (the marker).
  other_worker.MarkChanged("abc123");
  BOOST_TEST(K(links.Lookup("abc123", kNow + 31).kind) == K(LinkLookup::Kind::kFenced));
  BOOST_TEST(cache.gets == 3);
}

BOOST_AUTO_TEST_CASE(a_marker_no_server_took_is_reported_and_memory_is_dropped_all_the_same) {
  TempChanges file;
  FakeCache cache;
  HostChanges changes(file.path, /*create=*/true);
  LinkCache links(&cache, Options(86400, 5, /*local_ttl=*/30, &changes));
  BOOST_TEST(links.MarkChanged("other1"));  // a cache that answers took it
  links.FillLink("abc123", CachedLink{"https://old.test/", 1, kNow + 3600}, kNow);
  links.Lookup("abc123", kNow + 20);  // kept in memory now
  cache.deaf = true;
  BOOST_TEST(!links.MarkChanged("abc123"));
  // The old entry is still in the cache, for others to find; this host's memory let it go.
  const int gets = cache.gets;
  BOOST_TEST(K(links.Lookup("abc123", kNow + 21).kind) == K(LinkLookup::Kind::kHit));
  BOOST_TEST(cache.gets == gets + 1);
}

BOOST_AUTO_TEST_CASE(the_in_memory_tier_drops_its_own_changes_and_keeps_no_limited_link) {
  TempChanges file;
  FakeCache cache;
  HostChanges changes(file.path, /*create=*/true);
  LinkCache links(&cache, Options(86400, 5, /*local_ttl=*/30, &changes));
  links.FillLink("abc123", CachedLink{"https://old.test/", 1, kNow + 3600}, kNow);
  links.Lookup("abc123", kNow);
  links.MarkChanged("abc123");
  cache.gets = 0;
  BOOST_TEST(K(links.Lookup("abc123", kNow).kind) == K(LinkLookup::Kind::kFenced));
  BOOST_TEST(cache.gets == 1);
  // max_visits: every lookup asks memcached (and the caller MySQL), never memory.
  links.FillLink("limit1", CachedLink{"https://t.test/", 2, kNow + 3600, 302, true}, kNow);
  for (int i = 0; i < 3; ++i) links.Lookup("limit1", kNow);
  BOOST_TEST(cache.gets == 4);
  // Absent slugs are not kept either: a creation must be seen at once.
  links.FillAbsent("nosuch", kNow);
  links.Lookup("nosuch", kNow);
  links.Lookup("nosuch", kNow);
  BOOST_TEST(cache.gets == 6);
}

BOOST_AUTO_TEST_CASE(no_counters_no_in_memory_tier) {
  FakeCache cache;
  LinkCache links(&cache, Options(86400, 5, /*local_ttl=*/30, nullptr));
  links.FillLink("abc123", CachedLink{"https://t.test/", 1, kNow + 3600}, kNow);
  cache.gets = 0;
  links.Lookup("abc123", kNow);
  links.Lookup("abc123", kNow);
  BOOST_TEST(cache.gets == 2);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
