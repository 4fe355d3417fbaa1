// Option parsing of shortener and shortener-admin.
#include "cmd/command_line.h"

#include <cstdlib>

#include "base/decimal.h"
#include "base/metrics.h"

namespace shortener {

const char kShortenerVersion[] = "1.0.0";

namespace {

Error Usage(std::string message) { return Error::Validation("", std::move(message)); }

}  // namespace

Result<CommandLine> ParseCommandLine(Program program, const std::vector<std::string>& args) {
  CommandLine line;
  const bool worker = program == Program::kWorker;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      line.operands.assign(args.begin() + static_cast<long>(i) + 1, args.end());
      break;
    }
    if (arg.empty() || arg[0] != '-') {
      if (worker) return Usage("unexpected argument '" + arg + "'");
      line.operands.assign(args.begin() + static_cast<long>(i), args.end());
      break;
    }
    // "--name=value" or "--name value" for the options that take a value.
    std::string name = arg;
    std::optional<std::string> value;
    size_t equals = arg.find('=');
    if (arg.compare(0, 2, "--") == 0 && equals != std::string::npos) {
      name = arg.substr(0, equals);
      value = arg.substr(equals + 1);
    }
    const bool takes_value =
        name == "--config" || (worker && (name == "--workers" || name == "--listen"));
    if (takes_value && !value) {
      if (i + 1 >= args.size()) return Usage(name + " needs a value");
      value = args[++i];
    } else if (!takes_value && value) {
      return Usage(name + " takes no value");
    }
    if (name == "--config") {
      if (value->empty()) return Usage("--config needs a file name");
      line.config_path = *value;
    } else if (name == "--help" || name == "-h") {
      line.help = true;
    } else if (name == "--version" || name == "-V") {
      line.version = true;
    } else if (worker && name == "--check-config") {
      line.check_config = true;
    } else if (worker && name == "--workers") {
      std::optional<uint64_t> n = ParseDecimalIn(*value, 1, kMaxMetricSlots);
      if (!n) {
        return Usage("--workers takes a number of workers, 1 to " +
                     std::to_string(kMaxMetricSlots) + ", not '" + *value + "'");
      }
      line.workers = static_cast<int>(*n);
    } else if (worker && name == "--listen") {
      if (value->empty()) return Usage("--listen needs an address: unix:/PATH or HOST:PORT");
      line.listen = *value;
    } else {
      return Usage("unknown option '" + arg + "'");
    }
  }
  return line;
}

std::string ChosenConfigPath(const CommandLine& line, const std::string& fallback) {
  if (line.config_path) return *line.config_path;
  const char* from_env = std::getenv("SHORTENER_CONFIG");
  if (from_env != nullptr && *from_env != '\0') return from_env;
  return fallback;
}

}  // namespace shortener
