// The in-worker tier of the redirect cache (local_cache_ttl, API.md): links this worker found in
// memcached, kept in its own memory for a few seconds so that a hot link's redirect needs no
// cache get at all. Pure bookkeeping, no I/O: LinkCache decides what goes in and supplies the
// host's change count of each slug (base/host_changes.h).
//
// An entry is served only while (a) it is younger than the TTL and (b) its slug's host change
// count is the one read before its memcached get. So a change made on this host (which bumps
// the count after it is committed) is seen by the next lookup of every worker here, and a
// change made elsewhere (which only reaches memcached) within the TTL.
#ifndef SHORTENER_LOCAL_LINK_CACHE_H_
#define SHORTENER_LOCAL_LINK_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/cached_link.h"

namespace shortener {

class LocalLinkCache {
 public:
  // The bounds of one worker's map (docs/configuration.md, local_cache_ttl).
  static constexpr size_t kMaxEntries = 32768;
  static constexpr size_t kMaxBytes = 16u << 20;  // slugs and URLs

  // Entries live `ttl_seconds` (> 0); at most max_entries of them and max_bytes of slug and URL
  // text, whichever is reached first.
  explicit LocalLinkCache(int64_t ttl_seconds, size_t max_entries = kMaxEntries,
                          size_t max_bytes = kMaxBytes);

  // The link kept for `slug` if it was put at most ttl ago (by `now`, unix seconds) under the
  // change count `changes`; nullopt otherwise (an entry out of date is dropped).
  std::optional<CachedLink> Find(const std::string& slug, int64_t now, uint64_t changes);
  // Keeps `link` for `slug` until now + ttl, under the change count read before it was looked
  // up. Links with max_visits are never kept (each visit asks MySQL). When the map is full,
  // expired entries go first, then arbitrary ones, down to 7/8 of the bounds: so a full map
  // costs one sweep per eighth of its size, not one per put.
  void Put(const std::string& slug, const CachedLink& link, int64_t now, uint64_t changes);
  // Forgets `slug`'s entry (this worker changed the link).
  void Drop(const std::string& slug);

  size_t size() const { return entries_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    CachedLink link;
    int64_t until;     // served while now < until
    uint64_t changes;  // the slug's host change count when it was looked up
  };

  static size_t BytesOf(const std::string& slug, const CachedLink& link) {
    return slug.size() + link.url.size();
  }
  void Erase(std::unordered_map<std::string, Entry>::iterator it);
  // Makes room for one more entry of `bytes`.
  void MakeRoom(int64_t now, size_t bytes);

  int64_t ttl_;
  size_t max_entries_;
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace shortener

#endif  // SHORTENER_LOCAL_LINK_CACHE_H_
