// Shared-memory counters and their Prometheus rendering.
#include "base/metrics.h"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
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
  Counter database_errors;
  Counter worker_restarts;
};

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

uint64_t Sum(Counter Slot::*field) {
  uint64_t total = 0;
  for (int i = 0; i < g_slot_count; ++i)
    total += (g_slots[i].*field).load(std::memory_order_relaxed);
  return total;
}

template <size_t N>
uint64_t SumAt(Counter (Slot::*field)[N], size_t i) {
  uint64_t total = 0;
  for (int s = 0; s < g_slot_count; ++s)
    total += (g_slots[s].*field)[i].load(std::memory_order_relaxed);
  return total;
}

template <size_t N, size_t M>
uint64_t SumAt(Counter (Slot::*field)[N][M], size_t i, size_t j) {
  uint64_t total = 0;
  for (int s = 0; s < g_slot_count; ++s) {
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

}  // namespace

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
         "Worker processes whose counters are summed here (the supervisor's pool size).");
  Append(&out, "shortener_worker_slots %d\n", g_slot_count);
  return out;
}

}  // namespace shortener
