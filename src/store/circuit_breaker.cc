// CircuitBreaker's interval arithmetic.
#include "store/circuit_breaker.h"

#include <algorithm>

namespace shortener {

void CircuitBreaker::Failed(Clock::time_point now, bool slow) {
  if (!slow) return;
  interval_ = interval_.count() == 0 ? first_ : std::min(interval_ * 2, max_);
  open_until_ = now + interval_;
}

void CircuitBreaker::Succeeded() {
  interval_ = Duration(0);
  open_until_ = Clock::time_point();
}

}  // namespace shortener
