// The only user of libmemcached: libmemcached return codes end here as hits, misses and logs.
#include "store/memcached_cache.h"

#include <libmemcached/memcached.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <string_view>

#include "base/log.h"
#include "base/metrics.h"

namespace shortener {

namespace {

// memcached reads an expiry above 30 days as an absolute unix time, not a duration.
constexpr int64_t kMaxRelativeExpiry = 30 * 24 * 3600;

// A racing worker can add the key between our failed incr and our add, or the key can expire
// between our add that found it and the incr after; either way one more round settles it.
constexpr int kIncrementRounds = 4;

// A pool member that failed this many calls in a row is taken out of the ring for kDeadSeconds.
constexpr int kServerFailureLimit = 2;
constexpr int kDeadSeconds = 2;

// The expiry memcached needs to keep an item ttl_seconds (> 0) from now.
time_t Expiry(int64_t ttl_seconds) {
  return ttl_seconds > kMaxRelativeExpiry ? std::time(nullptr) + ttl_seconds
                                          : static_cast<time_t>(ttl_seconds);
}

// A handle on `servers` with the timeouts and key prefix of `options`; no connection yet.
memcached_st* NewHandle(const std::vector<MemcachedServer>& servers,
                        const MemcachedOptions& options) {
  memcached_st* mc = memcached_create(nullptr);
  for (const MemcachedServer& server : servers) {
    if (!server.socket_path.empty()) {
      memcached_server_add_unix_socket(mc, server.socket_path.c_str());
    } else {
      memcached_server_add(mc, server.host.c_str(), static_cast<in_port_t>(server.port));
    }
  }
  if (!options.key_prefix.empty()) {
    memcached_callback_set(mc, MEMCACHED_CALLBACK_PREFIX_KEY, options.key_prefix.c_str());
  }
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_TCP_NODELAY, 1);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, options.timeout_ms);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_POLL_TIMEOUT, options.timeout_ms);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_SND_TIMEOUT, options.timeout_ms * 1000);
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RCV_TIMEOUT, options.timeout_ms * 1000);
  // After a failure, wait a second before trying the server again rather than paying a
  // connect attempt on every request while it is down.
  memcached_behavior_set(mc, MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, 1);
  return mc;
}

// Sets key to value through `mc`; a failure is tried once more through a new handle on the same
// servers. The first write on a connection that memcached has closed since its last use (the
// server restarted) fails, and `mc` then refuses that server for its retry timeout; a new handle
// has neither the dead connection nor the refusal. Another worker may already have filled the
// restarted server with an entry that this write replaces (a change marker, a new link's
// entry), so the write must not wait for the retry timeout. A server that is really down costs
// the second attempt its connect (refused at once, or the connect timeout).
// Returns the last attempt's answer.
memcached_return_t SetOrRetryFresh(memcached_st* mc, const std::string& key,
                                   const std::string& value, int64_t ttl_seconds) {
  auto set = [&](memcached_st* handle) {
    return memcached_set(handle, key.data(), key.size(), value.data(), value.size(),
                         Expiry(ttl_seconds), 0);
  };
  memcached_return_t rc = set(mc);
  if (memcached_success(rc)) return rc;
  memcached_st* fresh = memcached_clone(nullptr, mc);
  if (fresh == nullptr) return rc;
  rc = set(fresh);
  memcached_free(fresh);
  return rc;
}

}  // namespace

MemcachedCache::MemcachedCache(const MemcachedOptions& options)
    : key_prefix_(options.key_prefix), no_servers_(options.servers.empty()) {
  mc_ = NewHandle(options.servers, options);
  // A pool (several memcached_servers): keys are spread by consistent hashing (ketama), so a
  // server that goes away moves only its own keys to the others. After kServerFailureLimit
  // failures in a row it is taken out of the ring (its keys go to the next server on it), and
  // tried again after kDeadSeconds; a restarted server comes back empty. What this means for
  // change markers and rate-limit counters: docs/scaling.md, "The memcached pool".
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_DISTRIBUTION,
                         MEMCACHED_DISTRIBUTION_CONSISTENT_KETAMA);
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, kServerFailureLimit);
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 1);
  memcached_behavior_set(mc_, MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, kDeadSeconds);
  if (options.servers.size() > 1) {
    for (const MemcachedServer& server : options.servers) {
      each_server_.push_back(NewHandle({server}, options));
    }
  }
}

MemcachedCache::~MemcachedCache() {
  for (memcached_st* mc : each_server_) memcached_free(mc);
  memcached_free(mc_);
}

void MemcachedCache::Note(bool ok, const char* what, int rc) {
  auto now = std::chrono::steady_clock::now();
  if (ok) {
    outage_.Succeeded(now);
  } else {
    outage_.Failed(
        std::string(what) + ": " + memcached_strerror(mc_, static_cast<memcached_return_t>(rc)),
        now);
  }
}

std::optional<std::string> MemcachedCache::Get(const std::string& key) {
  size_t length = 0;
  uint32_t flags = 0;
  memcached_return_t rc;
  char* value = memcached_get(mc_, key.data(), key.size(), &length, &flags, &rc);
  Note(rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND, "get", rc);
  if (value == nullptr) {
    CountCacheLookup(false);
    return std::nullopt;
  }
  std::string out(value, length);
  std::free(value);
  CountCacheLookup(rc == MEMCACHED_SUCCESS);
  if (rc != MEMCACHED_SUCCESS) return std::nullopt;
  return out;
}

std::vector<std::optional<std::string>> MemcachedCache::GetMany(
    const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> values(keys.size());
  if (keys.empty()) return values;
  std::map<std::string_view, size_t> index;
  std::vector<const char*> key_data;
  std::vector<size_t> key_sizes;
  for (size_t i = 0; i < keys.size(); ++i) {
    index.emplace(keys[i], i);
    key_data.push_back(keys[i].data());
    key_sizes.push_back(keys[i].size());
  }
  memcached_return_t rc = memcached_mget(mc_, key_data.data(), key_sizes.data(), keys.size());
  if (!memcached_success(rc)) {
    Note(false, "get many", rc);
    for (size_t i = 0; i < keys.size(); ++i) CountCacheLookup(false);
    return values;
  }
  // Every answer is read to the end, so the handle is left clean for the next call.
  memcached_result_st* result;
  while ((result = memcached_fetch_result(mc_, nullptr, &rc)) != nullptr) {
    std::string_view key(memcached_result_key_value(result), memcached_result_key_length(result));
    if (!key_prefix_.empty() && key.size() > key_prefix_.size() &&
        key.substr(0, key_prefix_.size()) == key_prefix_ && index.count(key) == 0) {
      key.remove_prefix(key_prefix_.size());
    }
    auto it = index.find(key);
    if (it != index.end()) {
      values[it->second] =
          std::string(memcached_result_value(result), memcached_result_length(result));
    }
    memcached_result_free(result);
  }
  // The loop ends on END (every server answered) or on an error of one server, whose keys
  // then read as misses.
  Note(rc == MEMCACHED_END || rc == MEMCACHED_NOTFOUND || memcached_success(rc), "get many", rc);
  for (const std::optional<std::string>& value : values) CountCacheLookup(value.has_value());
  return values;
}

void MemcachedCache::Add(const std::string& key, const std::string& value, int64_t ttl_seconds) {
  if (ttl_seconds <= 0) return;
  memcached_return_t rc = memcached_add(mc_, key.data(), key.size(), value.data(), value.size(),
                                        Expiry(ttl_seconds), 0);
  // NOTSTORED only says the key was there already: the server answered.
  Note(memcached_success(rc) || rc == MEMCACHED_NOTSTORED, "add", rc);
}

void MemcachedCache::Set(const std::string& key, const std::string& value, int64_t ttl_seconds) {
  if (ttl_seconds > 0) SetOnRing(key, value, ttl_seconds);
}

bool MemcachedCache::SetOnRing(const std::string& key, const std::string& value,
                               int64_t ttl_seconds) {
  memcached_return_t rc = SetOrRetryFresh(mc_, key, value, ttl_seconds);
  Note(memcached_success(rc), "set", rc);
  return memcached_success(rc);
}

bool MemcachedCache::SetEverywhere(const std::string& key, const std::string& value,
                                   int64_t ttl_seconds) {
  if (no_servers_ || ttl_seconds <= 0) return true;
  if (each_server_.empty()) return SetOnRing(key, value, ttl_seconds);
  bool any = false;
  for (memcached_st* mc : each_server_) {
    any |= memcached_success(SetOrRetryFresh(mc, key, value, ttl_seconds));
  }
  // The pool answered if one server did; each dead one costs this call two connects at most.
  Note(any, "set everywhere", any ? MEMCACHED_SUCCESS : MEMCACHED_CONNECTION_FAILURE);
  return any;
}

std::optional<uint64_t> MemcachedCache::Increment(const std::string& key, uint64_t initial,
                                                  int64_t ttl_seconds) {
  const std::string initial_text = std::to_string(initial);
  for (int round = 0; round < kIncrementRounds; ++round) {
    uint64_t value = 0;
    memcached_return_t rc = memcached_increment(mc_, key.data(), key.size(), 1, &value);
    if (rc == MEMCACHED_SUCCESS) {
      Note(true, "incr", rc);
      return value;
    }
    if (rc != MEMCACHED_NOTFOUND) {
      Note(false, "incr", rc);
      return std::nullopt;
    }
    // add, not set: of two workers starting the same counter, one stores and the other counts
    // on top of it in the next round.
    rc = memcached_add(mc_, key.data(), key.size(), initial_text.data(), initial_text.size(),
                       Expiry(ttl_seconds), 0);
    if (memcached_success(rc)) {
      Note(true, "add", rc);
      return initial;
    }
    if (rc != MEMCACHED_NOTSTORED) {
      Note(false, "add", rc);
      return std::nullopt;
    }
  }
  Log(Severity::kWarn, "a memcached counter kept vanishing between incr and add");
  return std::nullopt;
}

std::optional<uint64_t> MemcachedCache::Decrement(const std::string& key) {
  uint64_t value = 0;
  memcached_return_t rc = memcached_decrement(mc_, key.data(), key.size(), 1, &value);
  Note(rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND, "decr", rc);
  if (rc != MEMCACHED_SUCCESS) return std::nullopt;
  return value;
}

void MemcachedCache::Delete(const std::string& key) {
  memcached_return_t rc = memcached_delete(mc_, key.data(), key.size(), 0);
  Note(rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND, "delete", rc);
}

bool MemcachedCache::Alive() {
  // A get of a key nobody sets: any answer, hit or miss, proves the server is there.
  static const char kProbe[] = "shortener:alive";
  size_t length = 0;
  uint32_t flags = 0;
  memcached_return_t rc;
  char* value = memcached_get(mc_, kProbe, sizeof kProbe - 1, &length, &flags, &rc);
  std::free(value);
  bool ok = rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND;
  Note(ok, "probe", rc);
  return ok;
}

}  // namespace shortener
