// Pre-forking master: fork, reap, replace, pass signals on.
#include "cmd/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <vector>

#include "base/log.h"
#include "base/metrics.h"

namespace shortener {

namespace {

using Clock = std::chrono::steady_clock;

volatile sig_atomic_t g_stop = 0;
volatile sig_atomic_t g_reload = 0;
int g_wake[2] = {-1, -1};

// A worker that lived less than this is replaced only after this long.
constexpr auto kMinLife = std::chrono::seconds(1);

void Wake() {
  int saved = errno;
  char byte = 0;
  ssize_t ignored = write(g_wake[1], &byte, 1);
  (void)ignored;
  errno = saved;
}

void OnStop(int) {
  g_stop = 1;
  Wake();
}
void OnReload(int) {
  g_reload = 1;
  Wake();
}
void OnChild(int) { Wake(); }

const int kHandled[] = {SIGTERM, SIGINT, SIGHUP, SIGCHLD};

bool Install() {
  if (pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0) return false;
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_flags = SA_RESTART;
  sa.sa_handler = OnStop;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = OnReload;
  sigaction(SIGHUP, &sa, nullptr);
  sa.sa_handler = OnChild;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return true;
}

void Drain() {
  char buf[64];
  while (read(g_wake[0], buf, sizeof buf) > 0) {
  }
}

struct Worker {
  pid_t pid = 0;  // 0: not running
  Clock::time_point started;
  Clock::time_point restart_at;  // when pid == 0 and the pool is not stopping
};

// In the child, between fork and run_worker: the supervisor's state is not the worker's.
[[noreturn]] void BecomeWorker(const SupervisorOptions& options, int slot, pid_t master) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (int sig : kHandled) sigaction(sig, &sa, nullptr);
  // A reload passed on before the worker has its own handler must not kill it (SIGHUP's default
  // action); the worker starts with the settings the master already reloaded.
  sa.sa_handler = SIG_IGN;
  sigaction(SIGHUP, &sa, nullptr);
  close(g_wake[0]);
  close(g_wake[1]);
  // The master's death (even SIGKILL) must not leave workers serving on their own.
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != master) _exit(0);
  // Everything but a stop is unblocked. A stop waits until the worker has its handler (it
  // unblocks it then): with the default action meanwhile, a SIGTERM passed on while the worker
  // was still starting killed it without its "worker stopping" and its final click flush.
  sigset_t stops;
  sigemptyset(&stops);
  sigaddset(&stops, SIGTERM);
  sigaddset(&stops, SIGINT);
  sigprocmask(SIG_SETMASK, &stops, nullptr);
  UseMetricsSlot(slot);
  int code = options.run_worker(slot);
  std::fflush(nullptr);
  _exit(code);
}

// Forks the worker of `slot`. Signals stay blocked across fork so none lands in the child
// while it still has the master's handlers.
void Spawn(const SupervisorOptions& options, std::vector<Worker>* workers, int slot) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t master = getpid();
  pid_t pid = fork();
  if (pid == 0) BecomeWorker(options, slot, master);
  sigprocmask(SIG_SETMASK, &old, nullptr);
  Worker& w = (*workers)[slot];
  w.started = Clock::now();
  if (pid < 0) {
    Log(Severity::kError, "cannot fork worker %d: %s; retrying", slot, std::strerror(errno));
    w.pid = 0;
    w.restart_at = w.started + kMinLife;
    return;
  }
  w.pid = pid;
}

void SignalAll(const std::vector<Worker>& workers, int sig) {
  for (const Worker& w : workers) {
    if (w.pid > 0) kill(w.pid, sig);
  }
}

std::string Describe(int status) {
  char text[64];
  if (WIFSIGNALED(status)) {
    std::snprintf(text, sizeof text, "killed by signal %d", WTERMSIG(status));
  } else {
    std::snprintf(text, sizeof text, "exited with status %d", WEXITSTATUS(status));
  }
  return text;
}

// Reaps every exited worker; schedules its replacement unless the pool is stopping.
void Reap(std::vector<Worker>* workers, bool stopping) {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (size_t slot = 0; slot < workers->size(); ++slot) {
      Worker& w = (*workers)[slot];
      if (w.pid != pid) continue;
      w.pid = 0;
      if (stopping) break;
      Clock::time_point now = Clock::now();
      bool quick = now - w.started < kMinLife;
      w.restart_at = quick ? now + kMinLife : now;
      CountWorkerRestart();
      Log(Severity::kWarn, "worker %d (slot %zu) %s; replacing it%s", static_cast<int>(pid), slot,
          Describe(status).c_str(), quick ? " in 1 s" : "");
      break;
    }
  }
}

}  // namespace

int RunSupervisor(const SupervisorOptions& options) {
  if (!Install()) {
    Log(Severity::kError, "supervisor: cannot create the wake-up pipe");
    return 1;
  }
  std::vector<Worker> workers(options.workers);
  for (int slot = 0; slot < options.workers; ++slot) Spawn(options, &workers, slot);
  Log(Severity::kInfo, "supervisor: %d workers started", options.workers);
  bool stopping = false;
  while (true) {
    Drain();
    if (g_stop && !stopping) {
      stopping = true;
      Log(Severity::kInfo, "supervisor: stopping; workers finish their requests");
      SignalAll(workers, SIGTERM);
    }
    if (g_reload) {
      g_reload = 0;
      if (options.on_reload) options.on_reload();
      SignalAll(workers, SIGHUP);
    }
    Reap(&workers, stopping);
    int running = 0;
    int timeout_ms = -1;
    Clock::time_point now = Clock::now();
    for (size_t slot = 0; slot < workers.size(); ++slot) {
      Worker& w = workers[slot];
      if (w.pid == 0 && !stopping) {
        if (now >= w.restart_at) {
          Spawn(options, &workers, static_cast<int>(slot));
        } else {
          auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(w.restart_at - now);
          int ms = static_cast<int>(wait.count()) + 1;
          if (timeout_ms < 0 || ms < timeout_ms) timeout_ms = ms;
        }
      }
      if (w.pid > 0) ++running;
    }
    if (stopping && running == 0) break;
    struct pollfd fd = {g_wake[0], POLLIN, 0};
    poll(&fd, 1, timeout_ms);
  }
  Log(Severity::kInfo, "supervisor: all workers stopped");
  return 0;
}

}  // namespace shortener
