// HyperLogLog registers, Ertl's estimator and the versioned byte format (see hll.h).
#include "domain/hll.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace shortener {

namespace {

constexpr int kQ = 64 - HyperLogLog::kPrecision;  // hash bits that feed the rank
constexpr uint8_t kSparse = 0;
constexpr uint8_t kDense = 1;
constexpr size_t kHeaderBytes = 3;
constexpr size_t kDenseBytes = HyperLogLog::kRegisters * 6 / 8;
// A sparse entry's varint: a delta below 2^14 shifted by 6 needs at most 20 bits, 3 bytes.
constexpr int kMaxVarintBytes = 3;

uint32_t IndexOf(uint32_t entry) { return entry >> 8; }
uint8_t ValueOf(uint32_t entry) { return static_cast<uint8_t>(entry & 0xff); }

void PutVarint(std::string& out, uint32_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// Reads a shortest-form varint of at most kMaxVarintBytes at `pos`, advancing it.
bool GetVarint(std::string_view in, size_t& pos, uint32_t& value) {
  value = 0;
  for (int i = 0; i < kMaxVarintBytes && pos < in.size(); ++i) {
    const uint8_t byte = static_cast<uint8_t>(in[pos++]);
    value |= static_cast<uint32_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return i == 0 || byte != 0;  // a trailing zero byte is not shortest
  }
  return false;
}

Error Corrupt() { return Error::Make(ErrorCode::kInternal, "corrupt unique-visitor sketch"); }

// Ertl's sigma(x) = x + sum_{k>=1} x^(2^k) 2^(k-1), for the share of empty registers.
double Sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1.0;
  double z = x;
  for (;;) {
    x *= x;
    const double previous = z;
    z += x * y;
    y += y;
    if (z == previous) return z;
  }
}

// Ertl's tau(x) = (1 - x - sum_{k>=1} (1 - x^(2^-k))^2 2^-k) / 3, for the share of registers at
// their largest value.
double Tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1.0;
  double z = 1.0 - x;
  for (;;) {
    x = std::sqrt(x);
    const double previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
    if (z == previous) return z / 3.0;
  }
}

}  // namespace

void HyperLogLog::Add(uint64_t hash) {
  const uint32_t index = static_cast<uint32_t>(hash >> kQ);
  // The rank: 1 + leading zeros of the other q bits; all zero gives q + 1.
  const uint64_t rest = hash << kPrecision;
  const uint8_t rank = rest == 0 ? kMaxRank : static_cast<uint8_t>(__builtin_clzll(rest) + 1);
  SetMax(index, rank);
}

void HyperLogLog::SetMax(uint32_t index, uint8_t value) {
  if (!sparse()) {
    dense_[index] = std::max(dense_[index], value);
    return;
  }
  auto it = std::lower_bound(sparse_.begin(), sparse_.end(), Entry(index, 0));
  if (it != sparse_.end() && IndexOf(*it) == index) {
    if (ValueOf(*it) < value) *it = Entry(index, value);
    return;
  }
  sparse_.insert(it, Entry(index, value));
  if (sparse_.size() > kSparseLimit) MakeDense();
}

void HyperLogLog::MakeDense() {
  dense_.assign(kRegisters, 0);
  for (uint32_t entry : sparse_) dense_[IndexOf(entry)] = ValueOf(entry);
  std::vector<uint32_t>().swap(sparse_);  // give the list's memory back
}

void HyperLogLog::Merge(const HyperLogLog& other) {
  if (!sparse() || !other.sparse()) {
    if (sparse()) MakeDense();
    if (other.sparse()) {
      for (uint32_t entry : other.sparse_) {
        dense_[IndexOf(entry)] = std::max(dense_[IndexOf(entry)], ValueOf(entry));
      }
    } else {
      for (size_t i = 0; i < kRegisters; ++i) dense_[i] = std::max(dense_[i], other.dense_[i]);
    }
    return;
  }
  // Both sparse: one pass over the two sorted lists.
  std::vector<uint32_t> merged;
  merged.reserve(sparse_.size() + other.sparse_.size());
  size_t a = 0;
  size_t b = 0;
  while (a < sparse_.size() || b < other.sparse_.size()) {
    if (b == other.sparse_.size() ||
        (a < sparse_.size() && IndexOf(sparse_[a]) < IndexOf(other.sparse_[b]))) {
      merged.push_back(sparse_[a++]);
    } else if (a == sparse_.size() || IndexOf(other.sparse_[b]) < IndexOf(sparse_[a])) {
      merged.push_back(other.sparse_[b++]);
    } else {
      merged.push_back(std::max(sparse_[a++], other.sparse_[b++]));  // same index: larger value
    }
  }
  sparse_.swap(merged);
  if (sparse_.size() > kSparseLimit) MakeDense();
}

double HyperLogLog::Estimate() const {
  // The histogram of register values is all the estimator needs.
  std::array<uint32_t, kMaxRank + 1> histogram{};
  if (sparse()) {
    histogram[0] = static_cast<uint32_t>(kRegisters - sparse_.size());
    for (uint32_t entry : sparse_) ++histogram[ValueOf(entry)];
  } else {
    for (uint8_t value : dense_) ++histogram[value];
  }
  if (histogram[0] == kRegisters) return 0.0;
  const double m = static_cast<double>(kRegisters);
  double z = m * Tau(1.0 - histogram[kMaxRank] / m);
  for (int k = kQ; k >= 1; --k) z = 0.5 * (z + histogram[k]);
  z += m * Sigma(histogram[0] / m);
  const double alpha_infinity = 0.5 / std::log(2.0);
  return alpha_infinity * m * m / z;
}

uint64_t HyperLogLog::Count() const { return static_cast<uint64_t>(std::llround(Estimate())); }

size_t HyperLogLog::MemoryBytes() const {
  return sparse_.capacity() * sizeof(uint32_t) + dense_.capacity();
}

std::string HyperLogLog::Serialize() const {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  out.push_back(static_cast<char>(sparse() ? kSparse : kDense));
  out.push_back(static_cast<char>(kPrecision));
  if (sparse()) {
    PutVarint(out, static_cast<uint32_t>(sparse_.size()));
    uint32_t previous = 0;
    for (uint32_t entry : sparse_) {
      PutVarint(out, (IndexOf(entry) - previous) << 6 | ValueOf(entry));
      previous = IndexOf(entry);
    }
    return out;
  }
  out.resize(kHeaderBytes + kDenseBytes, '\0');
  for (size_t i = 0; i < kRegisters; ++i) {
    const size_t bit = 6 * i;
    // Six bits starting at `bit` span at most two bytes.
    const unsigned window = static_cast<unsigned>(dense_[i]) << (bit % 8);
    char* at = &out[kHeaderBytes + bit / 8];
    at[0] = static_cast<char>(static_cast<uint8_t>(at[0]) | (window & 0xff));
    if (window > 0xff) at[1] = static_cast<char>(static_cast<uint8_t>(at[1]) | (window >> 8));
  }
  return out;
}

Result<HyperLogLog> HyperLogLog::Parse(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes || static_cast<uint8_t>(bytes[0]) != kFormatVersion ||
      static_cast<uint8_t>(bytes[2]) != kPrecision) {
    return Corrupt();
  }
  HyperLogLog sketch;
  const uint8_t representation = static_cast<uint8_t>(bytes[1]);
  if (representation == kSparse) {
    size_t pos = kHeaderBytes;
    uint32_t count = 0;
    if (!GetVarint(bytes, pos, count) || count > kSparseLimit) return Corrupt();
    sketch.sparse_.reserve(count);
    uint32_t index = 0;
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t value = 0;
      if (!GetVarint(bytes, pos, value)) return Corrupt();
      const uint32_t delta = value >> 6;
      const uint8_t rank = static_cast<uint8_t>(value & 0x3f);
      if ((i > 0 && delta == 0) || index + delta >= kRegisters || rank == 0 || rank > kMaxRank) {
        return Corrupt();
      }
      index += delta;
      sketch.sparse_.push_back(Entry(index, rank));
    }
    if (pos != bytes.size()) return Corrupt();
    return sketch;
  }
  if (representation != kDense || bytes.size() != kHeaderBytes + kDenseBytes) return Corrupt();
  sketch.dense_.assign(kRegisters, 0);
  for (size_t i = 0; i < kRegisters; ++i) {
    const size_t bit = 6 * i;
    unsigned window = static_cast<uint8_t>(bytes[kHeaderBytes + bit / 8]);
    if (bit / 8 + 1 < kDenseBytes) {
      window |= static_cast<unsigned>(static_cast<uint8_t>(bytes[kHeaderBytes + bit / 8 + 1])) << 8;
    }
    const uint8_t value = static_cast<uint8_t>((window >> (bit % 8)) & 0x3f);
    if (value > kMaxRank) return Corrupt();
    sketch.dense_[i] = value;
  }
  return sketch;
}

bool HyperLogLog::operator==(const HyperLogLog& other) const {
  return sparse_ == other.sparse_ && dense_ == other.dense_;
}

}  // namespace shortener
