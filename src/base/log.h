// Logging to stderr, one line per event worth an operator's time (journald adds the time).
#ifndef SHORTENER_LOG_H_
#define SHORTENER_LOG_H_

namespace shortener {

enum class Severity { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Lines less severe than `max` are dropped. Default: kInfo.
void SetLogSeverity(Severity max);

// The program name log lines start with (default "shortener"); a static string.
void SetLogProgram(const char* name);

// printf-style; writes "<program>[pid] <level>: <text>\n" in one write so lines from several
// workers sharing stderr do not interleave. Never pass secrets or whole request bodies.
void Log(Severity severity, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace shortener

#endif  // SHORTENER_LOG_H_
