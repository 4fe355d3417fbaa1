// stderr logger with a severity threshold.
#include "base/log.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace shortener {

namespace {
Severity g_max = Severity::kInfo;
const char* g_program = "shortener";

const char* Name(Severity s) {
  switch (s) {
    case Severity::kError:
      return "error";
    case Severity::kWarn:
      return "warn";
    case Severity::kInfo:
      return "info";
    case Severity::kDebug:
      return "debug";
  }
  return "?";
}
}  // namespace

void SetLogSeverity(Severity max) { g_max = max; }

void SetLogProgram(const char* name) { g_program = name; }

void Log(Severity severity, const char* format, ...) {
  if (static_cast<int>(severity) > static_cast<int>(g_max)) return;
  char line[1024];
  int n = std::snprintf(line, sizeof line, "%s[%d] %s: ", g_program, static_cast<int>(getpid()),
                        Name(severity));
  va_list args;
  va_start(args, format);
  int m = std::vsnprintf(line + n, sizeof line - n - 1, format, args);
  va_end(args);
  size_t len = n + (m < 0 ? 0 : static_cast<size_t>(m));
  if (len > sizeof line - 2) len = sizeof line - 2;
  line[len++] = '\n';
  ssize_t ignored = write(STDERR_FILENO, line, len);
  (void)ignored;
}

}  // namespace shortener
