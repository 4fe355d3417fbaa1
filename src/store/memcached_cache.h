// Cache on memcached through libmemcached: one connection per worker, short timeouts, and an
// unreachable server treated as a miss.
#ifndef SHORTENER_MEMCACHED_CACHE_H_
#define SHORTENER_MEMCACHED_CACHE_H_

#include <string>
#include <vector>

#include "base/server_address.h"
#include "domain/cache.h"
#include "store/outage.h"

struct memcached_st;

namespace shortener {

// One entry of memcached_servers: a TCP server or a unix socket.
using MemcachedServer = ServerAddress;

struct MemcachedOptions {
  std::vector<MemcachedServer> servers = {{"127.0.0.1", 11211, ""}};  // empty: no cache
  // Prepended to every key, so deployments sharing one memcached never read each other's
  // entries. At most 128 bytes, no spaces or control characters.
  std::string key_prefix;
  // Bounds every network wait: a wedged memcached slows a request by at most this much.
  int timeout_ms = 100;
};

class MemcachedCache : public Cache {
 public:
  explicit MemcachedCache(const MemcachedOptions& options);
  ~MemcachedCache() override;
  MemcachedCache(const MemcachedCache&) = delete;
  MemcachedCache& operator=(const MemcachedCache&) = delete;

  std::optional<std::string> Get(const std::string& key) override;
  std::vector<std::optional<std::string>> GetMany(const std::vector<std::string>& keys) override;
  void Add(const std::string& key, const std::string& value, int64_t ttl_seconds) override;
  // Set and SetEverywhere try a failed write once more through a new handle (new connections):
  // a change marker or a new link's entry must reach a restarted server at once, not after the
  // retry timeout that the first failure on the old connection starts.
  void Set(const std::string& key, const std::string& value, int64_t ttl_seconds) override;
  bool SetEverywhere(const std::string& key, const std::string& value,
                     int64_t ttl_seconds) override;
  std::optional<uint64_t> Increment(const std::string& key, uint64_t initial,
                                    int64_t ttl_seconds) override;
  std::optional<uint64_t> Decrement(const std::string& key) override;
  void Delete(const std::string& key) override;
  bool Alive() override;

 private:
  // Tells outage_ how a call went, so an outage costs two log lines (down; up with the count
  // of cache operations that failed meanwhile), not one per request.
  void Note(bool ok, const char* what, int rc);
  // Set through the ring's handle; true when the server took it.
  bool SetOnRing(const std::string& key, const std::string& value, int64_t ttl_seconds);

  memcached_st* mc_ = nullptr;
  // options.key_prefix: libmemcached may hand a multi-get's keys back with it.
  std::string key_prefix_;
  // memcached_servers is empty: no cache, so nothing can hold a key (every call misses).
  bool no_servers_ = false;
  // With a pool: one handle per server (connected on first use), for SetEverywhere.
  std::vector<memcached_st*> each_server_;
  OutageLog outage_{"memcached", "serving from MySQL", "cache operations failed"};
};

}  // namespace shortener

#endif  // SHORTENER_MEMCACHED_CACHE_H_
