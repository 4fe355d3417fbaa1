// shortener: one FastCGI worker process. Loads the config, then answers requests until
// SIGTERM/SIGINT, finishing the request in flight first.
#include <fastcgi.h>
#include <fcgiapp.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "app.h"
#include "config.h"
#include "fcgi_io.h"
#include "log.h"

namespace {

volatile sig_atomic_t g_stop = 0;
// Set while libfcgi's FCGX_Accept_r runs: it may sit in accept(), or wait for a connection's
// first bytes or for the next request on a kept connection (FCGI_KEEP_CONN).
volatile sig_atomic_t g_in_accept = 0;
// Set by SIGHUP: re-read the blocklist before the next request.
volatile sig_atomic_t g_reload = 0;
// Set by the tick alarm (App::TickDueIn, armed only while clicks are pending): an idle worker
// wakes from accept to write them.
volatile sig_atomic_t g_tick = 0;

// 50 failures 100 ms apart: five seconds of a socket that does not recover.
constexpr int kMaxFailedAccepts = 50;
constexpr useconds_t kAcceptRetryMicros = 100 * 1000;

// Only a flag and an alarm: the loop acts on them once the request in flight has
// been answered. libfcgi's own FCGX_ShutdownPending() is deliberately not used: set while
// libfcgi waits for a fresh connection's first bytes, it makes 2.4.2 spin forever on a closed
// socket.
void OnStop(int) {
  g_stop = 1;
  // Inside FCGX_Accept_r this signal may have been swallowed (libfcgi drops the connection whose
  // wait it interrupted and accepts again). SIGALRM keeps interrupting until accept gives up.
  if (g_in_accept) alarm(1);
}

void OnAlarm(int) {
  if (!g_stop) g_tick = 1;
  // As for a stop: an alarm that libfcgi swallowed (or that came just before accept) is
  // repeated until accept returns; the loop cancels it then.
  if (g_in_accept) alarm(1);
}

void OnHangup(int) { g_reload = 1; }

void InstallSignals() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStop;
  // No SA_RESTART: a worker blocked in accept() must wake up (FCGI_FAIL_ACCEPT_ON_INTR) and exit.
  sa.sa_flags = 0;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sa.sa_handler = OnAlarm;
  sigaction(SIGALRM, &sa, nullptr);
  // SA_RESTART: a reload request must not make a waiting accept() fail.
  sa.sa_handler = OnHangup;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace shortener;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check-config") == 0) check_only = true;
  }
  Result<Config> config = LoadConfig(ConfigPath(argc, argv, ""));
  if (!config.ok()) {
    std::fprintf(stderr, "shortener: %s\n", config.error().message.c_str());
    return 2;
  }
  SetLogSeverity(config.value().log_level);
  Result<std::unique_ptr<App>> app = App::Create(config.value());
  if (!app.ok()) {
    std::fprintf(stderr, "shortener: %s\n", app.error().message.c_str());
    return 2;
  }
  if (check_only) {
    std::fputs(DescribeConfig(config.value()).c_str(), stdout);
    return 0;
  }

  // libfcgi installs its own SIGTERM handler only when none is set, so ours goes first.
  InstallSignals();
  if (FCGX_Init() != 0) {
    Log(Severity::kError, "FCGX_Init failed");
    return 1;
  }
  FCGX_Request fcgi;
  FCGX_InitRequest(&fcgi, FCGI_LISTENSOCK_FILENO, FCGI_FAIL_ACCEPT_ON_INTR);
  size_t max_body = config.value().max_body_bytes;
  int failed_accepts = 0;
  // Idle workers block in accept() itself, not in a poll() before it: the kernel then wakes one
  // worker per connection instead of every idle one, and a connection the web server keeps open
  // (FCGI_KEEP_CONN) brings its next request without a new connection on the listening socket.
  // A stop interrupts accept() (no SA_RESTART); one that lands just before it is caught by the
  // second look at g_stop or, once g_in_accept is set, by the alarm OnStop arms.
  // Pending clicks arm a one-shot alarm for when they are due, so an idle worker writes them
  // too; with none pending there is no alarm at all.
  while (!g_stop) {
    unsigned tick_in = app.value()->TickDueIn();
    if (tick_in > 0) alarm(tick_in);
    g_in_accept = 1;
    if (g_stop) break;
    int accepted = FCGX_Accept_r(&fcgi);
    g_in_accept = 0;
    // A request in hand is answered in full, never interrupted.
    if (g_stop || tick_in > 0) alarm(0);
    if (accepted < 0) {
      if (g_stop) break;
      if (g_tick) {
        g_tick = 0;
        app.value()->Tick();
        continue;
      }
      // A transient failure (out of descriptors, a connection reset before accept) must not
      // end the worker: nothing would start a new one. A socket that stays broken does.
      if (++failed_accepts >= kMaxFailedAccepts) {
        Log(Severity::kError, "accept keeps failing; worker exiting");
        return 1;
      }
      Log(Severity::kWarn, "accept failed; retrying");
      usleep(kAcceptRetryMicros);
      continue;
    }
    failed_accepts = 0;
    if (g_reload) {
      g_reload = 0;
      app.value()->Reload();
    }
    Request request = ReadRequest(&fcgi, max_body);
    Response response = app.value()->Handle(request);
    WriteResponse(&fcgi, request, response);
    FCGX_Finish_r(&fcgi);
    g_tick = 0;  // Tick looks at the time itself
    app.value()->Tick();
  }
  alarm(0);
  app.value()->Shutdown();  // a graceful stop writes the pending clicks
  FCGX_Free(&fcgi, 1);
  Log(Severity::kInfo, "worker stopping");
  return 0;
}
