// The redirect cache (README "How it works"): what each slug resolved to, shared by every worker
// and instance through the Cache, under one protocol. Reads check the cache first and MySQL on a
// miss; writers of a link's row fence its entry so that no reader puts the old row back.
//
// The protocol, all of it here: the key is "r2:<slug>"; a value is a signed entry of
// redirect_entry.h (a link, or a slug known absent) or the unsigned change marker; a fill adds
// (never replaces) and lasts no longer than the link; a change replaces the entry by the marker
// for kChangeFenceSeconds, during which fills are refused.
#ifndef SHORTENER_LINK_CACHE_H_
#define SHORTENER_LINK_CACHE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/host_changes.h"
#include "domain/cache.h"
#include "domain/link_settings.h"
#include "domain/redirect_entry.h"
#include "domain/store.h"
#include "store/cached_link.h"
#include "store/local_link_cache.h"

namespace shortener {

// How long a changed link's entry refuses fills (see MarkChanged). It only has to outlast a
// reader's gap between its MySQL read and its cache fill, which is milliseconds; meanwhile that
// link's redirects read MySQL.
constexpr int64_t kChangeFenceSeconds = 10;

// What one cache get found for a slug.
struct LinkLookup {
  enum class Kind {
    kHit,     // `link` is the slug's link as cached (its expiry is the caller's to check)
    kAbsent,  // the slug was found to name no link a moment ago: answer 404 without MySQL
    kMiss,    // nothing usable: read MySQL, then Fill
    kFenced,  // the link changed a moment ago: read MySQL, do not fill
  };
  Kind kind = Kind::kMiss;
  CachedLink link;
};

class LinkCache {
 public:
  struct Options {
    // Keys the MAC of the entries (slug_secret).
    std::string secret;
    // The longest a link's entry lives (cache_ttl).
    int64_t link_ttl = 86400;
    // Seconds a slug that names no link is remembered as absent; 0: never (negative_cache_ttl).
    int64_t absent_ttl = 5;
    // Seconds this process keeps the links it found in memcached in its own memory (a
    // LocalLinkCache); 0: not at all (local_cache_ttl). Needs `changes`.
    int64_t local_ttl = 0;
    // The host's change counters (local_cache_change_file): MarkChanged bumps them, and the
    // in-memory tier serves only what no change on this host has touched since. May be null
    // (then no in-memory tier either).
    HostChanges* changes = nullptr;
  };

  // Borrows `cache` and options.changes; they must outlive this object.
  LinkCache(Cache* cache, const Options& options);

  // The cache key of `slug`'s entry.
  static std::string Key(std::string_view slug);

  // With local_ttl, first this process's own copy (LocalLinkCache: no get at all); the links
  // that a get then finds are kept there, except those with max_visits.
  // One cache get. An entry that does not verify (forged, or of an older format) is a miss, and
  // is deleted so that the fill after the MySQL read can take its place (a change fenced after
  // that delete still refuses the fill); the first forged one is logged. An absent entry past
  // its time is a miss too.
  LinkLookup Lookup(const std::string& slug, int64_t now);

  // After a miss and a MySQL read that found `link`: adds its entry for the link's time left,
  // at most link_ttl; nothing if the key holds a value already (a marker, or a newer fill) or
  // the link has expired. Not after kFenced: the marker would refuse it anyway.
  void FillLink(const std::string& slug, const CachedLink& link, int64_t now);
  // After a miss and a MySQL read that found no link: adds an absent entry for absent_ttl
  // (nothing when that is 0, or the key holds a value).
  void FillAbsent(const std::string& slug, int64_t now);

  // A link just created: stores its entry, replacing whatever the key held (an absent entry made
  // by a probe of the slug, or the entry of an earlier link removed while its entry lived on).
  // A reader that missed before the insert and fills after this finds the key taken; one that
  // filled before is overwritten.
  void Publish(const std::string& slug, const CachedLink& link, int64_t now);

  // Tells every instance that `slug`'s row changed (updated, deleted or disabled): its entry is
  // replaced by the change marker for kChangeFenceSeconds, which refuses fills, so a reader that
  // loaded the old row just before the change cannot cache it again afterwards. With a pool the
  // marker goes to every server (Cache::SetEverywhere), since workers may disagree, while one
  // is failing, about which server holds the key. Then bumps the slug's host change counter,
  // after which no process of this host serves its in-memory copy of the link any more; other
  // hosts' copies last at most their local_ttl. False when no server of the cache took the
  // marker (Cache::SetEverywhere): whoever else reaches the cache may then go on serving the old
  // entry until its own expiry (link_ttl or the link's). A worker's change goes on regardless
  // (the cache it cannot reach is, most likely, the one its peers cannot reach either); the
  // admin tool, whose cache settings may not be the workers', refuses to change anything then.
  bool MarkChanged(const std::string& slug);

 private:
  Cache* cache_;
  RedirectEntryCodec entries_;
  int64_t link_ttl_;
  int64_t absent_ttl_;
  HostChanges* changes_;
  std::unique_ptr<LocalLinkCache> local_;  // null without local_ttl or changes
  // A forged entry was logged: the next ones are not (memcached is someone's to write).
  bool reported_forged_ = false;
};

// The Options of the workers' and the admin tool's LinkCache: slug_secret, cache_ttl,
// negative_cache_ttl, local_cache_ttl and the host's change counters, from `settings`.
LinkCache::Options LinkCacheOptions(const LinkSettings& settings);

}  // namespace shortener

#endif  // SHORTENER_LINK_CACHE_H_
