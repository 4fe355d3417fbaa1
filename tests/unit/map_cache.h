// A Cache (domain/cache.h) in a map, for unit tests: every Get after a Set or Add answers, nothing
// expires; counters are not kept.
#ifndef SHORTENER_TESTS_UNIT_MAP_CACHE_H_
#define SHORTENER_TESTS_UNIT_MAP_CACHE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/cache.h"

namespace shortener {

class MapCache : public Cache {
 public:
  std::optional<std::string> Get(const std::string& key) override {
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  std::vector<std::optional<std::string>> GetMany(const std::vector<std::string>& keys) override {
    ++many_calls;
    return Cache::GetMany(keys);
  }
  void Add(const std::string& key, const std::string& value, int64_t ttl) override {
    if (values.emplace(key, value).second) last_ttl = ttl;
  }
  void Set(const std::string& key, const std::string& value, int64_t ttl) override {
    values[key] = value;
    last_ttl = ttl;
  }
  std::optional<uint64_t> Increment(const std::string&, uint64_t, int64_t) override {
    return std::nullopt;
  }
  std::optional<uint64_t> Decrement(const std::string&) override { return std::nullopt; }
  void Delete(const std::string& key) override { values.erase(key); }
  bool Alive() override { return true; }

  std::map<std::string, std::string> values;
  int64_t last_ttl = 0;  // of the last value stored
  int many_calls = 0;    // GetMany calls
};

}  // namespace shortener

#endif  // SHORTENER_TESTS_UNIT_MAP_CACHE_H_
