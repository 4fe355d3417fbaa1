// Fuzzes HyperLogLog::Parse (src/domain/hll.h): any bytes give an error or a valid sketch, a
// parsed sketch serialises back to exactly the bytes it came from, and merging and adding keep
// the serialised form parseable (round trip).
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "domain/hll.h"
#include "fuzz_check.h"

using shortener::HyperLogLog;

namespace {

void CheckRoundTrip(const HyperLogLog& sketch, const char* what) {
  const std::string bytes = sketch.Serialize();
  shortener::Result<HyperLogLog> back = HyperLogLog::Parse(bytes);
  FUZZ_CHECK(back.ok(), what);
  FUZZ_CHECK(back.value() == sketch, what);
  const double estimate = sketch.Estimate();
  FUZZ_CHECK(std::isfinite(estimate) && estimate >= 0, "estimate not a finite count");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  // Most inputs are taken whole, so the fuzzer works on the format itself; some carry hashes to
  // add after the sketch.
  const bool with_hashes = size > 0 && (data[0] & 1) != 0;
  const std::string bytes = with_hashes ? in.ConsumeRandomLengthString(size)
                                        : std::string(reinterpret_cast<const char*>(data), size);
  shortener::Result<HyperLogLog> parsed = HyperLogLog::Parse(bytes);
  if (!parsed.ok()) return 0;
  HyperLogLog sketch = parsed.value();
  FUZZ_CHECK(sketch.Serialize() == bytes, "accepted bytes that do not serialise back the same");
  CheckRoundTrip(sketch, "a parsed sketch does not round-trip");

  HyperLogLog grown = sketch;
  while (in.remaining_bytes() >= 8) grown.Add(in.ConsumeIntegral<uint64_t>());
  CheckRoundTrip(grown, "a sketch with hashes added does not round-trip");

  HyperLogLog merged = grown;
  merged.Merge(sketch);
  FUZZ_CHECK(merged == grown, "merging a subset changed the sketch");
  HyperLogLog other_way = sketch;
  other_way.Merge(grown);
  FUZZ_CHECK(other_way.Estimate() == grown.Estimate(), "merge is not symmetric");
  CheckRoundTrip(other_way, "a merged sketch does not round-trip");
  return 0;
}
