// A HyperLogLog sketch of unique visitors: how many distinct 64-bit hashes were added, within
// 2% at 10,000 visitors and beyond, in at most 16 KiB whatever the count, and in a few bytes
// while the count is small.
//
// Parameters (docs/statistics.md): precision p = 14, so m = 2^14 = 16,384 registers and a
// standard error of 1.04 / sqrt(m) = 0.81%; each register holds 1 + the number of leading zero
// bits of the hash's last 64 - p bits (0 to 51). The estimate is Ertl's improved estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches", 2017), which needs neither
// the linear-counting switch nor bias tables and is unbiased from 0 to far beyond 10^9.
//
// Representations: sparse, a sorted list of the non-zero registers (a link with 3 visitors
// costs 13 bytes serialised), until it holds more than kSparseLimit of them; dense, one byte a
// register in memory and 6 bits a register serialised (12,291 bytes). Both give the same
// estimate for the same registers. Merging takes the register-wise maximum, so merging the
// sketches of any split of a set of hashes gives the sketch of the whole set.
//
// Serialised format, version 1 (what Serialize writes and Parse reads), all integers unsigned:
//   byte 0: version (1); byte 1: representation (0 sparse, 1 dense); byte 2: p (14); then
//   sparse: varint n (<= kSparseLimit), then n varints (index delta << 6 | register value)
//           in increasing index order, the first delta counted from index 0, every value 1-51;
//   dense:  m registers of 6 bits each, register i at bits 6i to 6i + 5 counted from the least
//           significant bit of byte 3 (12,288 bytes).
// Varints are LEB128 in their shortest form. Parse accepts exactly what Serialize can write.
#ifndef SHORTENER_HLL_H_
#define SHORTENER_HLL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace shortener {

class HyperLogLog {
 public:
  static constexpr int kPrecision = 14;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;
  // The largest register value: 64 - p zero bits, plus one.
  static constexpr uint8_t kMaxRank = 64 - kPrecision + 1;
  // The sparse list turns dense beyond this many non-zero registers (4 bytes each in memory,
  // at most 3 serialised: below the dense form's 16 KiB in memory and 12 KiB serialised).
  static constexpr size_t kSparseLimit = 2048;
  static constexpr uint8_t kFormatVersion = 1;

  // An empty, sparse sketch.
  HyperLogLog() = default;

  // Adds one item, given as a uniformly distributed 64-bit hash (visitor_key.h). Adding the same
  // hash again changes nothing.
  void Add(uint64_t hash);

  // Makes this the sketch of the union of both sketches' items.
  void Merge(const HyperLogLog& other);

  // The estimated number of distinct hashes added (0 for an empty sketch).
  double Estimate() const;
  // Estimate(), rounded to the nearest whole number.
  uint64_t Count() const;

  bool sparse() const { return dense_.empty(); }
  // Bytes of memory the registers take (the list or the array), for the memory bound.
  size_t MemoryBytes() const;

  // The serialised form (see the format above).
  std::string Serialize() const;
  // Reads a serialised sketch. Errors (kInternal, "corrupt unique-visitor sketch"): another
  // version or precision, an unknown representation, a truncated or overlong input, an index
  // beyond m or out of order, a register value of 0 or above kMaxRank, a non-shortest varint,
  // a sparse list longer than kSparseLimit. Any bytes are accepted without harm.
  static Result<HyperLogLog> Parse(std::string_view bytes);

  // Same representation and same registers.
  bool operator==(const HyperLogLog& other) const;
  bool operator!=(const HyperLogLog& other) const { return !(*this == other); }

 private:
  // A sparse entry: register index << 8 | value, so entries sort by index.
  static uint32_t Entry(uint32_t index, uint8_t value) { return index << 8 | value; }
  void SetMax(uint32_t index, uint8_t value);
  void MakeDense();

  // Non-zero registers in index order, each index once; empty when dense.
  std::vector<uint32_t> sparse_;
  // Every register; empty while sparse.
  std::vector<uint8_t> dense_;
};

}  // namespace shortener

#endif  // SHORTENER_HLL_H_
