// The account and link commands of shortener-admin (admin.cc parses the command line and
// dispatches here). Each returns the process exit status: 0 on success; on failure 1, after one
// line "shortener-admin: <what went wrong>" on stderr.
#ifndef SHORTENER_ADMIN_COMMANDS_H_
#define SHORTENER_ADMIN_COMMANDS_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cmd/config.h"
#include "domain/cache.h"
#include "store/link_cache.h"
#include "store/mysql_store.h"

namespace shortener {

// Usage lines of the commands below, for shortener-admin's help.
extern const char kAdminCommandsUsage[];

// user create USERNAME EMAIL [--admin] | user passwd USERNAME | user list [--limit N] |
// user disable|enable USERNAME | user delete USERNAME --yes. The password is the first line of
// `in` (never an argument: those show in ps and shell history).
int UserCommand(const Config& config, const std::vector<std::string>& args, std::FILE* in);

// apikey create USERNAME [--name LABEL] (prints the key alone) | apikey list USERNAME |
// apikey revoke ID.
int ApiKeyCommand(const Config& config, const std::vector<std::string>& args);

// link list [--user USERNAME] [--limit N] | link delete SLUG |
// link create URL [--slug S] [--owner USERNAME] [--expires SECONDS|TIME | --permanent] |
// link stats SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD] (admin_links.cc).
int LinkCommand(const Config& config, const std::vector<std::string>& args);

// Shared by the command files (admin_commands.cc, admin_links.cc).
inline constexpr int kDefaultListLimit = 100;
inline constexpr int kMaxListLimit = 100000;
// The user called `username`; kNotFound with a message naming it.
Result<User> FindUserNamed(MysqlStore* store, const std::string& username);
// The workers' redirect cache protocol on `cache` (borrowed), to fence the slugs a command
// changes or deletes so that no worker answers from an old entry.
LinkCache AdminLinkCache(const Config& config, Cache* cache);
// Deletes every link user `user_id` owns, each as `link delete` does (its redirect stops at
// once, its slug is held for freed_slug_hold), and returns how many went.
Result<uint64_t> DeleteLinksOf(const Config& config, MysqlStore* store, uint64_t user_id);
// The first line of `in`, without its line ending (LF or CRLF); nullopt at end of input.
std::optional<std::string> ReadLine(std::FILE* in);

// The message line every command failure prints; returns 1.
int AdminFail(const std::string& message);

// The lines of `usage` (shortener-admin's help) about `command`: those starting with
// "  COMMAND " and the indented lines continuing them. Pure.
std::string CommandUsage(const std::string& usage, const std::string& command);

// Where `config` looks for MySQL, for messages: "unix socket PATH" or "HOST:PORT", the user and
// the database, and which file (or none) the settings came from.
std::string DatabaseWhere(const Config& config, const std::string& config_path);

// Ok when MySQL answers with `config`'s settings; else an error naming DatabaseWhere.
Status CheckDatabase(const Config& config, const std::string& config_path);

}  // namespace shortener

#endif  // SHORTENER_ADMIN_COMMANDS_H_
