// Which database server of an ordered list (mysql_servers, most preferred first) a worker
// connects to: the first one that is not resting after a failure; a server that failed rests
// for a while, then is preferred again, so a worker that moved away comes back once its server
// is back. Pure bookkeeping over indexes and times; MysqlStore does the connecting.
#ifndef SHORTENER_FAILOVER_H_
#define SHORTENER_FAILOVER_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

namespace shortener {

class ServerFailover {
 public:
  using Clock = std::chrono::steady_clock;

  // count >= 1 servers; a failed one rests for `rest`.
  ServerFailover(size_t count, Clock::duration rest);

  // The servers to try for a new connection at `now`, in order: every one not resting, in list
  // order, then the resting ones, the one that failed longest ago first. Every server is in it:
  // when all have failed lately, each is still worth one attempt rather than no answer.
  std::vector<size_t> ConnectOrder(Clock::time_point now) const;

  // A connection to `server` could not be made, was lost, or the server refused to serve
  // (a Galera node that is not synced): it rests from `now` on.
  void Failed(size_t server, Clock::time_point now);

  // While connected to `current` at `now`: the first server before it in the list whose rest is
  // over (the one to move back to), if any. A caller whose attempt fails calls Failed, so the
  // server is not tried again before another rest has passed.
  std::optional<size_t> MoveBack(size_t current, Clock::time_point now) const;

  // Whether every server is resting at `now` (a failure now has nowhere else to go).
  bool AllResting(Clock::time_point now) const;

  size_t count() const { return failed_at_.size(); }

 private:
  bool Resting(size_t server, Clock::time_point now) const;

  Clock::duration rest_;
  // When each server last failed; nullopt: never.
  std::vector<std::optional<Clock::time_point>> failed_at_;
};

}  // namespace shortener

#endif  // SHORTENER_FAILOVER_H_
