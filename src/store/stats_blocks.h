// The stats read's blocks (domain/link_stats.h StatsBlock) kept in the shared cache (memcached),
// and their stored form.
#ifndef SHORTENER_STATS_BLOCKS_H_
#define SHORTENER_STATS_BLOCKS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/cache.h"
#include "domain/link_stats.h"
#include "domain/store.h"

namespace shortener {

// A block as a JSON object: {"v": visits, "u": [kStatsBlockDays estimates],
// "b": [kBreakdownCount objects of value: clicks]}.
std::string EncodeStatsBlock(const StatsBlock& block);

// The block EncodeStatsBlock wrote; nullopt for anything else (not JSON, other keys' types,
// other lengths, a value that is not ASCII or longer than a stored one can be). Any bytes are
// accepted without harm: the cache is shared and may hold anything.
std::optional<StatsBlock> DecodeStatsBlock(std::string_view text);

// The blocks of one link in `cache` (borrowed; it must outlive this object), under keys made of
// the link's id and creation time, so a link id that comes back after a database restore does
// not meet the old link's blocks. Kept 30 days, memcached's longest relative expiry.
class CachedStatsBlocks : public StatsBlockCache {
 public:
  CachedStatsBlocks(Cache* cache, const Link& link);
  // One multi-get of the cache (Cache::GetMany).
  std::vector<std::optional<StatsBlock>> Get(const std::vector<int64_t>& blocks) override;
  void Put(int64_t block, const StatsBlock& stats) override;

 private:
  std::string Key(int64_t block) const;

  Cache* cache_;
  std::string prefix_;
};

}  // namespace shortener

#endif  // SHORTENER_STATS_BLOCKS_H_
