// shortener-admin's user, API key and link commands, on the same store and rules as the API.
#include "cmd/admin_commands.h"

#include <algorithm>
#include <cinttypes>
#include <optional>

#include "base/clock.h"
#include "base/decimal.h"
#include "base/lines.h"
#include "base/terminal_text.h"
#include "domain/account_rules.h"
#include "domain/auth.h"
#include "domain/timefmt.h"
#include "store/mysql_store.h"  // MysqlOptions, for DatabaseWhere

namespace shortener {

const char kAdminCommandsUsage[] =
    "  user create USERNAME EMAIL [--admin]\n"
    "                            add a user; the password is read from stdin (one line)\n"
    "  user passwd USERNAME [--revoke-keys | --keep-keys]\n"
    "                            set a new password (stdin); ends the user's login tokens and\n"
    "                            revokes its API keys (--revoke-keys, the default), or keeps\n"
    "                            the keys with --keep-keys\n"
    "  user list [--limit N]     users, oldest first (default 100): id, created, admin,\n"
    "                            disabled, links\n"
    "  user disable USERNAME     no login, login token or API key of USERNAME works from now\n"
    "                            on, on every instance; its login tokens end; its links keep\n"
    "                            redirecting\n"
    "  user enable USERNAME      undo disable: logins and its API keys work again\n"
    "  user delete USERNAME --yes\n"
    "                            delete USERNAME, its login tokens, API keys and links (their\n"
    "                            redirects stop at once; their slugs are held from everyone\n"
    "                            for freed_slug_hold); without --yes it only says what would go\n"
    "  apikey create USERNAME [--name LABEL]\n"
    "                            make an API key for USERNAME and print it (shown once)\n"
    "  apikey list USERNAME      list USERNAME's keys (never the secret)\n"
    "  apikey revoke ID          revoke key ID at once, on every instance\n"
    "  link list [--user USERNAME] [--limit N]\n"
    "                            newest links first (default 100), of USERNAME if given;\n"
    "                            owners shown by username\n"
    "  link delete SLUG          delete a link; its redirect stops at once, and its slug is\n"
    "                            held from other users for freed_slug_hold\n"
    "  link create URL [--slug SLUG] [--owner USERNAME] [--expires SECONDS|TIME | --permanent]\n"
    "                            make a link under the API's rules (URL rules, blocklist, slug\n"
    "                            rules, max_ttl); SECONDS from now or an ISO 8601 TIME; without\n"
    "                            either it lives v1_default_ttl; no owner: an ownerless link\n"
    "  link stats SLUG [--from YYYY-MM-DD] [--to YYYY-MM-DD]\n"
    "                            the link's visit statistics (UTC days, default the last 30,\n"
    "                            at most 366): totals, days, referrers, countries, devices,\n"
    "                            browsers, OS\n";

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

namespace {

Result<std::string> ReadPassword(std::FILE* in) {
  std::optional<std::string> password = ReadLine(in);
  if (!password) return Error::Validation("password", "no password on stdin");
  Status ok = CheckPassword(*password);
  if (!ok.ok()) return ok.error();
  return *password;
}

int UserCreate(const AdminContext& ctx, const std::vector<std::string>& args, std::FILE* in) {
  const CommandSyntax syntax{
      "user create USERNAME EMAIL [--admin]", {"USERNAME", "EMAIL"}, {}, {"--admin"}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  const std::vector<std::string>& positional = parsed.value().operands;
  const bool admin = parsed.value().Has("--admin");
  for (const Status& check : {CheckUsername(positional[0]), CheckEmail(positional[1])}) {
    if (!check.ok()) return ctx.Fail(check.error().message);
  }
  Result<std::string> password = ReadPassword(in);
  if (!password.ok()) return ctx.Fail(password.error().message);
  PasswordHasher hasher(ctx.config->argon2);
  Result<std::string> hash = hasher.Hash(password.value());
  if (!hash.ok()) return ctx.Fail(hash.error().message);
  NewUser user{positional[0], positional[1], hash.value(), admin, ctx.clock()};
  Result<User> created = ctx.accounts->CreateUser(user);
  if (!created.ok()) return ctx.Fail(created.error().message);
  std::fprintf(ctx.out, "created %suser %" PRIu64 " %s\n", admin ? "admin " : "",
               created.value().id, TerminalSafe(created.value().username).c_str());
  return 0;
}

int UserPasswd(const AdminContext& ctx, const std::vector<std::string>& args, std::FILE* in) {
  const CommandSyntax syntax{"user passwd USERNAME [--revoke-keys | --keep-keys]",
                             {"USERNAME"},
                             {},
                             {"--revoke-keys", "--keep-keys"}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  if (parsed.value().Has("--revoke-keys") && parsed.value().Has("--keep-keys")) {
    return ctx.Usage(syntax.usage, "--revoke-keys and --keep-keys exclude each other");
  }
  // Keys go too unless kept on purpose: whoever learnt the old password could have made one.
  const EndAccess end =
      parsed.value().Has("--keep-keys") ? EndAccess::kLoginTokens : EndAccess::kTokensAndApiKeys;
  Result<User> user = FindUserNamed(ctx.accounts, parsed.value().operands[0]);
  if (!user.ok()) return ctx.Fail(user.error().message);
  Result<std::string> password = ReadPassword(in);
  if (!password.ok()) return ctx.Fail(password.error().message);
  PasswordHasher hasher(ctx.config->argon2);
  Result<std::string> hash = hasher.Hash(password.value());
  if (!hash.ok()) return ctx.Fail(hash.error().message);
  Status set = ctx.accounts->SetPasswordHash(user.value().id, hash.value(), end);
  if (!set.ok()) return ctx.Fail(set.error().message);
  std::fprintf(ctx.out, "password of %s changed; %s\n", TerminalSafe(user.value().username).c_str(),
               end == EndAccess::kTokensAndApiKeys
                   ? "its login tokens and API keys are revoked"
                   : "its login tokens are revoked, and its API keys are kept");
  return 0;
}

int UserList(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{"user list [--limit N]", {}, {"--limit"}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  Result<int> limit = ListLimit(parsed.value());
  if (!limit.ok()) return ctx.Fail(limit.error().message);
  Result<std::vector<UserSummary>> users = ctx.admin->ListUsers(limit.value());
  if (!users.ok()) return ctx.Fail(users.error().message);
  std::fprintf(ctx.out, "%-8s %-20s %-5s %-20s %-8s %-32s %s\n", "ID", "CREATED", "ADMIN",
               "DISABLED", "LINKS", "USERNAME", "EMAIL");
  for (const UserSummary& row : users.value()) {
    std::string disabled = row.user.disabled_at ? FormatIso8601(*row.user.disabled_at) : "no";
    std::fprintf(ctx.out, "%-8" PRIu64 " %-20s %-5s %-20s %-8" PRIu64 " %-32s %s\n", row.user.id,
                 FormatIso8601(row.user.created_at).c_str(), row.user.is_admin ? "yes" : "no",
                 disabled.c_str(), row.links, TerminalSafe(row.user.username).c_str(),
                 TerminalSafe(row.user.email).c_str());
  }
  return 0;
}

// user disable|enable USERNAME.
int UserDisable(const AdminContext& ctx, const std::vector<std::string>& args, bool disable) {
  const CommandSyntax syntax{
      std::string("user ") + (disable ? "disable" : "enable") + " USERNAME", {"USERNAME"}, {}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  Result<User> user = FindUserNamed(ctx.accounts, parsed.value().operands[0]);
  if (!user.ok()) return ctx.Fail(user.error().message);
  std::optional<int64_t> when;
  if (disable) when = ctx.clock();
  Status set = ctx.admin->SetUserDisabled(user.value().id, when);
  if (!set.ok()) return ctx.Fail(set.error().message);
  std::string name = TerminalSafe(user.value().username);
  if (disable) {
    std::fprintf(ctx.out,
                 "disabled user %s: its logins, login tokens (ended) and API keys are refused; its "
                 "links keep redirecting\n",
                 name.c_str());
  } else {
    std::fprintf(ctx.out, "enabled user %s: it can log in again, and its API keys work again\n",
                 name.c_str());
  }
  return 0;
}

int ApiKeyCreate(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{"apikey create USERNAME [--name LABEL]", {"USERNAME"}, {"--name"}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  const std::string name = parsed.value().Value("--name");
  Status name_ok = CheckKeyName(name);
  if (!name_ok.ok()) return ctx.Fail("--name: " + name_ok.error().message);
  Result<User> user = FindUserNamed(ctx.accounts, parsed.value().operands[0]);
  if (!user.ok()) return ctx.Fail(user.error().message);
  std::string key = NewSecret(SecretKind::kApiKey);
  Result<ApiKeyInfo> stored =
      ctx.accounts->AddApiKey(user.value().id, name, SecretDigest(key), ctx.clock());
  if (!stored.ok()) return ctx.Fail(stored.error().message);
  std::fprintf(ctx.out, "%s\n", key.c_str());
  return 0;
}

int ApiKeyList(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{"apikey list USERNAME", {"USERNAME"}, {}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  Result<User> user = FindUserNamed(ctx.accounts, parsed.value().operands[0]);
  if (!user.ok()) return ctx.Fail(user.error().message);
  Result<std::vector<ApiKeyInfo>> keys = ctx.accounts->ListApiKeys(user.value().id);
  if (!keys.ok()) return ctx.Fail(keys.error().message);
  std::fprintf(ctx.out, "%-8s %-20s %-20s %s\n", "ID", "CREATED", "LAST USED", "NAME");
  for (const ApiKeyInfo& key : keys.value()) {
    std::string used = key.last_used_at ? FormatIso8601(*key.last_used_at) : "never";
    std::fprintf(ctx.out, "%-8" PRIu64 " %-20s %-20s %s\n", key.id,
                 FormatIso8601(key.created_at).c_str(), used.c_str(),
                 TerminalSafe(key.name).c_str());
  }
  return 0;
}

int ApiKeyRevoke(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{"apikey revoke ID", {"ID"}, {}, {}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  const std::string& text = parsed.value().operands[0];
  std::optional<uint64_t> id = ParseDecimalIn(text, 1, UINT64_MAX);
  if (!id) {
    return ctx.Fail("ID must be a key's number (apikey list shows them), got '" + text + "'");
  }
  Status deleted = ctx.accounts->DeleteApiKey(std::nullopt, *id);
  if (!deleted.ok()) return ctx.Fail(deleted.error().message);
  std::fprintf(ctx.out, "revoked API key %" PRIu64 "\n", *id);
  return 0;
}

// user delete USERNAME --yes: the user is disabled first, so that nothing it holds can make a
// link while its links are being deleted; a delete cut short is finished by running it again.
int UserDelete(const AdminContext& ctx, const std::vector<std::string>& args) {
  const CommandSyntax syntax{"user delete USERNAME --yes", {"USERNAME"}, {}, {"--yes"}};
  Result<CommandArgs> parsed = ParseCommandArgs(args, syntax);
  if (!parsed.ok()) return ctx.Usage(syntax.usage, parsed.error().message);
  const bool yes = parsed.value().Has("--yes");
  Result<User> user = FindUserNamed(ctx.accounts, parsed.value().operands[0]);
  if (!user.ok()) return ctx.Fail(user.error().message);
  const uint64_t id = user.value().id;
  std::string name = TerminalSafe(user.value().username);
  if (!yes) {
    Result<LinkPage> some = ctx.links->ListLinks(id, std::nullopt, 1);
    if (!some.ok()) return ctx.Fail(some.error().message);
    return ctx.Fail("user delete removes " + name + " with its login tokens, API keys and " +
                    (some.value().links.empty() ? "links (it has none)" : "every link it owns") +
                    "; nothing was deleted: run it again with --yes");
  }
  Status disabled = ctx.admin->SetUserDisabled(id, ctx.clock());
  if (!disabled.ok()) return ctx.Fail(disabled.error().message);
  Result<uint64_t> links = DeleteLinksOf(ctx, id);
  if (!links.ok()) return ctx.Fail(links.error().message + " (run user delete again to finish)");
  Status deleted = ctx.admin->DeleteUser(id);
  if (!deleted.ok()) return ctx.Fail(deleted.error().message);
  // A creation authenticated just before the disable may have committed since: its links go
  // too, so that no link is left with an owner who no longer exists.
  Result<uint64_t> late = DeleteLinksOf(ctx, id);
  if (!late.ok()) return ctx.Fail(late.error().message);
  std::fprintf(ctx.out,
               "deleted user %s with its login tokens, API keys and %" PRIu64
               " links (their slugs are held for freed_slug_hold)\n",
               name.c_str(), links.value() + late.value());
  return 0;
}

}  // namespace

Result<int> ListLimit(const CommandArgs& args) {
  if (!args.Has("--limit")) return kDefaultListLimit;
  std::optional<uint64_t> n = ParseDecimalIn(args.Value("--limit"), 1, kMaxListLimit);
  if (!n) return Error::Validation("--limit", "--limit must be a whole number from 1 to 100000");
  return static_cast<int>(*n);
}

Result<User> FindUserNamed(AccountStore* store, const std::string& username) {
  Result<User> user = store->FindUser(username);
  if (!user.ok() && user.error().code == ErrorCode::kNotFound) {
    return Error::Make(ErrorCode::kNotFound, "no user called '" + username + "'");
  }
  return user;
}

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
  const MysqlOptions& options = config.mysql;
  std::string where;
  for (const ServerAddress& server : options.ServerList()) {
    if (!where.empty()) where += ", ";
    where += server.socket_path.empty() ? server.ToString() : "unix socket " + server.socket_path;
  }
  where += " (user '" + options.user + "', database '" + options.database + "'; settings from ";
  where += config_path.empty() ? "SHORTENER_* variables only, no config file"
                               : config_path + " and SHORTENER_* variables";
  return where + ")";
}

Status CheckDatabase(const Config& config, const std::string& config_path, const Status& probe) {
  if (probe.ok()) return probe;
  return Error::Make(
      probe.error().code,
      "cannot reach MySQL at " + DatabaseWhere(config, config_path) + ": " + probe.error().message);
}

int AdminFail(const std::string& message, std::FILE* err) {
  std::fprintf(err, "shortener-admin: %s\n", TerminalSafe(message).c_str());
  return 1;
}

int AdminContext::Fail(const std::string& message) const { return AdminFail(message, err); }

int AdminUsage(const std::string& usage, const std::string& problem, std::FILE* err) {
  const std::string line = (problem.empty() ? "" : problem + "; ") + "usage: " + usage;
  std::fprintf(err, "shortener-admin: %s\n", TerminalSafe(line).c_str());
  return 2;
}

int AdminContext::Usage(const std::string& usage, const std::string& problem) const {
  return AdminUsage(usage, problem, err);
}

bool CommandArgs::Has(const std::string& option) const {
  return switches.count(option) != 0 || values.count(option) != 0;
}

std::string CommandArgs::Value(const std::string& option, const std::string& fallback) const {
  auto it = values.find(option);
  return it == values.end() ? fallback : it->second;
}

Result<CommandArgs> ParseCommandArgs(const std::vector<std::string>& args,
                                     const CommandSyntax& syntax) {
  auto among = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  CommandArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.compare(0, 2, "--") != 0) {
      if (parsed.operands.size() == syntax.operands.size()) {
        return Error::Validation("", "unexpected argument '" + arg + "'");
      }
      parsed.operands.push_back(arg);
      continue;
    }
    const bool valued = among(syntax.valued, arg);
    if (!valued && !among(syntax.switches, arg)) {
      return Error::Validation("", "unknown option '" + arg + "'");
    }
    if (parsed.Has(arg)) return Error::Validation("", arg + " is given twice");
    if (!valued) {
      parsed.switches.insert(arg);
    } else if (i + 1 < args.size()) {
      parsed.values[arg] = args[++i];
    } else {
      return Error::Validation("", arg + " needs a value");
    }
  }
  if (parsed.operands.size() < syntax.operands.size()) {
    return Error::Validation("", "missing " + syntax.operands[parsed.operands.size()]);
  }
  return parsed;
}

int UserCommand(const AdminContext& ctx, const std::vector<std::string>& args, std::FILE* in) {
  const char kUsage[] = "user create|passwd|list|disable|enable|delete ...";
  if (args.empty()) return ctx.Usage(kUsage);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "create") return UserCreate(ctx, rest, in);
  if (args[0] == "passwd") return UserPasswd(ctx, rest, in);
  if (args[0] == "list") return UserList(ctx, rest);
  if (args[0] == "disable" || args[0] == "enable") {
    return UserDisable(ctx, rest, args[0] == "disable");
  }
  if (args[0] == "delete") return UserDelete(ctx, rest);
  return ctx.Usage(kUsage, "unknown user command '" + args[0] + "'");
}

int ApiKeyCommand(const AdminContext& ctx, const std::vector<std::string>& args) {
  const char kUsage[] = "apikey create|list|revoke ...";
  if (args.empty()) return ctx.Usage(kUsage);
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "create") return ApiKeyCreate(ctx, rest);
  if (args[0] == "list") return ApiKeyList(ctx, rest);
  if (args[0] == "revoke") return ApiKeyRevoke(ctx, rest);
  return ctx.Usage(kUsage, "unknown apikey command '" + args[0] + "'");
}

}  // namespace shortener
