// Prometheus counters of the worker pool: requests by route and status, a latency histogram,
// cache hits and misses, database errors, worker restarts.
//
// Every process counts into its own slot of one shared anonymous mapping that the supervisor
// maps before it forks the workers, so whichever worker a scrape reaches renders the sum over
// the whole pool without asking the others anything. One writer per slot: counting is a load
// and a store on memory the process already owns, no lock, no system call.
//
// Single workers that spawn-fcgi (-F N) or a web server starts on one socket have no common
// parent: each joins a named shared-memory object instead (JoinSharedMetrics, keyed by the
// socket) and takes a slot there, so any of them also renders the pool's sum. Without either
// (tests, the admin tool) the process counts into a private slot and renders its own numbers.
#ifndef SHORTENER_METRICS_H_
#define SHORTENER_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"

namespace shortener {

// Route indexes at or beyond this are counted under the last label of SetRouteLabels.
inline constexpr size_t kMaxMetricRoutes = 48;
inline constexpr int kMaxMetricSlots = 1024;

// Maps the shared region with `slots` (1..kMaxMetricSlots) slots, zeroed, and counts into slot
// 0 from now on. Call once, before forking the processes that share it.
Status InitMetrics(int slots);

// Joins the counters shared by every process that joins with the same `key` (the worker passes
// its listening socket's address) under this user: a POSIX shared-memory object named from a
// digest of uid and key, mode 0600, refused unless this user owns it with no group or other
// access. Takes the first slot whose process is gone (a replacement continues the dead one's
// counters, so the pool's totals do not go down while it runs). Call once, at start.
Status JoinSharedMetrics(const std::string& key);

// The shared-memory object's name for `key` (under /dev/shm on Linux): "/shortener-metrics-" and
// the hex BLAKE2b-128 digest of "uid:key", a valid name whatever the key.
std::string SharedMetricsName(const std::string& key);

// A graceful stop of a process that joined: gives its slot back and, when no process of the
// pool is left alive, removes the shared object (a pool started later begins again at zero).
void LeaveSharedMetrics();

// This process counts into `slot` (0 <= slot < the slots of InitMetrics) from now on. A worker
// replacing a dead one takes its slot, so the pool's totals never go down.
void UseMetricsSlot(int slot);

// The route label of each route index (the router's patterns, then one for "no route"). Every
// process of a pool registers the same routes in the same order, so indexes agree.
void SetRouteLabels(std::vector<std::string> labels);

// One answered request: its route index, HTTP status and time spent, in microseconds.
void CountRequest(size_t route, int status, int64_t micros);
// One cache lookup (a get), answered (hit) or not (miss: absent, or memcached down).
void CountCacheLookup(bool hit);
// One redirect answered from the worker's own memory (local_cache_ttl), with no cache lookup.
void CountLocalCacheHit();
// One error reported by the database (a lost connection, a deadlock, a failed statement).
void CountDatabaseError();
// One worker that died and was replaced (counted by the supervisor).
void CountWorkerRestart();

// The Prometheus text exposition (format 0.0.4) of the sums over every slot.
std::string RenderMetrics();

}  // namespace shortener

#endif  // SHORTENER_METRICS_H_
