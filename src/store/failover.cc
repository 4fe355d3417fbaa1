// ServerFailover's ordering.
#include "store/failover.h"

#include <algorithm>

namespace shortener {

ServerFailover::ServerFailover(size_t count, Clock::duration rest)
    : rest_(rest), failed_at_(std::max<size_t>(count, 1)) {}

bool ServerFailover::Resting(size_t server, Clock::time_point now) const {
  return failed_at_[server] && now - *failed_at_[server] < rest_;
}

std::vector<size_t> ServerFailover::ConnectOrder(Clock::time_point now) const {
  std::vector<size_t> ready;
  std::vector<size_t> resting;
  for (size_t i = 0; i < failed_at_.size(); ++i) (Resting(i, now) ? resting : ready).push_back(i);
  std::stable_sort(resting.begin(), resting.end(),
                   [&](size_t a, size_t b) { return *failed_at_[a] < *failed_at_[b]; });
  ready.insert(ready.end(), resting.begin(), resting.end());
  return ready;
}

bool ServerFailover::AllResting(Clock::time_point now) const {
  for (size_t i = 0; i < failed_at_.size(); ++i) {
    if (!Resting(i, now)) return false;
  }
  return true;
}

void ServerFailover::Failed(size_t server, Clock::time_point now) {
  if (server < failed_at_.size()) failed_at_[server] = now;
}

std::optional<size_t> ServerFailover::MoveBack(size_t current, Clock::time_point now) const {
  for (size_t i = 0; i < current && i < failed_at_.size(); ++i) {
    if (!Resting(i, now)) return i;
  }
  return std::nullopt;
}

}  // namespace shortener
