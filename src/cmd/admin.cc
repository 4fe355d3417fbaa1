// shortener-admin: operator commands against the service's database.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "base/log.h"
#include "cmd/admin_commands.h"
#include "cmd/command_line.h"
#include "cmd/config.h"
#include "cmd/link_transfer_commands.h"
#include "store/memcached_cache.h"
#include "store/mysql_store.h"

#ifndef SHORTENER_SQL_DIR
#define SHORTENER_SQL_DIR "sql"
#endif

namespace {

#ifndef SHORTENER_DEFAULT_CONFIG
#define SHORTENER_DEFAULT_CONFIG ""
#endif

// SHORTENER_SQL_DIR and SHORTENER_DEFAULT_CONFIG are the installed directories (make install);
// a development build reads sql/ relative to the checkout and no config file by default.
const char kUsage[] =
    "usage: shortener-admin [--config FILE] COMMAND [ARGS]\n"
    "       shortener-admin COMMAND --help | --help | --version\n"
    "\n"
    "commands:\n"
    "  migrate [--sql-dir DIR]   apply the sql/NNN_*.sql migrations not yet applied\n"
    "                            (default DIR: " SHORTENER_SQL_DIR
    ")\n"
    "  purge-expired [--batch N] delete expired links (never permanent ones; their slugs stay\n"
    "                            held for freed_slug_hold), slug holds older than that, and\n"
    "                            idempotency keys older than 24 h; N rows per transaction\n"
    "                            (default 1000, 1 to 100000); prints how many of each\n"
    "%s%s"
    "\n"
    "The config file is --config FILE (or --config=FILE), else $SHORTENER_CONFIG%s%s;\n"
    "SHORTENER_<KEY> variables override its keys. Against `make run`'s stack: scripts/admin.sh "
    "COMMAND.\n"
    "Exit status: 0 on success, 1 when a command fails, 2 for a usage error.\n";

void PrintUsage(std::FILE* out) {
  const bool installed = std::strlen(SHORTENER_DEFAULT_CONFIG) > 0;
  std::fprintf(out, kUsage, shortener::kAdminCommandsUsage, shortener::kTransferCommandsUsage,
               installed ? ", else " : "", SHORTENER_DEFAULT_CONFIG);
}

// A usage error: the message, then the usage, on stderr; exit status 2.
int UsageError(const std::string& message) {
  std::fprintf(stderr, "shortener-admin: %s\n", message.c_str());
  PrintUsage(stderr);
  return 2;
}

int Fail(const std::string& message) { return shortener::AdminFail(message); }

int Migrate(const shortener::Config& config, const std::vector<std::string>& args) {
  const shortener::CommandSyntax syntax{"migrate [--sql-dir DIR]", {}, {"--sql-dir"}, {}};
  shortener::Result<shortener::CommandArgs> parsed = shortener::ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return shortener::AdminUsage(syntax.usage, parsed.error().message);
  const std::string sql_dir = parsed.value().Value("--sql-dir", SHORTENER_SQL_DIR);
  std::string log;
  shortener::Status status = shortener::ApplyMigrations(config.mysql, sql_dir, &log);
  std::fputs(log.c_str(), stdout);
  if (!status.ok()) return Fail(status.error().message);
  std::printf("schema up to date\n");
  return 0;
}

}  // namespace

const char* const kCommands[] = {"migrate", "purge-expired", "user",  "apikey",
                                 "link",    "import",        "export"};

int main(int argc, char** argv) {
  shortener::SetLogProgram("shortener-admin");  // the store's log lines name this program
  shortener::Result<shortener::CommandLine> parsed = shortener::ParseCommandLine(
      shortener::Program::kAdmin, std::vector<std::string>(argv + 1, argv + argc));
  if (!parsed.ok()) return UsageError(parsed.error().message);
  const shortener::CommandLine& line = parsed.value();
  std::vector<std::string> args = line.operands;
  if (line.version) {
    std::printf("shortener-admin %s\n", shortener::kShortenerVersion);
    return 0;
  }
  if (line.help || (!args.empty() && args[0] == "help" && args.size() == 1)) {
    PrintUsage(stdout);
    return 0;
  }
  if (args.empty()) return UsageError("no command given");
  std::string command = args[0];
  bool known = false;
  for (const char* name : kCommands) known = known || command == name;
  if (!known) return UsageError("unknown command '" + command + "'");
  args.erase(args.begin());
  // A command's help needs no config and no database.
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      char full[8192];
      std::snprintf(full, sizeof full, kUsage, shortener::kAdminCommandsUsage,
                    shortener::kTransferCommandsUsage, "", "");
      std::fputs(shortener::CommandUsage(full, command).c_str(), stdout);
      return 0;
    }
  }
  const std::string config_path = shortener::ChosenConfigPath(line, SHORTENER_DEFAULT_CONFIG);
  shortener::Result<shortener::Config> config = shortener::LoadConfig(config_path);
  if (!config.ok()) {
    return Fail(
        config.error().message +
        (config_path.empty() ? " (no config file was read: give one with --config FILE)" : ""));
  }
  // One look at the database first, so that a wrong address, user, password or database is
  // reported as such, with where it was looked for and the server's reason, in one line instead
  // of as a failure of the command after the store's log lines.
  shortener::Status reachable = shortener::CheckDatabase(
      config.value(), config_path, shortener::ProbeMysql(config.value().mysql));
  if (!reachable.ok()) return Fail(reachable.error().message);
  shortener::MysqlStore store(config.value().mysql);
  if (command == "migrate") return Migrate(config.value(), args);
  // Connects at its first use: only the commands that change links reach it.
  shortener::MemcachedCache cache(config.value().memcached);
  // The workers of this host that keep redirects in memory (local_cache_ttl) drop a link changed
  // here at once, when this user may map their file (never created here: see HostChanges).
  shortener::HostChanges changes(config.value().local_cache_change_file, /*create=*/false);
  shortener::AdminContext ctx = shortener::AdminContext::Of(config.value(), &store, &cache);
  if (!config.value().local_cache_change_file.empty()) ctx.host_changes = &changes;
  if (command == "user") return shortener::UserCommand(ctx, args, stdin);
  if (command == "apikey") return shortener::ApiKeyCommand(ctx, args);
  if (command == "link") return shortener::LinkCommand(ctx, args);
  if (command == "import") return shortener::ImportCommand(ctx, args, stdin);
  if (command == "export") return shortener::ExportCommand(ctx, args);
  return shortener::PurgeCommand(ctx, args);
}
