// Shared-memory counters and their Prometheus rendering.
#include "base/metrics.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>

namespace shortener {

namespace {

// The statuses the service sends; anything else is counted as "other".
constexpr int kStatuses[] = {200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 405,
                             406, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504};
constexpr size_t kStatusCount = sizeof kStatuses / sizeof kStatuses[0];
// Upper bounds of the latency buckets in microseconds; a last, implicit bucket is +Inf.
constexpr int64_t kBucketMicros[] = {500,    1000,   2500,   5000,    10000,   25000,  50000,
                                     100000, 250000, 500000, 1000000, 2500000, 5000000};
constexpr size_t kBucketCount = sizeof kBucketMicros / sizeof kBucketMicros[0];

using Counter = std::atomic<uint64_t>;

struct Slot {
  Counter requests[kMaxMetricRoutes][kStatusCount + 1];  // [.][kStatusCount]: other statuses
  Counter latency[kMaxMetricRoutes][kBucketCount + 1];   // per bucket, not cumulative
  Counter latency_sum_micros[kMaxMetricRoutes];
  Counter cache_hits;
  Counter cache_misses;
  Counter local_cache_hits;
  Counter database_errors;
  Counter worker_restarts;
};

// The head of a shared-memory object joined by single workers (JoinSharedMetrics); its slots
// follow it. owners[i] is the pid counting into slot i (0: none); used is one past the highest
// slot ever taken, so a scrape reads no more than that.
struct SharedHead {
  std::atomic<uint64_t> layout;  // kLayout once set up: the same binary layout in every process
  std::atomic<int32_t> used;
  std::atomic<int32_t> owners[kMaxMetricSlots];
};
constexpr uint64_t kLayout =
    0x73686d6d00000000ull ^ sizeof(Slot) ^ (uint64_t{kMaxMetricSlots} << 20);
constexpr size_t kSharedSlotsOffset = (sizeof(SharedHead) + 63) / 64 * 64;

SharedHead* g_head = nullptr;  // set while this process has joined a shared object
int g_my_shared_slot = -1;
std::string g_shared_name;

Slot g_private_slot;
Slot* g_slots = &g_private_slot;
int g_slot_count = 1;
Slot* g_mine = &g_private_slot;
std::vector<std::string> g_route_labels;

// One writer per slot, so a relaxed load and store suffice (no locked read-modify-write);
// readers in other processes see each 64-bit value whole.
inline void Bump(Counter& counter, uint64_t n = 1) {
  counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// The slots a scrape sums: the supervisor's, or those taken so far in a shared object.
int SlotCount() {
  if (g_head == nullptr) return g_slot_count;
  return std::min(g_head->used.load(std::memory_order_acquire), kMaxMetricSlots);
}

uint64_t Sum(Counter Slot::*field) {
  uint64_t total = 0;
  for (int i = 0, n = SlotCount(); i < n; ++i)
    total += (g_slots[i].*field).load(std::memory_order_relaxed);
  return total;
}

template <size_t N>
uint64_t SumAt(Counter (Slot::*field)[N], size_t i) {
  uint64_t total = 0;
  for (int s = 0, n = SlotCount(); s < n; ++s)
    total += (g_slots[s].*field)[i].load(std::memory_order_relaxed);
  return total;
}

template <size_t N, size_t M>
uint64_t SumAt(Counter (Slot::*field)[N][M], size_t i, size_t j) {
  uint64_t total = 0;
  for (int s = 0, n = SlotCount(); s < n; ++s) {
    total += (g_slots[s].*field)[i][j].load(std::memory_order_relaxed);
  }
  return total;
}

size_t StatusIndex(int status) {
  for (size_t i = 0; i < kStatusCount; ++i) {
    if (kStatuses[i] == status) return i;
  }
  return kStatusCount;
}

// A label value as the exposition format wants it: backslash, quote and newline escaped.
std::string LabelValue(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string RouteLabel(size_t route) {
  if (route < g_route_labels.size()) return LabelValue(g_route_labels[route]);
  return "unknown";
}

void Append(std::string* out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void Append(std::string* out, const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  if (n > 0) out->append(line, std::min(static_cast<size_t>(n), sizeof line - 1));
}

void Header(std::string* out, const char* name, const char* type, const char* help) {
  Append(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

// Whether slot owner `pid` is gone (0: never taken or given back). EPERM: alive, another user's.
bool OwnerGone(int32_t pid) { return pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH); }

Error SharedError(const std::string& what) {
  return Error::Make(ErrorCode::kInternal, "metrics: " + what);
}

}  // namespace

std::string SharedMetricsName(const std::string& key) {
  std::string input = std::to_string(geteuid()) + ":" + key;
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), nullptr, 0);
  char hex[sizeof digest * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string("/shortener-metrics-") + hex;
}

Status JoinSharedMetrics(const std::string& key) {
  std::string name = SharedMetricsName(key);
  int fd = shm_open(name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return SharedError("cannot open shared memory " + name + ": " + std::strerror(errno));
  const size_t bytes = kSharedSlotsOffset + sizeof(Slot) * kMaxMetricSlots;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    close(fd);
    return SharedError("shared memory " + name + " is not this user's alone; not using it");
  }
  // Grows a fresh object (zero-filled: zero counters, no owners); never shrinks one in use.
  if (static_cast<size_t>(st.st_size) < bytes && ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    close(fd);
    return SharedError("cannot size shared memory " + name + ": " + std::strerror(errno));
  }
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return SharedError("cannot map " + name + ": " + std::strerror(errno));
  auto* head = static_cast<SharedHead*>(p);
  uint64_t expected = 0;
  if (!head->layout.compare_exchange_strong(expected, kLayout) && expected != kLayout) {
    munmap(p, bytes);
    return SharedError(name + " was made by another build of shortener; not using it");
  }
  const int32_t me = static_cast<int32_t>(getpid());
  for (int i = 0; i < kMaxMetricSlots; ++i) {
    int32_t owner = head->owners[i].load();
    if (!OwnerGone(owner) || !head->owners[i].compare_exchange_strong(owner, me)) continue;
    int32_t used = head->used.load();
    while (used < i + 1 && !head->used.compare_exchange_weak(used, i + 1)) {
    }
    g_head = head;
    g_slots = reinterpret_cast<Slot*>(static_cast<char*>(p) + kSharedSlotsOffset);
    g_slot_count = kMaxMetricSlots;
    g_mine = &g_slots[i];
    g_my_shared_slot = i;
    g_shared_name = name;
    return Status();
  }
  munmap(p, bytes);
  return SharedError(name + " has no free slot");
}

void LeaveSharedMetrics() {
  if (g_head == nullptr) return;
  int32_t me = static_cast<int32_t>(getpid());
  g_head->owners[g_my_shared_slot].compare_exchange_strong(me, 0);
  for (int i = 0, n = SlotCount(); i < n; ++i) {
    if (!OwnerGone(g_head->owners[i].load())) return;
  }
  shm_unlink(g_shared_name.c_str());
}

Status InitMetrics(int slots) {
  if (slots < 1 || slots > kMaxMetricSlots) {
    return Error::Make(ErrorCode::kInternal, "metrics: bad slot count");
  }
  size_t bytes = sizeof(Slot) * static_cast<size_t>(slots);
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    return Error::Make(ErrorCode::kInternal,
                       std::string("metrics: cannot map shared memory: ") + std::strerror(errno));
  }
  g_head = nullptr;
  Slot* slot_array = static_cast<Slot*>(p);
  for (int i = 0; i < slots; ++i) new (&slot_array[i]) Slot();
  g_slots = slot_array;
  g_slot_count = slots;
  g_mine = &g_slots[0];
  return Status();
}

void UseMetricsSlot(int slot) {
  if (slot >= 0 && slot < g_slot_count) g_mine = &g_slots[slot];
}

void SetRouteLabels(std::vector<std::string> labels) { g_route_labels = std::move(labels); }

void CountRequest(size_t route, int status, int64_t micros) {
  if (route >= kMaxMetricRoutes) route = kMaxMetricRoutes - 1;
  Bump(g_mine->requests[route][StatusIndex(status)]);
  size_t bucket = 0;
  while (bucket < kBucketCount && micros > kBucketMicros[bucket]) ++bucket;
  Bump(g_mine->latency[route][bucket]);
  Bump(g_mine->latency_sum_micros[route], micros < 0 ? 0 : static_cast<uint64_t>(micros));
}

void CountCacheLookup(bool hit) { Bump(hit ? g_mine->cache_hits : g_mine->cache_misses); }
void CountLocalCacheHit() { Bump(g_mine->local_cache_hits); }

void CountDatabaseError() { Bump(g_mine->database_errors); }

void CountWorkerRestart() { Bump(g_mine->worker_restarts); }

std::string RenderMetrics() {
  std::string out;
  size_t routes = std::min(std::max<size_t>(g_route_labels.size(), 1), kMaxMetricRoutes);

  Header(&out, "shortener_http_requests_total", "counter",
         "Requests answered by the workers, by route pattern and HTTP status.");
  for (size_t r = 0; r < routes; ++r) {
    for (size_t s = 0; s <= kStatusCount; ++s) {
      uint64_t n = SumAt(&Slot::requests, r, s);
      if (n == 0) continue;
      std::string status = s < kStatusCount ? std::to_string(kStatuses[s]) : "other";
      Append(&out, "shortener_http_requests_total{route=\"%s\",status=\"%s\"} %llu\n",
             RouteLabel(r).c_str(), status.c_str(), static_cast<unsigned long long>(n));
    }
  }

  Header(&out, "shortener_http_request_duration_seconds", "histogram",
         "Time from a request's arrival at a worker to its answer, by route pattern.");
  for (size_t r = 0; r < routes; ++r) {
    uint64_t counts[kBucketCount + 1];
    uint64_t total = 0;
    for (size_t b = 0; b <= kBucketCount; ++b) {
      counts[b] = SumAt(&Slot::latency, r, b);
      total += counts[b];
    }
    if (total == 0) continue;
    std::string route = RouteLabel(r);
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBucketCount; ++b) {
      cumulative += counts[b];
      char le[32];
      if (b < kBucketCount) {
        std::snprintf(le, sizeof le, "%g", static_cast<double>(kBucketMicros[b]) / 1e6);
      } else {
        std::snprintf(le, sizeof le, "+Inf");
      }
      Append(&out, "shortener_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n",
             route.c_str(), le, static_cast<unsigned long long>(cumulative));
    }
    Append(&out, "shortener_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n", route.c_str(),
           static_cast<double>(SumAt(&Slot::latency_sum_micros, r)) / 1e6);
    Append(&out, "shortener_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
           route.c_str(), static_cast<unsigned long long>(total));
  }

  struct Plain {
    const char* name;
    const char* help;
    Counter Slot::*field;
  };
  const Plain plain[] = {
      {"shortener_cache_hits_total", "Cache lookups answered by memcached.", &Slot::cache_hits},
      {"shortener_cache_misses_total", "Cache lookups memcached did not answer (absent or down).",
       &Slot::cache_misses},
      {"shortener_local_cache_hits_total",
       "Redirects answered from a worker's own memory (local_cache_ttl), with no cache lookup.",
       &Slot::local_cache_hits},
      {"shortener_database_errors_total", "Errors reported by MySQL (lost connections included).",
       &Slot::database_errors},
      {"shortener_worker_restarts_total", "Workers that died and were replaced by the supervisor.",
       &Slot::worker_restarts},
  };
  for (const Plain& p : plain) {
    Header(&out, p.name, "counter", p.help);
    Append(&out, "%s %llu\n", p.name, static_cast<unsigned long long>(Sum(p.field)));
  }
  Header(&out, "shortener_worker_slots", "gauge",
         "Worker processes whose counters are summed here (the supervisor's pool size, or the "
         "slots taken by the single workers sharing one socket).");
  Append(&out, "shortener_worker_slots %d\n", SlotCount());
  return out;
}

}  // namespace shortener
