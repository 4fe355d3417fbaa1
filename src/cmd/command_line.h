// The command lines of both programs: their common options (--config, --help, --version) and
// the worker's own (--workers, --listen, --check-config), in both spellings (`--config PATH` and
// `--config=PATH`). Pure: no I/O; main() prints and exits (usage errors exit 2).
#ifndef SHORTENER_COMMAND_LINE_H_
#define SHORTENER_COMMAND_LINE_H_

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"

namespace shortener {

// The version both programs print for --version.
extern const char kShortenerVersion[];

// Which program's options are accepted.
enum class Program {
  kWorker,  // shortener: options only, no operands
  kAdmin,   // shortener-admin: options, then COMMAND [ARGS...] passed on untouched
};

struct CommandLine {
  std::optional<std::string> config_path;  // --config
  bool help = false;                       // --help, -h
  bool version = false;                    // --version, -V
  bool check_config = false;               // --check-config (worker)
  int workers = 0;                         // --workers N (worker); 0: a single worker
  std::optional<std::string> listen;       // --listen unix:PATH|HOST:PORT (worker)
  // The admin tool's command and its arguments: everything from the first word that is not
  // one of the options above (a lone "--" ends the options and is dropped).
  std::vector<std::string> operands;
};

// Parses argv[1..]. An unknown option, a missing or malformed value, or (worker) an operand:
// a kValidation error whose message names the offending word, for "PROGRAM: MESSAGE" + usage.
Result<CommandLine> ParseCommandLine(Program program, const std::vector<std::string>& args);

// The config file: --config if given, else $SHORTENER_CONFIG if set and non-empty, else
// `fallback` (the installed default; empty: no file, settings from the environment only).
std::string ChosenConfigPath(const CommandLine& line, const std::string& fallback);

}  // namespace shortener

#endif  // SHORTENER_COMMAND_LINE_H_
