// One backend's availability as the log tells it: a line when it goes down, a line when it is
// back (how long it was away and how many requests went without it), nothing in between, so an
// outage of any length under any load writes two lines per worker (README "one line per event").
#ifndef SHORTENER_OUTAGE_H_
#define SHORTENER_OUTAGE_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace shortener {

class OutageLog {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // backend: "mysql", "memcached". effect: what clients get meanwhile, for the down line
  // ("answering 503"). affected: what the count on the up line counts ("requests refused").
  OutageLog(std::string backend, std::string effect, std::string affected);

  // A call failed because the backend is unreachable or did not answer (`detail` says how,
  // never a secret). The first failure of an outage logs the down line; every one is counted.
  void Failed(const std::string& detail, TimePoint now);
  // A request went without the backend without trying it (e.g. an open circuit breaker):
  // counted, not logged.
  void Skipped() { ++affected_count_; }
  // A call reached the backend. Ends an outage with the up line.
  void Succeeded(TimePoint now);

  bool down() const { return down_; }
  uint64_t affected_count() const { return affected_count_; }

 private:
  std::string backend_;
  std::string effect_;
  std::string affected_;
  bool down_ = false;
  TimePoint down_since_;
  uint64_t affected_count_ = 0;  // during the current outage
};

}  // namespace shortener

#endif  // SHORTENER_OUTAGE_H_
