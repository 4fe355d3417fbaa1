// shortener: one FastCGI worker process. Loads the config, then answers requests until
// SIGTERM/SIGINT, finishing the request in flight first.
#include <fcgiapp.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "app.h"
#include "config.h"
#include "fcgi_io.h"
#include "log.h"

namespace {

volatile sig_atomic_t g_stop = 0;

// Only a flag and libfcgi's own shutdown request: the loop acts on it once the request in
// flight has been answered.
void OnStop(int) {
  g_stop = 1;
  FCGX_ShutdownPending();
}

void InstallSignals() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStop;
  // No SA_RESTART: a worker blocked in accept() must wake up and exit.
  sa.sa_flags = 0;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
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
  FCGX_InitRequest(&fcgi, 0, 0);
  size_t max_body = config.value().max_body_bytes;
  while (!g_stop && FCGX_Accept_r(&fcgi) >= 0) {
    Request request = ReadRequest(&fcgi, max_body);
    Response response = app.value()->Handle(request);
    WriteResponse(&fcgi, request, response);
    FCGX_Finish_r(&fcgi);
  }
  FCGX_Free(&fcgi, 1);
  Log(Severity::kInfo, "worker stopping");
  return 0;
}
