// Fuzzes DecodeStatsBlock (src/store/stats_blocks.h), the stats blocks read back from the shared
// cache, on any bytes. Properties: no crash; a decoded block encodes to text that decodes to the
// same block again.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fuzz_check.h"
#include "store/stats_blocks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace shortener;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::optional<StatsBlock> block = DecodeStatsBlock(text);
  if (!block) return 0;
  const std::optional<StatsBlock> again = DecodeStatsBlock(EncodeStatsBlock(*block));
  FUZZ_CHECK(again.has_value(), "an encoded block is refused");
  FUZZ_CHECK(again->visits == block->visits && again->unique_visitors == block->unique_visitors &&
                 again->breakdowns == block->breakdowns,
             "a block does not round-trip");
  return 0;
}
