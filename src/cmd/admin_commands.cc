// shortener-admin's user, API key and link commands, on the same store and rules as the API.
#include "cmd/admin_commands.h"

#include <cinttypes>
#include <map>
#include <optional>

#include "base/clock.h"
#include "base/decimal.h"
#include "base/lines.h"
#include "base/terminal_text.h"
#include "domain/account_rules.h"
#include "domain/auth.h"
#include "domain/timefmt.h"
#include "store/link_cache.h"
#include "store/memcached_cache.h"
#include "store/mysql_store.h"

namespace shortener {

const char kAdminCommandsUsage[] =
    "  user create USERNAME EMAIL [--admin]\n"
    "                            add a user; the password is read from stdin (one line)\n"
    "  user passwd USERNAME [--keep-keys]\n"
    "                            set a new password (stdin); ends the user's login tokens and\n"
    "                            revokes its API keys (--revoke-keys, the default), or keeps\n"
    "                            the keys with --keep-keys\n"
    "  user list [--limit N]     users, oldest first (default 100): id, created, admin, links\n"
    "  apikey create USERNAME [--name LABEL]\n"
    "                            make an API key for USERNAME and print it (shown once)\n"
    "  apikey list USERNAME      list USERNAME's keys (never the secret)\n"
    "  apikey revoke ID          revoke key ID at once, on every instance\n"
    "  link list [--user USERNAME] [--limit N]\n"
    "                            newest links first (default 100), of USERNAME if given;\n"
    "                            owners shown by username\n"
    "  link delete SLUG          delete a link; its redirect stops at once, and its slug is\n"
    "                            held from other users for freed_slug_hold\n";

namespace {

constexpr int kDefaultListLimit = 100;
constexpr int kMaxListLimit = 100000;

// The first line of `in`, without its line ending; nullopt at end of input.
std::optional<std::string> ReadLine(std::FILE* in) {
  std::string line;
  int c;
  bool any = false;
  while ((c = std::fgetc(in)) != EOF) {
    any = true;
    if (c == '\n') break;
    line.push_back(static_cast<char>(c));
  }
  if (!any) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<User> FindUserNamed(MysqlStore* store, const std::string& username) {
  Result<User> user = store->FindUser(username);
  if (!user.ok() && user.error().code == ErrorCode::kNotFound) {
    return Error::Make(ErrorCode::kNotFound, "no user called '" + username + "'");
  }
  return user;
}

Result<std::string> ReadPassword(std::FILE* in) {
  std::optional<std::string> password = ReadLine(in);
  if (!password) return Error::Validation("password", "no password on stdin");
  Status ok = CheckPassword(*password);
  if (!ok.ok()) return ok.error();
  return *password;
}

int UserCreate(const Config& config, const std::vector<std::string>& args, std::FILE* in) {
  std::vector<std::string> positional;
  bool admin = false;
  for (const std::string& arg : args) {
    if (arg == "--admin") {
      admin = true;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) return AdminFail("usage: user create USERNAME EMAIL [--admin]");
  for (const Status& check : {CheckUsername(positional[0]), CheckEmail(positional[1])}) {
    if (!check.ok()) return AdminFail(check.error().message);
  }
  Result<std::string> password = ReadPassword(in);
  if (!password.ok()) return AdminFail(password.error().message);
  PasswordHasher hasher(config.argon2);
  Result<std::string> hash = hasher.Hash(password.value());
  if (!hash.ok()) return AdminFail(hash.error().message);
  MysqlStore store(config.mysql);
  NewUser user{positional[0], positional[1], hash.value(), admin, SystemClock()};
  Result<User> created = store.CreateUser(user);
  if (!created.ok()) return AdminFail(created.error().message);
  std::printf("created %suser %" PRIu64 " %s\n", admin ? "admin " : "", created.value().id,
              TerminalSafe(created.value().username).c_str());
  return 0;
}

int UserPasswd(const Config& config, const std::vector<std::string>& args, std::FILE* in) {
  std::vector<std::string> positional;
  // Keys go too unless kept on purpose: whoever learnt the old password could have made one.
  EndAccess end = EndAccess::kTokensAndApiKeys;
  for (const std::string& arg : args) {
    if (arg == "--revoke-keys") {
      end = EndAccess::kTokensAndApiKeys;
    } else if (arg == "--keep-keys") {
      end = EndAccess::kLoginTokens;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1) {
    return AdminFail("usage: user passwd USERNAME [--revoke-keys | --keep-keys]");
  }
  MysqlStore store(config.mysql);
  Result<User> user = FindUserNamed(&store, positional[0]);
  if (!user.ok()) return AdminFail(user.error().message);
  Result<std::string> password = ReadPassword(in);
  if (!password.ok()) return AdminFail(password.error().message);
  PasswordHasher hasher(config.argon2);
  Result<std::string> hash = hasher.Hash(password.value());
  if (!hash.ok()) return AdminFail(hash.error().message);
  Status set = store.SetPasswordHash(user.value().id, hash.value(), end);
  if (!set.ok()) return AdminFail(set.error().message);
  std::printf(
      "password of %s changed; its login tokens are revoked%s\n",
      TerminalSafe(user.value().username).c_str(),
      end == EndAccess::kTokensAndApiKeys ? ", and its API keys" : "; its API keys are kept");
  return 0;
}

int UserList(const Config& config, const std::vector<std::string>& args) {
  int limit = kDefaultListLimit;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--limit" && i + 1 < args.size()) {
      std::optional<uint64_t> n = ParseDecimalIn(args[++i], 1, kMaxListLimit);
      if (!n) return AdminFail("--limit must be a whole number from 1 to 100000");
      limit = static_cast<int>(*n);
    } else {
      return AdminFail("usage: user list [--limit N]");
    }
  }
  MysqlStore store(config.mysql);
  Result<std::vector<UserSummary>> users = store.ListUsers(limit);
  if (!users.ok()) return AdminFail(users.error().message);
  std::printf("%-8s %-20s %-5s %-8s %-32s %s\n", "ID", "CREATED", "ADMIN", "LINKS", "USERNAME",
              "EMAIL");
  for (const UserSummary& row : users.value()) {
    std::printf("%-8" PRIu64 " %-20s %-5s %-8" PRIu64 " %-32s %s\n", row.user.id,
                FormatIso8601(row.user.created_at).c_str(), row.user.is_admin ? "yes" : "no",
                row.links, TerminalSafe(row.user.username).c_str(),
                TerminalSafe(row.user.email).c_str());
  }
  return 0;
}

}  // namespace

std::string CommandUsage(const std::string& usage, const std::string& command) {
  std::string out;
  bool in_command = false;
  for (std::string_view line : SplitLines(usage)) {
    if (line.substr(0, 2) != "  ") {
      in_command = false;
      continue;
    }
    bool continuation = line.size() > 3 && line[2] == ' ';
    if (!continuation) {
      in_command =
          line.compare(2, command.size() + 1, command + " ") == 0 || line.substr(2) == command;
    }
    if (in_command) out.append(line).append("\n");
  }
  return out.empty() ? out : "usage: shortener-admin [--config FILE] COMMAND [ARGS]\n" + out;
}

std::string DatabaseWhere(const Config& config, const std::string& config_path) {
  MysqlOptions options = config.mysql;
  std::string where = options.socket.empty() ? options.host + ":" + std::to_string(options.port)
                                             : "unix socket " + options.socket;
  where += " (user '" + options.user + "', database '" + options.database + "'; settings from ";
  where += config_path.empty() ? "SHORTENER_* variables only, no config file"
                               : config_path + " and SHORTENER_* variables";
  return where + ")";
}

Status CheckDatabase(const Config& config, const std::string& config_path) {
  MysqlStore store(config.mysql);
  Status ping = store.Ping();
  if (ping.ok()) return ping;
  return Error::Make(
      ping.error().code,
      "cannot reach MySQL at " + DatabaseWhere(config, config_path) + ": " + ping.error().message);
}

int AdminFail(const std::string& message) {
  std::fprintf(stderr, "shortener-admin: %s\n", TerminalSafe(message).c_str());
  return 1;
}

int UserCommand(const Config& config, const std::vector<std::string>& args, std::FILE* in) {
  if (args.empty()) return AdminFail("usage: user create|passwd|list ...");
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "create") return UserCreate(config, rest, in);
  if (args[0] == "passwd") return UserPasswd(config, rest, in);
  if (args[0] == "list") return UserList(config, rest);
  return AdminFail("unknown user command '" + args[0] + "'");
}

int ApiKeyCommand(const Config& config, const std::vector<std::string>& args) {
  if (args.empty()) return AdminFail("usage: apikey create|list|revoke ...");
  MysqlStore store(config.mysql);
  if (args[0] == "create") {
    std::string name;
    std::vector<std::string> positional;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--name" && i + 1 < args.size()) {
        name = args[++i];
      } else {
        positional.push_back(args[i]);
      }
    }
    if (positional.size() != 1) return AdminFail("usage: apikey create USERNAME [--name LABEL]");
    Status name_ok = CheckKeyName(name);
    if (!name_ok.ok()) return AdminFail("--name: " + name_ok.error().message);
    Result<User> user = FindUserNamed(&store, positional[0]);
    if (!user.ok()) return AdminFail(user.error().message);
    std::string key = NewSecret(SecretKind::kApiKey);
    Result<ApiKeyInfo> stored =
        store.AddApiKey(user.value().id, name, SecretDigest(key), SystemClock());
    if (!stored.ok()) return AdminFail(stored.error().message);
    std::printf("%s\n", key.c_str());
    return 0;
  }
  if (args[0] == "list") {
    if (args.size() != 2) return AdminFail("usage: apikey list USERNAME");
    Result<User> user = FindUserNamed(&store, args[1]);
    if (!user.ok()) return AdminFail(user.error().message);
    Result<std::vector<ApiKeyInfo>> keys = store.ListApiKeys(user.value().id);
    if (!keys.ok()) return AdminFail(keys.error().message);
    std::printf("%-8s %-20s %-20s %s\n", "ID", "CREATED", "LAST USED", "NAME");
    for (const ApiKeyInfo& key : keys.value()) {
      std::string used = key.last_used_at ? FormatIso8601(*key.last_used_at) : "never";
      std::printf("%-8" PRIu64 " %-20s %-20s %s\n", key.id, FormatIso8601(key.created_at).c_str(),
                  used.c_str(), TerminalSafe(key.name).c_str());
    }
    return 0;
  }
  if (args[0] == "revoke") {
    std::optional<uint64_t> id =
        args.size() == 2 ? ParseDecimalIn(args[1], 1, UINT64_MAX) : std::nullopt;
    if (!id) return AdminFail("usage: apikey revoke ID");
    Status deleted = store.DeleteApiKey(std::nullopt, *id);
    if (!deleted.ok()) return AdminFail(deleted.error().message);
    std::printf("revoked API key %" PRIu64 "\n", *id);
    return 0;
  }
  return AdminFail("unknown apikey command '" + args[0] + "'");
}

int LinkCommand(const Config& config, const std::vector<std::string>& args) {
  if (args.empty()) return AdminFail("usage: link list|delete ...");
  MysqlStore store(config.mysql);
  if (args[0] == "list") {
    std::optional<std::string> username;
    int limit = kDefaultListLimit;
    for (size_t i = 1; i < args.size(); ++i) {
      if (args[i] == "--user" && i + 1 < args.size()) {
        username = args[++i];
      } else if (args[i] == "--limit" && i + 1 < args.size()) {
        std::optional<uint64_t> n = ParseDecimalIn(args[++i], 1, kMaxListLimit);
        if (!n) return AdminFail("--limit must be a whole number from 1 to 100000");
        limit = static_cast<int>(*n);
      } else {
        return AdminFail("usage: link list [--user USERNAME] [--limit N]");
      }
    }
    std::optional<uint64_t> owner;
    if (username) {
      Result<User> user = FindUserNamed(&store, *username);
      if (!user.ok()) return AdminFail(user.error().message);
      owner = user.value().id;
    }
    Result<LinkPage> page = store.ListLinks(owner, std::nullopt, limit);
    if (!page.ok()) return AdminFail(page.error().message);
    std::vector<uint64_t> owner_ids;
    for (const Link& link : page.value().links) {
      if (link.owner_id) owner_ids.push_back(*link.owner_id);
    }
    Result<std::map<uint64_t, std::string>> names = store.Usernames(owner_ids);
    if (!names.ok()) return AdminFail(names.error().message);
    std::printf("%-16s %-16s %-20s %-8s %s\n", "SLUG", "OWNER", "EXPIRES", "CLICKS", "URL");
    for (const Link& link : page.value().links) {
      std::string owner_text = "-";
      if (link.owner_id) {
        auto name = names.value().find(*link.owner_id);
        owner_text =
            name != names.value().end() ? name->second : "#" + std::to_string(*link.owner_id);
      }
      std::string expires = link.expires_at ? FormatIso8601(*link.expires_at) : "never";
      std::printf("%-16s %-16s %-20s %-8" PRIu64 " %s\n", TerminalSafe(link.slug).c_str(),
                  TerminalSafe(owner_text).c_str(), expires.c_str(), link.clicks,
                  TerminalSafe(link.url).c_str());
    }
    return 0;
  }
  if (args[0] == "delete") {
    if (args.size() != 2) return AdminFail("usage: link delete SLUG");
    Result<Link> link = store.FindLink(args[1]);
    if (!link.ok()) {
      return AdminFail(link.error().code == ErrorCode::kNotFound
                           ? "no link with slug '" + args[1] + "'"
                           : link.error().message);
    }
    Status deleted = store.DeleteLink(link.value().id, SystemClock());
    if (!deleted.ok()) return AdminFail(deleted.error().message);
    MemcachedCache cache(config.memcached);
    LinkCache(&cache, LinkCache::Options{config.links.cache_secret, config.links.cache_ttl,
                                         config.links.negative_cache_ttl})
        .MarkChanged(args[1]);
    std::printf("deleted link %s\n", TerminalSafe(args[1]).c_str());
    return 0;
  }
  return AdminFail("unknown link command '" + args[0] + "'");
}

}  // namespace shortener
