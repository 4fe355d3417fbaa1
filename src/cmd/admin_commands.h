// The account and link commands of shortener-admin (admin.cc parses the command line and
// dispatches here). Each returns the process exit status: 0 on success; on failure 1, after one
// line "shortener-admin: <what went wrong>" on stderr.
#ifndef SHORTENER_ADMIN_COMMANDS_H_
#define SHORTENER_ADMIN_COMMANDS_H_

#include <cstdio>
#include <string>
#include <vector>

#include "cmd/config.h"

namespace shortener {

// Usage lines of the commands below, for shortener-admin's help.
extern const char kAdminCommandsUsage[];

// user create USERNAME EMAIL [--admin] | user passwd USERNAME | user list [--limit N]. The password
// is the first line of `in` (never an argument: those show in ps and shell history).
int UserCommand(const Config& config, const std::vector<std::string>& args, std::FILE* in);

// apikey create USERNAME [--name LABEL] (prints the key alone) | apikey list USERNAME |
// apikey revoke ID.
int ApiKeyCommand(const Config& config, const std::vector<std::string>& args);

// link list [--user USERNAME] [--limit N] | link delete SLUG.
int LinkCommand(const Config& config, const std::vector<std::string>& args);

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
