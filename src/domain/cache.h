// Cache interface: a shared key-value hint that may lose anything at any time.
//
// No call but Increment and SetEverywhere ever fails: an unreachable cache behaves as an empty
// one, so losing it costs speed, never correctness. See memcached_cache.h.
#ifndef SHORTENER_CACHE_H_
#define SHORTENER_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shortener {

class Cache {
 public:
  virtual ~Cache() = default;
  // The value stored under `key`, or nullopt on a miss or when the cache is unreachable.
  virtual std::optional<std::string> Get(const std::string& key) = 0;
  // Get of each of `keys`, answered in their order: for a reader of many keys, one round trip
  // per server instead of one per key (memcached's multi-get). This default asks one by one.
  virtual std::vector<std::optional<std::string>> GetMany(const std::vector<std::string>& keys) {
    std::vector<std::optional<std::string>> values;
    values.reserve(keys.size());
    for (const std::string& key : keys) values.push_back(Get(key));
    return values;
  }
  // Stores `value` for ttl_seconds (> 0) unless `key` already holds a value. Best effort.
  // Fills use add rather than set so that a fill racing with a Delete of a newer change does
  // not overwrite what another worker stored meanwhile.
  virtual void Add(const std::string& key, const std::string& value, int64_t ttl_seconds) = 0;
  // Stores `value` for ttl_seconds (> 0), replacing what `key` held. Best effort.
  virtual void Set(const std::string& key, const std::string& value, int64_t ttl_seconds) = 0;
  // Set, on every server of a pool rather than the one `key` maps to: for a value that must be
  // found by a reader whose map of keys to servers differs from this caller's (one that has taken
  // a failing server out of its ring while this caller has not, or the other way round). Costs a
  // round trip per server. A single cache is one server. False when a cache is configured and
  // none of its servers stored the value (the one write whose caller may have to know: a change
  // marker that no server took leaves an old entry serving; LinkCache::MarkChanged).
  virtual bool SetEverywhere(const std::string& key, const std::string& value,
                             int64_t ttl_seconds) {
    Set(key, value, ttl_seconds);
    return true;
  }
  // Atomically adds 1 to the decimal counter under `key` and returns its new value; when `key`
  // holds nothing, stores `initial` for ttl_seconds (1 to 30 days) and returns it. Concurrent
  // callers on every instance see distinct values. nullopt when the cache is unreachable (the
  // one call whose caller must know: a counter cannot pretend to be empty).
  virtual std::optional<uint64_t> Increment(const std::string& key, uint64_t initial,
                                            int64_t ttl_seconds) = 0;
  // Atomically subtracts 1 from the decimal counter under `key` (never below 0) and returns its
  // new value; nullopt when `key` holds nothing or the cache is unreachable. Takes back one
  // Increment (a rate limit's refund).
  virtual std::optional<uint64_t> Decrement(const std::string& key) = 0;
  // Removes `key`. Best effort.
  virtual void Delete(const std::string& key) = 0;
  // True if the cache answered just now.
  virtual bool Alive() = 0;
};

}  // namespace shortener

#endif  // SHORTENER_CACHE_H_
