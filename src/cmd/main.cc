// shortener: a FastCGI worker. Loads the config, then answers requests on the listening socket
// it was given as fd 0 (or opened itself with --listen) until SIGTERM/SIGINT, finishing the
// request in flight first; SIGHUP re-reads the config. With --workers N it is the supervisor of
// a pool of N such workers (supervisor.h).
#include <fastcgi.h>
#include <fcgiapp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/metrics.h"
#include "cmd/app.h"
#include "cmd/command_line.h"
#include "cmd/config.h"
#include "cmd/listen_socket.h"
#include "cmd/supervisor.h"
#include "http/fcgi_io.h"

namespace {

using namespace shortener;

volatile sig_atomic_t g_stop = 0;
// Set by SIGHUP: the config is re-read before the next request.
volatile sig_atomic_t g_reload = 0;
// Set by the tick alarm (App::TickDueIn, armed only while clicks are pending): an idle worker
// wakes from accept to write them.
volatile sig_atomic_t g_tick = 0;
// Set while libfcgi's FCGX_Accept_r runs: it may sit in accept(), or wait for a connection's
// first bytes or for the next request on a kept connection (FCGI_KEEP_CONN).
volatile sig_atomic_t g_in_accept = 0;

// 50 failures 100 ms apart: five seconds of a socket that does not recover.
constexpr int kMaxFailedAccepts = 50;
constexpr useconds_t kAcceptRetryMicros = 100 * 1000;

// Only flags and an alarm: the loop acts on them once the request in flight has been answered.
// libfcgi's own FCGX_ShutdownPending() is deliberately not used: set while libfcgi waits for a
// fresh connection's first bytes, it makes 2.4.2 spin forever on a closed socket.
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

void OnReload(int) { g_reload = 1; }

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
  // SA_RESTART: a reload must not make an accept or a read inside libfcgi fail (that would drop
  // a connection); it is applied before the next request instead.
  sa.sa_handler = OnReload;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // A supervisor's worker starts with SIGTERM and SIGINT blocked (BecomeWorker): a stop sent
  // while it was starting is delivered now, to OnStop, instead of killing it unannounced.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

// SIGHUP: the config file and environment again. A config that no longer loads is reported
// and nullopt returned: the running settings stay.
std::optional<Config> ReloadedConfig(const std::string& config_path) {
  Result<Config> config = LoadConfig(config_path);
  if (!config.ok()) {
    Log(Severity::kError, "reload: %s; keeping the running configuration",
        config.error().message.c_str());
    return std::nullopt;
  }
  return std::move(config.value());
}

// A worker's SIGHUP: what may change is applied (App::Reload).
void Reload(const std::string& config_path, App* app) {
  g_reload = 0;
  std::optional<Config> config = ReloadedConfig(config_path);
  if (!config) return;
  app->Reload(*config);
  Log(Severity::kDebug, "reload: configuration re-read");
}

// One worker: answers requests until SIGTERM/SIGINT. Returns the process's exit status.
int ServeRequests(const Config& config, const std::string& config_path) {
  Result<std::unique_ptr<App>> created = App::Create(config);
  if (!created.ok()) {
    Log(Severity::kError, "%s", created.error().message.c_str());
    return 2;
  }
  App* app = created.value().get();
  // libfcgi installs its own SIGTERM handler only when none is set, so ours goes first.
  InstallSignals();
  if (FCGX_Init() != 0) {
    Log(Severity::kError, "FCGX_Init failed");
    return 1;
  }
  FCGX_Request fcgi;
  FCGX_InitRequest(&fcgi, FCGI_LISTENSOCK_FILENO, FCGI_FAIL_ACCEPT_ON_INTR);
  // Fixed for the worker's life, as every limit read at start.
  const BodyLimits body_limits{config.max_body_bytes, kImportPath, config.import_max_body_bytes};
  int failed_accepts = 0;
  // Idle workers block in accept() itself, not in a poll() before it: the kernel then wakes one
  // worker per connection instead of every idle one, and a connection the web server keeps open
  // (FCGI_KEEP_CONN) brings its next request without a new connection on the listening socket.
  // A stop interrupts accept() (no SA_RESTART); one that lands just before it is caught by the
  // second look at g_stop or, once g_in_accept is set, by the alarm OnStop arms.
  // Pending clicks arm a one-shot alarm for when they are due, so an idle worker writes them
  // too; with none pending there is no alarm at all.
  while (!g_stop) {
    unsigned tick_in = app->TickDueIn();
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
        app->Tick();
        continue;
      }
      // A transient failure (out of descriptors, a connection reset before accept) must not
      // end the worker (under spawn-fcgi nothing would start a new one). A socket that stays
      // broken does.
      if (++failed_accepts >= kMaxFailedAccepts) {
        Log(Severity::kError, "accept keeps failing; worker exiting");
        return 1;
      }
      Log(Severity::kWarn, "accept failed; retrying");
      usleep(kAcceptRetryMicros);
      continue;
    }
    failed_accepts = 0;
    // A SIGHUP that came while accept held the worker (restarted there, so no connection is
    // dropped) is applied before this request is answered.
    if (g_reload) Reload(config_path, app);
    bool body_timed_out = false;
    Request request = ReadRequest(&fcgi, body_limits, &body_timed_out);
    Response response = body_timed_out ? BodyTimeoutResponse() : app->Handle(request);
    WriteResponse(&fcgi, request, response);
    FCGX_Finish_r(&fcgi);
    g_tick = 0;  // Tick looks at the time itself
    app->Tick();
  }
  alarm(0);
  FCGX_Free(&fcgi, 1);
  app->FlushBeforeExit();  // a graceful stop writes the pending clicks
  Log(Severity::kInfo, "worker stopping");
  return 0;
}

#ifndef SHORTENER_DEFAULT_CONFIG
#define SHORTENER_DEFAULT_CONFIG ""
#endif

// SHORTENER_DEFAULT_CONFIG is the installed config file (make install); a development build has
// none and takes its settings from SHORTENER_* variables alone.
const char kUsage[] =
    "usage: shortener [--config FILE] [--workers N] [--listen ADDRESS] [--check-config]\n"
    "       shortener --help | --version\n"
    "\n"
    "A FastCGI worker of the shortener service: it answers requests on the listening socket it\n"
    "is given as its standard input (fd 0), the way spawn-fcgi, systemd (StandardInput=socket)\n"
    "and web servers that spawn FastCGI programs hand one over.\n"
    "\n"
    "  --config FILE   the configuration file (also --config=FILE); default $SHORTENER_CONFIG%s%s\n"
    "  --workers N     supervise a pool of N workers (1 to %d) on that socket; a dead one is\n"
    "                  replaced and /metrics sums the pool\n"
    "  --listen ADDRESS  open the socket itself instead: unix:/PATH (mode 0600) or HOST:PORT,\n"
    "                  bound before any worker is forked\n"
    "  --check-config  check the configuration, print it (secrets hidden) and exit; needs no "
    "socket\n"
    "  --help          print this help and exit\n"
    "  --version       print the version and exit\n"
    "\n"
    "SHORTENER_<KEY> variables override the file's keys. Exit status: 0 after a graceful stop\n"
    "(SIGTERM); 2 for a usage error, a bad configuration or no FastCGI socket.\n";

void PrintUsage(std::FILE* out) {
  const bool installed = std::strlen(SHORTENER_DEFAULT_CONFIG) > 0;
  std::fprintf(out, kUsage, installed ? ", else " : "", SHORTENER_DEFAULT_CONFIG, kMaxMetricSlots);
}

// A usage error: the message, then the usage, on stderr; exit status 2.
int UsageError(const std::string& message) {
  std::fprintf(stderr, "shortener: %s\n", message.c_str());
  PrintUsage(stderr);
  return 2;
}

// Whether fd 0 is a listening socket, the only way a FastCGI worker gets its connections.
// Without one, libfcgi's accept fails forever ("accept failed; retrying").
bool StdinIsListeningSocket() {
  struct stat st;
  if (fstat(FCGI_LISTENSOCK_FILENO, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
  int listening = 0;
  socklen_t size = sizeof listening;
  return getsockopt(FCGI_LISTENSOCK_FILENO, SOL_SOCKET, SO_ACCEPTCONN, &listening, &size) == 0 &&
         listening != 0;
}

// The identity of the listening socket on fd 0 that every worker of a pool shares: its
// address ("unix:/run/shortener/fcgi.sock", or the raw bytes of an IP address and port).
std::string ListeningSocketKey() {
  sockaddr_storage address;
  socklen_t size = sizeof address;
  std::memset(&address, 0, sizeof address);
  if (getsockname(FCGI_LISTENSOCK_FILENO, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return "";
  }
  if (address.ss_family == AF_UNIX) {
    const sockaddr_un* unix_address = reinterpret_cast<const sockaddr_un*>(&address);
    return std::string("unix:") + unix_address->sun_path;
  }
  return "inet:" + std::string(reinterpret_cast<const char*>(&address), size);
}

// A single worker (spawn-fcgi -F N, or a web server's spawner) counts into the metrics shared
// by every worker on its socket; if that fails, into its own, saying so once.
void JoinPoolMetrics() {
  std::string key = ListeningSocketKey();
  Status joined = key.empty() ? Status(Error::Make(ErrorCode::kInternal, "no socket address"))
                              : JoinSharedMetrics(key);
  if (!joined.ok()) {
    Log(Severity::kWarn, "%s; /metrics shows this worker's counters only",
        joined.error().message.c_str());
  }
}

constexpr char kNoSocket[] =
    "no FastCGI socket: standard input (fd 0) is not a listening socket. Start shortener the way "
    "a FastCGI program is started: by systemd with shortener.socket, under spawn-fcgi "
    "(spawn-fcgi -s /run/shortener/fcgi.sock -F 1 -- shortener --workers 4), or by a web "
    "server that spawns FastCGI programs. --check-config checks the configuration without one.";

}  // namespace

int main(int argc, char** argv) {
  Result<CommandLine> parsed =
      ParseCommandLine(Program::kWorker, std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) return UsageError(parsed.error().message);
  const CommandLine& line = parsed.value();
  if (line.help) {
    PrintUsage(stdout);
    return 0;
  }
  if (line.version) {
    std::printf("shortener %s\n", kShortenerVersion);
    return 0;
  }
  const bool check_only = line.check_config;
  const int workers = line.workers;
  std::optional<ListenAddress> listen;
  if (line.listen) {
    Result<ListenAddress> address = ParseListenAddress(*line.listen);
    if (!address.ok()) return UsageError(address.error().message);
    listen = address.value();
  }
  if (!check_only && !listen && !StdinIsListeningSocket()) {
    std::fprintf(stderr, "shortener: %s\n", kNoSocket);
    return 2;
  }
  const std::string config_path = ChosenConfigPath(line, SHORTENER_DEFAULT_CONFIG);
  Result<Config> config = LoadConfig(config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "shortener: %s\n", config.error().message.c_str());
    return 2;
  }
  SetLogSeverity(config.value().log_level);
  // Built once here to refuse a config that cannot work before anything forks; each worker
  // builds its own (connections are per process).
  Result<std::unique_ptr<App>> app = App::Create(config.value());
  if (!app.ok()) {
    std::fprintf(stderr, "shortener: %s\n", app.error().message.c_str());
    return 2;
  }
  app.value().reset();
  if (check_only) {
    std::fputs(DescribeConfig(config.value()).c_str(), stdout);
    return 0;
  }
  // Bound before forking, so every worker accepts on the same socket (as under spawn-fcgi or
  // systemd), and a pool that cannot have its address fails at once.
  std::string own_socket;
  if (listen) {
    Status bound = ListenOnFd0(*listen);
    if (!bound.ok()) {
      std::fprintf(stderr, "shortener: %s\n", bound.error().message.c_str());
      return 1;
    }
    own_socket = listen->unix_path;
  }
  // Only the process that bound the socket removes its file, once every worker has stopped.
  auto remove_own_socket = [&own_socket](int code) {
    if (!own_socket.empty()) unlink(own_socket.c_str());
    return code;
  };
  if (workers == 0) {
    JoinPoolMetrics();
    int status = ServeRequests(config.value(), config_path);
    LeaveSharedMetrics();
    return remove_own_socket(status);
  }

  Status shared = InitMetrics(workers);
  if (!shared.ok()) {
    Log(Severity::kError, "%s", shared.error().message.c_str());
    return 1;
  }
  SupervisorOptions options;
  options.workers = workers;
  options.run_worker = [&config, &config_path](int) {
    return ServeRequests(config.value(), config_path);
  };
  options.on_reload = [&config, &config_path]() {
    std::optional<Config> fresh = ReloadedConfig(config_path);
    if (!fresh) return;
    SetLogSeverity(fresh->log_level);
    // A worker replaced later starts like the others: start settings, reloaded log level.
    config.value().log_level = fresh->log_level;
    Log(Severity::kInfo, "reload: configuration re-read; passing SIGHUP to the workers");
  };
  return remove_own_socket(RunSupervisor(options));
}
