// The account and link commands of shortener-admin (admin.cc parses the command line and
// dispatches here). Each returns the process exit status: 0 on success; on failure 1, after one
// line "shortener-admin: <what went wrong>" on stderr; for a usage error (the shape of the command
// line: an unknown command or option, an option without its value or given twice, options that
// exclude each other, an argument missing or one too many) 2, after one line
// "shortener-admin: <problem>; usage: <the command's usage>". A value of the wrong form or out of
// range (`--limit 0`, a bad email) is a failure (1), worded by the rule it breaks.
#ifndef SHORTENER_ADMIN_COMMANDS_H_
#define SHORTENER_ADMIN_COMMANDS_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/host_changes.h"
#include "cmd/config.h"
#include "domain/admin_store.h"
#include "domain/cache.h"
#include "domain/link_stats.h"
#include "domain/link_transfer.h"
#include "domain/store.h"
#include "store/link_cache.h"

namespace shortener {

// What the commands work on, all borrowed. shortener-admin fills it with one MysqlStore (every
// store interface) and one MemcachedCache (the workers' redirect cache); the unit tests with
// fakes.
struct AdminContext {
  const Config* config = nullptr;
  LinkStore* links = nullptr;
  AccountStore* accounts = nullptr;
  AdminStore* admin = nullptr;
  StatsStore* stats = nullptr;
  LinkTransfer* transfer = nullptr;
  Cache* cache = nullptr;
  // The host's link change counters, bumped by every link change (null: none).
  HostChanges* host_changes = nullptr;
  Clock clock = SystemClock;
  std::FILE* out = stdout;  // what a command prints
  std::FILE* err = stderr;  // AdminFail's line

  // AdminFail on err.
  int Fail(const std::string& message) const;
  // AdminUsage on err.
  int Usage(const std::string& usage, const std::string& problem = "") const;

  // A context on `config` whose every store is `stores`, one object implementing them all (as
  // MysqlStore does), and whose cache is `cache`.
  template <typename Stores>
  static AdminContext Of(const Config& config, Stores* stores, Cache* cache) {
    AdminContext ctx;
    ctx.config = &config;
    ctx.links = stores;
    ctx.accounts = stores;
    ctx.admin = stores;
    ctx.stats = stores;
    ctx.transfer = stores;
    ctx.cache = cache;
    return ctx;
  }
};

// Usage lines of the commands below, for shortener-admin's help.
extern const char kAdminCommandsUsage[];

// user create USERNAME EMAIL [--admin] | user passwd USERNAME | user list [--limit N] |
// user disable|enable USERNAME | user delete USERNAME --yes. The password is the first line of
// `in` (never an argument: those show in ps and shell history).
int UserCommand(const AdminContext& ctx, const std::vector<std::string>& args, std::FILE* in);

// apikey create USERNAME [--name LABEL] (prints the key alone) | apikey list USERNAME |
// apikey revoke ID.
int ApiKeyCommand(const AdminContext& ctx, const std::vector<std::string>& args);

// link list [--user USERNAME] [--limit N] | link delete SLUG |
// link create URL [--slug S] [--owner USERNAME] [--expires SECONDS|TIME | --permanent] |
// link stats SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD] (admin_links.cc).
int LinkCommand(const AdminContext& ctx, const std::vector<std::string>& args);

// purge-expired [--batch N]: expired links, expired login tokens, slug holds older than
// freed_slug_hold and idempotency keys older than kIdempotencyKeyLifetime, each deleted in
// batches of N (1 to 100000, default 1000) until a batch comes back short (admin_purge.cc).
int PurgeCommand(const AdminContext& ctx, const std::vector<std::string>& args);

// Shared by the command files (admin_commands.cc, admin_links.cc).
inline constexpr int kDefaultListLimit = 100;
inline constexpr int kMaxListLimit = 100000;
// The user called `username`; kNotFound with a message naming it.
Result<User> FindUserNamed(AccountStore* store, const std::string& username);
// The workers' redirect cache protocol on ctx.cache, to fence the slugs a command
// changes or deletes so that no worker answers from an old entry.
LinkCache AdminLinkCache(const AdminContext& ctx);
// Deletes every link user `user_id` owns, each as `link delete` does (its redirect stops at
// once, its slug is held for freed_slug_hold), and returns how many went.
Result<uint64_t> DeleteLinksOf(const AdminContext& ctx, uint64_t user_id);

// Deletes `link` as `link delete` does: its change marker first (LinkCache::MarkChanged), and
// nothing deleted (kUnavailable, saying so) when no cache server took it, since the workers'
// cached entry would go on redirecting; then the row; then the marker again.
Status DeleteFenced(const AdminContext& ctx, LinkCache& cache, const Link& link);
// The first line of `in`, without its line ending (LF or CRLF); nullopt at end of input.
std::optional<std::string> ReadLine(std::FILE* in);

// The message line every command failure prints (on `err`); returns 1.
int AdminFail(const std::string& message, std::FILE* err = stderr);

// The line every usage error of a command prints (on `err`): "shortener-admin: PROBLEM; usage:
// USAGE", or without "PROBLEM; " when `problem` is empty. Returns 2.
int AdminUsage(const std::string& usage, const std::string& problem = "", std::FILE* err = stderr);

// What a command takes, for ParseCommandArgs.
struct CommandSyntax {
  std::string usage;                  // its usage line, "link stats SLUG [--from ...]"
  std::vector<std::string> operands;  // names of its positional arguments, all required
  std::vector<std::string> valued;    // options taking the next argument as value: "--limit"
  std::vector<std::string> switches;  // options taking none: "--dry-run"
};

// A command's arguments as ParseCommandArgs split them.
struct CommandArgs {
  std::map<std::string, std::string> values;  // by option name, "--limit" -> "5"
  std::set<std::string> switches;             // those given
  std::vector<std::string> operands;          // as many as the syntax names, in order

  bool Has(const std::string& option) const;
  // The value of valued option `option`, or `fallback` when it was not given.
  std::string Value(const std::string& option, const std::string& fallback = "") const;
};

// Splits `args` by `syntax`: an argument starting with "--" is an option (a valued one takes the
// next argument, whatever it is), anything else an operand. Errors (kValidation, the message
// the problem alone, for AdminUsage): "unknown option '--x'", "--limit needs a value", "--limit
// is given twice" (the later one would silently win), "missing SLUG", "unexpected argument 'x'".
Result<CommandArgs> ParseCommandArgs(const std::vector<std::string>& args,
                                     const CommandSyntax& syntax);

// The --limit of a listing (user list, link list): kDefaultListLimit when not given; kValidation
// outside 1 to kMaxListLimit.
Result<int> ListLimit(const CommandArgs& args);

// The lines of `usage` (shortener-admin's help) about `command`: those starting with
// "  COMMAND " and the indented lines continuing them. Pure.
std::string CommandUsage(const std::string& usage, const std::string& command);

// Where `config` looks for MySQL, for messages: "unix socket PATH" or "HOST:PORT", the user and
// the database, and which file (or none) the settings came from.
std::string DatabaseWhere(const Config& config, const std::string& config_path);

// Ok when `probe` is: what asking MySQL on `config`'s settings gave (ProbeMysql, whose error
// says why the server refused). Else its error, with DatabaseWhere in front:
// "cannot reach MySQL at WHERE: error 1045 (28000): Access denied for user ...".
Status CheckDatabase(const Config& config, const std::string& config_path, const Status& probe);

}  // namespace shortener

#endif  // SHORTENER_ADMIN_COMMANDS_H_
