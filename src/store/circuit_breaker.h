// A per-worker circuit breaker in front of a backend that can hang (MySQL): after a call that
// failed slowly (a timeout, a connect that waited), no call goes to the backend for a short
// interval that doubles while the failures go on, so a hung server costs each worker one
// timeout per interval instead of one per request. The first call after the interval is the
// probe: its success closes the breaker. A failure that came at once (connection refused, socket
// gone) costs nothing and opens nothing, so a restarted server is found by the next request.
#ifndef SHORTENER_CIRCUIT_BREAKER_H_
#define SHORTENER_CIRCUIT_BREAKER_H_

#include <chrono>

namespace shortener {

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  using Duration = std::chrono::milliseconds;

  // first: the interval after the first slow failure; each further one doubles it, up to max.
  CircuitBreaker(Duration first, Duration max) : first_(first), max_(max) {}

  // Whether a call may go to the backend at `now` (false while open).
  bool Allow(Clock::time_point now) const { return now >= open_until_; }
  // A call failed; `slow` when it cost real time (see the class comment).
  void Failed(Clock::time_point now, bool slow);
  // A call reached the backend: closed, and the next slow failure starts from `first` again.
  void Succeeded();
  Duration interval() const { return interval_; }

 private:
  Duration first_;
  Duration max_;
  Duration interval_{0};  // 0: closed
  Clock::time_point open_until_;
};

}  // namespace shortener

#endif  // SHORTENER_CIRCUIT_BREAKER_H_
