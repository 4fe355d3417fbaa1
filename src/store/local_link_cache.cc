// The in-worker redirect map: TTL, change counts and its two bounds.
#include "store/local_link_cache.h"

#include <iterator>

namespace shortener {

LocalLinkCache::LocalLinkCache(int64_t ttl_seconds, size_t max_entries, size_t max_bytes)
    : ttl_(ttl_seconds), max_entries_(max_entries), max_bytes_(max_bytes) {}

std::optional<CachedLink> LocalLinkCache::Find(const std::string& slug, int64_t now,
                                               uint64_t changes) {
  auto it = entries_.find(slug);
  if (it == entries_.end()) return std::nullopt;
  if (now >= it->second.until || changes != it->second.changes) {
    Erase(it);
    return std::nullopt;
  }
  return it->second.link;
}

void LocalLinkCache::Put(const std::string& slug, const CachedLink& link, int64_t now,
                         uint64_t changes) {
  if (link.limited || ttl_ <= 0) return;
  const size_t bytes = BytesOf(slug, link);
  if (bytes > max_bytes_ || max_entries_ == 0) return;
  Drop(slug);
  MakeRoom(now, bytes);
  entries_.emplace(slug, Entry{link, now + ttl_, changes});
  bytes_ += bytes;
}

void LocalLinkCache::Drop(const std::string& slug) {
  auto it = entries_.find(slug);
  if (it != entries_.end()) Erase(it);
}

void LocalLinkCache::Erase(std::unordered_map<std::string, Entry>::iterator it) {
  bytes_ -= BytesOf(it->first, it->second.link);
  entries_.erase(it);
}

void LocalLinkCache::MakeRoom(int64_t now, size_t bytes) {
  if (entries_.size() < max_entries_ && bytes_ + bytes <= max_bytes_) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    auto next = std::next(it);
    if (now >= it->second.until) Erase(it);
    it = next;
  }
  // Down to 7/8 of each bound (and room for the new entry), so the next sweep is an eighth of
  // the map's puts away.
  const size_t entries_goal = max_entries_ - max_entries_ / 8 - 1;
  const size_t bytes_goal = max_bytes_ - max_bytes_ / 8;
  while (!entries_.empty() && (entries_.size() > entries_goal || bytes_ + bytes > bytes_goal)) {
    Erase(entries_.begin());
  }
}

}  // namespace shortener
