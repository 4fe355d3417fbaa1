// The pre-forking supervisor of `shortener --workers N`: one master process that keeps N
// single-threaded workers running on the FastCGI socket it was given (fd 0), so the same
// binary runs a whole pool under spawn-fcgi, systemd or by hand, behind any web server.
#ifndef SHORTENER_SUPERVISOR_H_
#define SHORTENER_SUPERVISOR_H_

#include <functional>

namespace shortener {

struct SupervisorOptions {
  int workers = 1;  // pool size, 1..kMaxMetricSlots
  // Runs one worker in a freshly forked child; `slot` (0..workers-1) is its place in the pool
  // (and its metrics slot). Returns the child's exit status. The child starts with the
  // supervisor's signal handlers reset to the defaults (SIGHUP ignored until the worker installs
  // its own) and every signal unblocked but SIGTERM and SIGINT: the worker unblocks those once
  // its handler for them is in place, so a stop sent while it starts is not lost.
  std::function<int(int slot)> run_worker;
  // SIGHUP, in the supervisor, before the signal is passed on to every worker.
  std::function<void()> on_reload;
};

// Forks the workers and supervises them until SIGTERM or SIGINT:
// - a worker that exits or dies is replaced in its slot (after one second if it lived less
//   than a second, so a worker that cannot start does not make the master spin);
// - SIGHUP runs on_reload, then goes to every worker;
// - SIGTERM/SIGINT goes to every worker, and the master returns 0 once all have exited. Each
//   worker finishes its request in flight first. A worker whose master dies gets SIGTERM.
// Returns 1 if the signal handlers cannot be installed.
int RunSupervisor(const SupervisorOptions& options);

}  // namespace shortener

#endif  // SHORTENER_SUPERVISOR_H_
