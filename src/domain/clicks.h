// Click counting off the hot path: a worker adds each counted redirect to a small in-memory map
// keyed by link and UTC day, and writes the map to the ClickStore once per flush interval in one
// batch (a few multi-row statements in one transaction), never one row update per click.
//
// Exactness: every batch carries a fresh random id that the store records in the batch's own
// transaction. A batch that failed, or whose outcome is unknown (the connection dropped around
// COMMIT), is kept and sent again, unchanged and with the same id, before anything newer; the
// store recognises an id it already recorded and adds nothing. So no click is counted twice, and
// none is lost while the worker lives. Clicks counted after a batch was first sent go to the
// next batch.
//
// A worker killed without a chance to flush (SIGKILL, a crash) loses what it had not yet
// written: at most the clicks of its last flush interval, plus those of a batch still failing
// (the database unreachable) at that moment.
#ifndef SHORTENER_CLICKS_H_
#define SHORTENER_CLICKS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "domain/store.h"
#include "domain/visit_stats.h"

namespace shortener {

// Makes a batch id: 32 lowercase hex characters, unique among all batches of all workers.
using BatchIdMaker = std::function<std::string()>;

// 16 random bytes from the kernel (libsodium), in hex. Drawn fresh for every batch, so workers
// forked from one parent still make distinct ids.
std::string RandomBatchId();

// A uniformly random phase in [0, interval_ms), from the kernel (libsodium): for ClickCounter.
int64_t RandomPhaseMillis(int64_t interval_ms);

// The UTC day (days since 1970-01-01) of unix seconds `unix_seconds`; floor division, so a time
// before 1970 still lands on its own day.
int64_t UtcDay(int64_t unix_seconds);

// Milliseconds of a monotonic clock, for ClickCounter's schedule.
int64_t SteadyMillis();

class ClickCounter {
 public:
  // Borrows `store`, which must outlive this object. `clock` gives unix seconds, for the day of
  // a click; flush_interval is in seconds (>= 1). The interval is timed by `schedule_ms`
  // (milliseconds, monotonic; default: `clock` in milliseconds), and the first flush comes
  // `phase_ms` (0 to an interval) early: workers started together then flush at different
  // moments, instead of all pausing for their flush, and contending for the same rows, at once.
  ClickCounter(ClickStore* store, Clock clock, int64_t flush_interval,
               BatchIdMaker make_id = RandomBatchId, Clock schedule_ms = nullptr,
               int64_t phase_ms = 0);

  // Counts one click on link `link_id` today (UTC). Memory only; never fails.
  void Count(uint64_t link_id);

  // Counts one click on visit.link_id on visit.day (the day its visitor hash was made for, so
  // that a visit near midnight lands on one day in both), and adds its classification to the
  // visit statistics that the next batch carries with its clicks. Memory only; never fails.
  void CountVisit(const Visit& visit);

  // Flush() if clicks are pending and flush_interval has passed since the last attempt (or the
  // clock went back). Returns what Flush returned, or OK when nothing was due.
  Status MaybeFlush();

  // Writes every pending click now: first a batch that failed before (unchanged, same id), then
  // one batch of everything counted since. On an error the unwritten clicks stay pending and the
  // next attempt is a flush interval later.
  Status Flush();

  // Seconds until MaybeFlush would flush: nullopt when nothing is pending, 0 when due now.
  std::optional<int64_t> SecondsUntilDue() const;

  // Clicks counted and not yet known to be written.
  uint64_t pending() const;

 private:
  // Sends in_flight_ and, once it is in, remembers its id for forgetting.
  Status SendInFlight();
  // Milliseconds until a flush is due: nullopt when nothing is pending, <= 0 when due.
  std::optional<int64_t> MillisUntilDue() const;

  ClickStore* store_;
  Clock clock_;
  int64_t flush_interval_ms_;
  BatchIdMaker make_id_;
  Clock schedule_ms_;
  int64_t last_attempt_ms_;
  // Clicks not yet in any batch, by (link id, day).
  std::map<std::pair<uint64_t, int64_t>, uint64_t> counts_;
  // The classified part of those clicks (CountVisit), by the same (link id, day).
  VisitStats visits_;
  // A batch sent at least once whose outcome is not known to be applied.
  std::optional<ClickBatch> in_flight_;
  // Ids of this worker's batches known to be applied, not yet forgotten by the store.
  std::vector<std::string> applied_ids_;
};

}  // namespace shortener

#endif  // SHORTENER_CLICKS_H_
