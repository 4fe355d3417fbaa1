// The redirect cache protocol: keys, entries, fills and change markers.
#include "store/link_cache.h"

#include <algorithm>

#include "base/log.h"
#include "base/metrics.h"

namespace shortener {

LinkCache::Options LinkCacheOptions(const LinkSettings& settings) {
  return LinkCache::Options{settings.cache_secret, settings.cache_ttl, settings.negative_cache_ttl,
                            settings.local_cache_ttl, settings.host_changes};
}

LinkCache::LinkCache(Cache* cache, const Options& options)
    : cache_(cache),
      entries_(options.secret),
      link_ttl_(options.link_ttl),
      absent_ttl_(options.absent_ttl),
      changes_(options.changes),
      local_(options.local_ttl > 0 && options.changes != nullptr
                 ? std::make_unique<LocalLinkCache>(options.local_ttl)
                 : nullptr) {}

// "r2:" since entries carry the link id; "r1:" entries (no id) are never read. Signed entries
// (redirect_entry.h) kept the key: workers of the version before them share its fences, and
// take the signed values for misses, as the new ones take the old values.
std::string LinkCache::Key(std::string_view slug) { return "r2:" + std::string(slug); }

LinkLookup LinkCache::Lookup(const std::string& slug, int64_t now) {
  LinkLookup found;
  // Read before the get: a change committed on this host after this read bumps the counter, so
  // whatever the get returns is kept under a count already out of date, and never served.
  std::optional<uint64_t> changes;
  if (local_) {
    changes = changes_->Count(slug);
    if (changes) {
      if (std::optional<CachedLink> kept = local_->Find(slug, now, *changes)) {
        CountLocalCacheHit();
        found.kind = LinkLookup::Kind::kHit;
        found.link = std::move(*kept);
        return found;
      }
    }
  }
  const std::string key = Key(slug);
  std::optional<std::string> cached = cache_->Get(key);
  if (!cached) return found;
  RedirectEntry entry = entries_.Decode(slug, *cached);
  switch (entry.kind) {
    case RedirectEntry::Kind::kLink:
      found.kind = LinkLookup::Kind::kHit;
      found.link = CachedLink{std::move(entry.url), entry.id, entry.expires_at, entry.redirect_code,
                              entry.limited};
      if (changes) local_->Put(slug, found.link, now, *changes);
      return found;
    case RedirectEntry::Kind::kAbsent:
      // Past its time it is a miss; its own TTL removes it about now, so it is left alone.
      if (entry.until > now) found.kind = LinkLookup::Kind::kAbsent;
      return found;
    case RedirectEntry::Kind::kFence:
      found.kind = LinkLookup::Kind::kFenced;
      return found;
    case RedirectEntry::Kind::kForged:
      if (!reported_forged_) {
        reported_forged_ = true;
        Log(Severity::kWarn,
            "a redirect cache entry failed its MAC check (slug_secret changed, or someone else "
            "writes to memcached); it was read as a miss. Later ones are not logged.");
      }
      break;
    case RedirectEntry::Kind::kInvalid:
      break;
  }
  // Removed before MySQL is read, so the fill can take its place; a change fenced after this
  // delete still refuses that fill.
  cache_->Delete(key);
  return found;
}

void LinkCache::FillLink(const std::string& slug, const CachedLink& link, int64_t now) {
  const int64_t left = link.expires_at - now;
  if (left <= 0) return;
  cache_->Add(Key(slug),
              entries_.EncodeLink(slug, link.expires_at, link.id, link.url, link.redirect_code,
                                  link.limited),
              std::min(left, link_ttl_));
}

void LinkCache::FillAbsent(const std::string& slug, int64_t now) {
  if (absent_ttl_ <= 0) return;
  cache_->Add(Key(slug), entries_.EncodeAbsent(slug, now + absent_ttl_), absent_ttl_);
}

void LinkCache::Publish(const std::string& slug, const CachedLink& link, int64_t now) {
  // Set, not Add: see the contract.
  const int64_t left = link.expires_at - now;
  if (left <= 0) return;
  cache_->Set(Key(slug),
              entries_.EncodeLink(slug, link.expires_at, link.id, link.url, link.redirect_code,
                                  link.limited),
              std::min(left, link_ttl_));
}

bool LinkCache::MarkChanged(const std::string& slug) {
  // On every server of a pool: a worker that has taken the key's server out of its ring (it
  // failed for that worker) reads the next one, perhaps holding an entry it filled there; the
  // marker must reach it whether or not this worker has taken the server out too.
  const bool told =
      cache_->SetEverywhere(Key(slug), RedirectEntryCodec::Fence(), kChangeFenceSeconds);
  if (local_) local_->Drop(slug);
  if (changes_ != nullptr) changes_->Bump(slug);
  return told;
}

}  // namespace shortener
