// The key table, the INI and environment readers, and the checks across keys.
#include "cmd/config.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <utility>

#include "base/ascii.h"
#include "base/decimal.h"
#include "base/file.h"
#include "base/lines.h"
#include "base/server_address.h"
#include "domain/host_literal.h"
#include "domain/url_check.h"

// POSIX defines it, but no header has to declare it.
extern char** environ;

namespace shortener {

namespace {

constexpr char kEnvPrefix[] = "SHORTENER_";
// Names the config file, so it is no key even though it has the prefix.
constexpr char kConfigPathVariable[] = "SHORTENER_CONFIG";
// The largest max_ttl: a hundred years, far beyond any sensible link yet far from overflowing
// the int64 second arithmetic of expiry times.
constexpr int64_t kLongestTtl = 3153600000;
constexpr size_t kMinSecretBytes = 16;
constexpr char kSecretHint[] = "generate one with `head -c 32 /dev/urandom | base64`";

// A parse failure before its location is known; the caller adds where and which key.
Error Invalid(std::string problem) { return Error::Validation("", std::move(problem)); }

// `text` in single quotes for a message: bytes that could garble a terminal are escaped and a
// long value is cut, since messages end up in logs.
std::string Quoted(std::string_view text) {
  constexpr size_t kShown = 64;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kShown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > kShown) out += "...";
  return out + "'";
}

bool IsControl(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool HasControl(std::string_view text) {
  for (char c : text) {
    if (IsControl(c)) return true;
  }
  return false;
}

bool HasSpaceOrControl(std::string_view text) {
  for (char c : text) {
    if (c == ' ' || IsControl(c)) return true;
  }
  return false;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Where a key's value lives in Config: a field of its own, or a field of a component's option
// struct (Bind below).
template <typename T>
class Field {
 public:
  explicit Field(std::function<T&(Config&)> at) : at_(std::move(at)) {}
  T& operator()(Config& config) const { return at_(config); }
  // Reading only: the same accessor serves both.
  const T& operator()(const Config& config) const { return at_(const_cast<Config&>(config)); }

 private:
  std::function<T&(Config&)> at_;
};

template <typename T>
Field<T> Bind(T Config::*field) {
  return Field<T>([field](Config& config) -> T& { return config.*field; });
}

template <typename Part, typename T>
Field<T> Bind(Part Config::*part, T Part::*field) {
  return Field<T>([part, field](Config& config) -> T& { return (config.*part).*field; });
}

// One config key: everything the file, the environment, --check-config and the docs need. Its
// default is what `show` says of Config{}.
struct Key {
  const char* name;
  const char* doc;
  // Shown by DescribeConfig only as set or empty.
  bool secret;
  // Checks `text` and stores it into this key's field of `config`. On failure returns what is
  // wrong with `text`, without saying where it came from.
  std::function<Status(const std::string& text, Config* config)> parse;
  // The field's value in the form parse accepts.
  std::function<std::string(const Config& config)> show;
};

// A key holding a whole number of `unit` (empty: a plain number) from `min` to `max`.
template <typename T>
Key Number(const char* name, const char* doc, Field<T> field, uint64_t min, uint64_t max,
           const char* unit) {
  std::string of_unit = *unit ? std::string(" of ") + unit : "";
  std::string range = "must be from " + std::to_string(min) + " to " + std::to_string(max) +
                      (*unit ? std::string(" ") + unit : "");
  auto parse = [=](const std::string& text, Config* config) -> Status {
    std::optional<uint64_t> value = ParseDecimal(text);
    if (!value) return Invalid("expected a whole number" + of_unit + ", got " + Quoted(text));
    if (*value < min || *value > max) return Invalid(range + ", got " + Quoted(text));
    field(*config) = static_cast<T>(*value);
    return Status::Ok();
  };
  auto show = [field](const Config& config) { return std::to_string(field(config)); };
  return Key{name, doc, false, parse, show};
}

// Checks a string value, possibly normalising it in place.
using TextCheck = Status (*)(std::string* value);

// A key holding a string that `check` accepts.
Key Text(const char* name, const char* doc, Field<std::string> field, TextCheck check,
         bool secret = false) {
  auto parse = [field, check](const std::string& text, Config* config) -> Status {
    std::string value = text;
    RETURN_IF_ERROR(check(&value));
    field(*config) = std::move(value);
    return Status::Ok();
  };
  auto show = [field](const Config& config) { return field(config); };
  return Key{name, doc, secret, parse, show};
}

Status AnyText(std::string*) { return Status::Ok(); }

// The host[:port] of a base URL that passed CheckBaseUrl's other checks: `url` from `scheme`
// bytes on. Refuses a port outside 1 to 65535 (uriparser takes any digits, and no client could
// follow such a short URL) and a host UrlHost cannot read, which LinkSettingsOf would otherwise
// refuse at start without naming the file and line.
Status CheckBaseAuthority(const std::string& url, size_t scheme) {
  std::string_view authority = std::string_view(url).substr(scheme);
  const size_t colon = authority.rfind(':');
  // A colon inside "[...]" belongs to an IPv6 address, not to a port.
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    if (!ParseDecimalIn(authority.substr(colon + 1), 1, 65535)) {
      return Invalid("port must be from 1 to 65535, got " + Quoted(url));
    }
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return Invalid("has no host, got " + Quoted(url));
  if (!UrlHost(url, "public_base_url").ok()) {
    return Invalid("must name its host as a DNS name (in punycode) or an IP address, got " +
                   Quoted(url));
  }
  return Status::Ok();
}

Status CheckBaseUrl(std::string* url) {
  size_t scheme = StartsWith(*url, "https://") ? 8 : StartsWith(*url, "http://") ? 7 : 0;
  if (scheme == 0) return Invalid("must start with http:// or https://, got " + Quoted(*url));
  // Before any message quotes the value, which would print the password.
  const size_t authority_end = url->find_first_of("/?#", scheme);
  if (url->substr(scheme, authority_end - scheme).find('@') != std::string::npos) {
    return Invalid(
        "must not hold a user name or password (user:password@): every short URL would carry "
        "them");
  }
  for (char c : *url) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      return Invalid(
          "must not hold whitespace, control characters or raw non-ASCII bytes (hosts go in "
          "punycode, paths percent-encoded), got " +
          Quoted(*url));
    }
  }
  // Short URLs are made by appending "/r/<slug>", which a query or fragment would swallow.
  if (url->find_first_of("?#") != std::string::npos) {
    return Invalid("must not have a query or fragment, got " + Quoted(*url));
  }
  while (!url->empty() && url->back() == '/') url->pop_back();
  if (url->size() <= scheme) return Invalid("has no host, got " + Quoted(*url));
  // Routes match the path from its root, so short URLs under a path prefix would all 404.
  if (url->find('/', scheme) != std::string::npos) {
    return Invalid("must be scheme://host[:port] without a path, got " + Quoted(*url));
  }
  return CheckBaseAuthority(*url, scheme);
}

Status CheckAlphabet(std::string* alphabet) {
  Status usable = CheckSlugAlphabet(*alphabet);
  if (!usable.ok()) return Invalid(usable.error().message);
  return Status::Ok();
}

// Empty is allowed here so that a source may leave the secret to a later one; the checks after
// all sources insist on it.
Status CheckSecret(std::string* secret) {
  if (!secret->empty() && secret->size() < kMinSecretBytes) {
    return Invalid("must be at least " + std::to_string(kMinSecretBytes) + " bytes, got " +
                   std::to_string(secret->size()) + "; " + kSecretHint);
  }
  return Status::Ok();
}

Status CheckAbsolutePath(std::string* path) {
  if (path->empty()) return Status::Ok();
  // A relative path would depend on the directory each worker happens to start in.
  if ((*path)[0] != '/' || HasControl(*path)) {
    return Invalid("must be empty or an absolute path, got " + Quoted(*path));
  }
  return Status::Ok();
}

// signup: "open" or "closed", kept as AccountSettings::signup_open.
Status ParseSignup(const std::string& text, Config* config) {
  if (text != "open" && text != "closed") {
    return Invalid("expected open or closed, got " + Quoted(text));
  }
  config->accounts.signup_open = text == "open";
  return Status::Ok();
}

std::string ShowSignup(const Config& config) {
  return config.accounts.signup_open ? "open" : "closed";
}

Status CheckHost(std::string* host) {
  if (host->empty() || HasSpaceOrControl(*host)) {
    return Invalid("must be a host name or address, got " + Quoted(*host));
  }
  return Status::Ok();
}

Status CheckUser(std::string* user) {
  if (user->empty() || HasControl(*user)) {
    return Invalid("must be a non-empty name without control characters, got " + Quoted(*user));
  }
  return Status::Ok();
}

Status CheckDatabaseName(std::string* name) {
  bool ok = !name->empty() && name->size() <= 64;
  for (char c : *name) ok = ok && (IsAsciiAlnum(c) || c == '_');
  if (!ok) return Invalid("must be 1 to 64 characters of [A-Za-z0-9_], got " + Quoted(*name));
  return Status::Ok();
}

// One entry of mysql_servers or memcached_servers, the entry quoted in the message.
Result<ServerAddress> ParseServerEntry(std::string_view item) {
  Result<ServerAddress> parsed = ParseServerAddress(item);
  if (!parsed.ok()) return Invalid(parsed.error().message + ", got " + Quoted(item));
  return parsed;
}

// Parses every comma-separated item of `text` (trimmed; empty text: none) with `parse`.
template <typename T>
Result<std::vector<T>> ParseList(const std::string& text,
                                 const std::function<Result<T>(std::string_view item)>& parse) {
  std::vector<T> items;
  if (TrimBlanks(text).empty()) return items;
  std::string_view rest = text;
  while (true) {
    size_t comma = rest.find(',');
    std::string_view item = TrimBlanks(rest.substr(0, comma));
    if (item.empty()) return Invalid("has an empty entry");
    Result<T> parsed = parse(item);
    if (!parsed.ok()) return parsed.error();
    items.push_back(std::move(parsed).value());
    if (comma == std::string_view::npos) break;
    rest = rest.substr(comma + 1);
  }
  return items;
}

// A key listing servers (host:port or socket path, comma-separated, order kept).
Key Servers(const char* name, const char* doc, Field<std::vector<ServerAddress>> field) {
  auto parse = [field](const std::string& text, Config* config) -> Status {
    Result<std::vector<ServerAddress>> servers = ParseList<ServerAddress>(text, ParseServerEntry);
    if (!servers.ok()) return servers.error();
    field(*config) = std::move(servers).value();
    return Status::Ok();
  };
  auto show = [field](const Config& config) {
    std::string out;
    for (const ServerAddress& server : field(config)) {
      if (!out.empty()) out += ",";
      out += server.ToString();
    }
    return out;
  };
  return Key{name, doc, false, parse, show};
}

// The longest rate-limit window: memcached takes a longer expiry as an absolute time.
constexpr int64_t kLongestRateWindow = 30 * 24 * 3600;
constexpr int64_t kMostRequestsPerWindow = 1000000;

// A RateLimit key, written "count/seconds".
Key Rate(const char* name, const char* doc, Field<RateLimit> field) {
  auto parse = [field](const std::string& text, Config* config) -> Status {
    const size_t slash = text.find('/');
    std::optional<uint64_t> count = ParseDecimal(std::string_view(text).substr(0, slash));
    std::optional<uint64_t> seconds = slash == std::string::npos
                                          ? std::nullopt
                                          : ParseDecimal(std::string_view(text).substr(slash + 1));
    if (!count || !seconds) {
      return Invalid("expected count/seconds (60/60 is 60 requests a minute), got " + Quoted(text));
    }
    if (*count < 1 || *count > static_cast<uint64_t>(kMostRequestsPerWindow) || *seconds < 1 ||
        *seconds > static_cast<uint64_t>(kLongestRateWindow)) {
      return Invalid("count must be from 1 to " + std::to_string(kMostRequestsPerWindow) +
                     " and seconds from 1 to " + std::to_string(kLongestRateWindow) + ", got " +
                     Quoted(text));
    }
    field(*config) = RateLimit{static_cast<int64_t>(*count), static_cast<int64_t>(*seconds)};
    return Status::Ok();
  };
  auto show = [field](const Config& config) {
    return std::to_string(field(config).count) + "/" + std::to_string(field(config).seconds);
  };
  return Key{name, doc, false, parse, show};
}

// One entry of alias_hosts: a host name (ASCII, punycode for IDNs) or an IP address, no port.
Result<std::string> ParseAliasHost(std::string_view item) {
  Error bad =
      Invalid("expected a host name or IP address without port or scheme, got " + Quoted(item));
  for (char c : item) {
    if (!IsAsciiAlnum(c) && std::string_view(".-_:[]").find(c) == std::string_view::npos) {
      return bad;
    }
  }
  std::optional<std::string> canonical = CanonicalHost(item);
  if (!canonical || canonical->empty() || canonical->find("..") != std::string::npos ||
      canonical->front() == '.' ||
      (item.find(':') == std::string_view::npos && item.find('[') != std::string_view::npos)) {
    return bad;
  }
  return *canonical;
}

Status ParseAliasHosts(const std::string& text, Config* config) {
  Result<std::vector<std::string>> hosts = ParseList<std::string>(text, ParseAliasHost);
  if (!hosts.ok()) return hosts.error();
  config->links.url_policy.alias_hosts = std::move(hosts).value();
  return Status::Ok();
}

std::string ShowAliasHosts(const Config& config) {
  std::string out;
  for (const std::string& host : config.links.url_policy.alias_hosts) {
    if (!out.empty()) out += ",";
    out += host;
  }
  return out;
}

Status ParseTrustedProxies(const std::string& text, Config* config) {
  Result<std::vector<IpNetwork>> networks = ParseList<IpNetwork>(text, ParseIpNetwork);
  if (!networks.ok()) return networks.error();
  // One key for both: the link limits and the account limits key clients alike.
  config->links.trusted_proxies = networks.value();
  config->accounts.trusted_proxies = std::move(networks).value();
  return Status::Ok();
}

std::string ShowTrustedProxies(const Config& config) {
  std::string out;
  for (const IpNetwork& network : config.links.trusted_proxies) {
    if (!out.empty()) out += ",";
    out += network.ToString();
  }
  return out;
}

// A key holding true or false.
Key Boolean(const char* name, const char* doc, Field<bool> field) {
  auto parse = [field](const std::string& text, Config* config) -> Status {
    if (text != "true" && text != "false") {
      return Invalid("expected true or false, got " + Quoted(text));
    }
    field(*config) = text == "true";
    return Status::Ok();
  };
  auto show = [field](const Config& config) {
    return std::string(field(config) ? "true" : "false");
  };
  return Key{name, doc, false, parse, show};
}

struct LevelName {
  Severity level;
  const char* name;
};
constexpr LevelName kLevelNames[] = {{Severity::kError, "error"},
                                     {Severity::kWarn, "warn"},
                                     {Severity::kInfo, "info"},
                                     {Severity::kDebug, "debug"}};

Status ParseLogLevel(const std::string& text, Config* config) {
  for (const LevelName& entry : kLevelNames) {
    if (text == entry.name) {
      config->log_level = entry.level;
      return Status::Ok();
    }
  }
  return Invalid("expected one of error, warn, info, debug, got " + Quoted(text));
}

std::string ShowLogLevel(const Config& config) {
  for (const LevelName& entry : kLevelNames) {
    if (config.log_level == entry.level) return entry.name;
  }
  return "info";
}

// slug_secret: keys the slugs and the cursors (Config::slug_secret) and the redirect cache's
// entries (LinkSettings::cache_secret): one key, both fields.
Key SlugSecret(const char* doc) {
  auto parse = [](const std::string& text, Config* config) -> Status {
    std::string value = text;
    RETURN_IF_ERROR(CheckSecret(&value));
    config->links.cache_secret = value;
    config->slug_secret = std::move(value);
    return Status::Ok();
  };
  auto show = [](const Config& config) { return config.slug_secret; };
  return Key{"slug_secret", doc, /*secret=*/true, parse, show};
}

// The one key table. Adding a key: a field in the option struct of the component that uses it
// (or in Config, for the wiring alone), with its default as the initialiser; an entry here; a
// paragraph in conf/shortener.conf and a row in docs/configuration.md's table (unit tests hold them
// together).
const std::vector<Key>& Keys() {
  using LS = LinkSettings;
  using AS = AccountSettings;
  static const std::vector<Key>* const keys = new std::vector<Key>{
      // Service.
      Text("public_base_url",
           "Where clients reach the service; short URLs are this plus /r/<slug> or /<slug>.",
           Bind(&Config::links, &LS::public_base_url), CheckBaseUrl),
      Key{"alias_hosts",
          "Other names of the service, comma-separated hosts or IP addresses; links there get 422.",
          false, ParseAliasHosts, ShowAliasHosts},
      // Slugs.
      Text("slug_alphabet", "Characters generated slugs are written in; the first one pads.",
           Bind(&Config::slug_alphabet), CheckAlphabet),
      Number("slug_min_length", "Shortest generated slug, in characters.",
             Bind(&Config::slug_min_length), 3, 12, ""),
      SlugSecret("Key of the slug permutation and of list cursors; required, at least 16 bytes."),
      // Limits.
      // At most 4096: the redirect's Location header carries the URL, and every shipped web
      // server passes a 4 KiB header on (longer ones end as 502/500 after a 201).
      Number("max_url_length", "Longest target URL accepted, in bytes (at most 4096).",
             Field<size_t>([](Config& c) -> size_t& { return c.links.url_policy.max_length; }), 16,
             4096, "bytes"),
      Number("max_body_bytes", "Largest request body read; a larger one gets 413.",
             Bind(&Config::max_body_bytes), 1024, 16777216, "bytes"),
      Number("import_max_body_bytes",
             "Largest body of POST /api/v1/import (the web import); a larger one gets 413.",
             Bind(&Config::import_max_body_bytes), 65536, 1073741824, "bytes"),
      Number("shorten_default_ttl",
             "Lifetime of a /url/shorten link given no expires_in or expires_at, in seconds.",
             Bind(&Config::links, &LS::shorten_default_ttl), 1, kLongestTtl, "seconds"),
      Number("v1_default_ttl", "Lifetime of a v1 link given no expires_in, in seconds.",
             Bind(&Config::links, &LS::v1_default_ttl), 1, kLongestTtl, "seconds"),
      Number("max_ttl", "Longest lifetime a link may be given, in seconds.",
             Bind(&Config::links, &LS::max_ttl), 1, kLongestTtl, "seconds"),
      Number("cache_ttl",
             "Longest a redirect stays in memcached, in seconds; the link's time left caps it.",
             Bind(&Config::links, &LS::cache_ttl), 1, kLongestTtl, "seconds"),
      Boolean("allow_permanent_links",
              "Whether a null expires_in, expires_at or expiration_date makes a link that never "
              "expires.",
              Bind(&Config::links, &LS::allow_permanent_links)),
      Number("freed_slug_hold",
             "Seconds a deleted or purged link's slug is kept from other users; 0: not at all.",
             Bind(&Config::links, &LS::freed_slug_hold), 0, kLongestTtl, "seconds"),
      Number("negative_cache_ttl",
             "Seconds memcached remembers that a slug names no link (creation clears it); 0: off.",
             Bind(&Config::links, &LS::negative_cache_ttl), 0, 3600, "seconds"),
      Number("local_cache_ttl",
             "Seconds a worker keeps the redirects it found in memcached in its own memory; "
             "changes made on this host are seen at once, on other hosts within it; 0: off.",
             Bind(&Config::links, &LS::local_cache_ttl), 0, 3600, "seconds"),
      Text("local_cache_change_file",
           "Shared file of link change counters through which the workers of one host drop a "
           "changed link's in-memory copies at once, in a directory only the service can write; "
           "empty: none (local_cache_ttl must then be 0).",
           Bind(&Config::local_cache_change_file), CheckAbsolutePath),
      // Accounts.
      Number("token_ttl", "Lifetime of a login token, in seconds.",
             Bind(&Config::accounts, &AS::token_ttl), 60, kLongestTtl, "seconds"),
      Number("argon2_memory_kib",
             "Argon2id memory cost of a password hash, in KiB; a login rehashes older hashes.",
             Bind(&Config::argon2, &PasswordCosts::memory_kib), 8192, 4194304, "KiB"),
      Number("argon2_passes", "Argon2id time cost (passes over the memory).",
             Bind(&Config::argon2, &PasswordCosts::passes), 1, 64, ""),
      Number("argon2_lanes", "Argon2id parallelism (lanes); a worker hashes on one core.",
             Bind(&Config::argon2, &PasswordCosts::lanes), 1, 16, ""),
      Key{"signup",
          "open: anyone may sign up; closed: POST /url/signup answers 403 (shortener-admin "
          "user create makes accounts).",
          false, ParseSignup, ShowSignup},
      Number("password_hash_slots",
             "Password hashes (logins, signups) computed at once by the workers sharing "
             "password_hash_lock_file; 0: half the processors.",
             Bind(&Config::password_hash_slots), 0, 1024, ""),
      Text("password_hash_lock_file",
           "Lock file of the password hashing slots, in a directory only the service can write; "
           "empty: no bound.",
           Bind(&Config::password_hash_lock_file), CheckAbsolutePath),
      // MySQL.
      Servers("mysql_servers",
              "Comma-separated host:port entries or absolute unix socket paths of MySQL servers "
              "or Galera nodes, first choice first; a worker moves to the next when one fails. "
              "Empty: the one of mysql_socket, mysql_host and mysql_port.",
              Bind(&Config::mysql, &MysqlOptions::servers)),
      Number("mysql_failback_interval",
             "Seconds a MySQL server that failed is left alone before workers try it again.",
             Bind(&Config::mysql, &MysqlOptions::failback_seconds), 1, 3600, "seconds"),
      Boolean("mysql_causal_reads",
              "On a Galera cluster, reads wait for the node to apply what the cluster committed "
              "before them (wsrep_sync_wait = 1); no effect on a single server.",
              Bind(&Config::mysql, &MysqlOptions::causal_reads)),
      Text("mysql_socket", "Unix socket of MySQL/MariaDB; empty: TCP to mysql_host and mysql_port.",
           Bind(&Config::mysql, &MysqlOptions::socket), CheckAbsolutePath),
      Text("mysql_host", "MySQL host, when mysql_socket is empty.",
           Bind(&Config::mysql, &MysqlOptions::host), CheckHost),
      Number("mysql_port", "MySQL TCP port, when mysql_socket is empty.",
             Bind(&Config::mysql, &MysqlOptions::port), 1, 65535, ""),
      Text("mysql_user", "MySQL user.", Bind(&Config::mysql, &MysqlOptions::user), CheckUser),
      Text("mysql_password", "MySQL password.", Bind(&Config::mysql, &MysqlOptions::password),
           AnyText, /*secret=*/true),
      Text("mysql_database", "MySQL database holding the service's tables.",
           Bind(&Config::mysql, &MysqlOptions::database), CheckDatabaseName),
      // memcached.
      Servers("memcached_servers",
              "Comma-separated host:port entries or absolute unix socket paths; empty: no cache.",
              Bind(&Config::memcached, &MemcachedOptions::servers)),
      Number("memcached_timeout_ms", "Longest wait on memcached per operation, in milliseconds.",
             Bind(&Config::memcached, &MemcachedOptions::timeout_ms), 1, 10000, "milliseconds"),
      // Abuse.
      Text("blocklist_file",
           "File of hosts links may not point to (example.com or *.example.com a line); empty: "
           "none.",
           Bind(&Config::blocklist_file), CheckAbsolutePath),
      Rate("rate_limit_create",
           "Link creations per user: count/seconds, the window opening with the first one.",
           Bind(&Config::links, &LS::create_limit)),
      Rate("rate_limit_login_fail", "Failed logins per client address and username: count/seconds.",
           Bind(&Config::accounts, &AS::login_fail_limit)),
      Rate("rate_limit_login",
           "Login attempts per client address, checked before any password is hashed: "
           "count/seconds.",
           Bind(&Config::accounts, &AS::login_limit)),
      Rate("rate_limit_signup", "Signups per client address: count/seconds.",
           Bind(&Config::accounts, &AS::signup_limit)),
      Rate("rate_limit_not_found",
           "404 answers of the redirect paths per client address: count/seconds; then 429.",
           Bind(&Config::links, &LS::not_found_limit)),
      Key{"trusted_proxies",
          "Comma-separated IPs or CIDR networks of proxies whose X-Forwarded-For is believed.",
          false, ParseTrustedProxies, ShowTrustedProxies},
      // Clicks.
      Boolean("click_counting",
              "Count clicks on redirects; false: redirects count nothing (to measure the cost).",
              Bind(&Config::click_counting)),
      Number("click_flush_interval",
             "Seconds a worker gathers clicks before writing them; a crash loses at most these.",
             Bind(&Config::click_flush_interval), 1, 3600, "seconds"),
      Boolean("visit_statistics",
              "Classify counted visits into daily statistics (see docs/statistics.md); false: "
              "clicks only.",
              Bind(&Config::visit_statistics)),
      Text("geoip_database",
           "Country database (.mmdb, MaxMind format) for the statistics; empty: countries are "
           "unknown.",
           Bind(&Config::geoip_database), CheckAbsolutePath),
      // Logging.
      Key{"log_level", "Least severe lines logged: error, warn, info or debug.", false,
          ParseLogLevel, ShowLogLevel},
  };
  return *keys;
}

const Key* FindKey(std::string_view name) {
  for (const Key& key : Keys()) {
    if (name == key.name) return &key;
  }
  return nullptr;
}

const Key* FindEnvKey(std::string_view variable) {
  for (const Key& key : Keys()) {
    if (variable == kEnvPrefix + ToUpperAscii(key.name)) return &key;
  }
  return nullptr;
}

// Where each key's value came from ("conf/shortener.conf:12", "environment SHORTENER_MAX_TTL",
// "default"), for messages about keys that disagree.
using Origins = std::map<std::string, std::string>;

// Parses `text` into `key`'s field; on failure the message starts with `prefix`, which says
// where the value came from.
Status Apply(const Key& key, const std::string& text, const std::string& prefix,
             const std::string& origin, Config* config, Origins* origins) {
  Status status = key.parse(text, config);
  if (!status.ok()) return Error::Validation(key.name, prefix + status.error().message);
  (*origins)[key.name] = origin;
  return Status::Ok();
}

Status ApplyFile(std::string_view text, const std::string& source, Config* config,
                 Origins* origins) {
  std::map<std::string, size_t> line_of_key;
  size_t number = 0;
  for (std::string_view raw : SplitLines(text)) {
    std::string_view line = TrimBlanks(raw);
    ++number;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    std::string where =
        source.empty() ? "line " + std::to_string(number) : source + ":" + std::to_string(number);
    if (line[0] == '[') {
      return Error::Validation("", where + ": sections are not supported, got " + Quoted(line));
    }
    size_t equals = line.find('=');
    std::string name(TrimBlanks(line.substr(0, equals)));
    // The line itself is not echoed: it may hold a mistyped secret.
    if (equals == std::string_view::npos || name.empty()) {
      return Error::Validation("", where + ": expected 'key = value'");
    }
    const Key* key = FindKey(name);
    if (key == nullptr) return Error::Validation(name, where + ": unknown key " + Quoted(name));
    auto [previous, inserted] = line_of_key.emplace(name, number);
    if (!inserted) {
      return Error::Validation(name, where + ": key " + Quoted(name) + " already set on line " +
                                         std::to_string(previous->second));
    }
    std::string_view value = TrimBlanks(line.substr(equals + 1));
    if (!value.empty() && value[0] == '"') {
      if (value.size() < 2 || value.back() != '"') {
        return Error::Validation(name,
                                 where + ": " + name + ": opening '\"' without a closing one");
      }
      value = value.substr(1, value.size() - 2);
    }
    Status status =
        Apply(*key, std::string(value), where + ": " + name + ": ", where, config, origins);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

Status ApplyEnvironment(const std::vector<std::string>& entries, Config* config, Origins* origins) {
  for (const std::string& entry : entries) {
    size_t equals = entry.find('=');
    if (equals == std::string::npos) continue;
    std::string variable = entry.substr(0, equals);
    if (!StartsWith(variable, kEnvPrefix) || variable == kConfigPathVariable) continue;
    std::string where = "environment " + variable;
    const Key* key = FindEnvKey(variable);
    if (key == nullptr) {
      std::string name = ToLowerAscii(variable.substr(std::strlen(kEnvPrefix)));
      return Error::Validation(
          name, where + ": unknown variable, there is no config key " + Quoted(name));
    }
    Status status = Apply(*key, entry.substr(equals + 1), where + ": ", where, config, origins);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

// "max_ttl = 3600 (conf/shortener.conf:9)", for messages about keys that disagree.
std::string ValueAndOrigin(const Origins& origins, const char* name, int64_t value) {
  auto origin = origins.find(name);
  return std::string(name) + " = " + std::to_string(value) + " (" +
         (origin == origins.end() ? "default" : origin->second) + ")";
}

Status CheckAcrossKeys(const Config& config, const Origins& origins) {
  if (config.slug_secret.empty()) {
    return Error::Validation("slug_secret",
                             "slug_secret is not set: set it in the config file or as "
                             "SHORTENER_SLUG_SECRET to at least 16 random bytes; " +
                                 std::string(kSecretHint));
  }
  struct Capped {
    const char* name;
    int64_t value;
  };
  const LinkSettings& links = config.links;
  const Capped capped_by_max_ttl[] = {{"shorten_default_ttl", links.shorten_default_ttl},
                                      {"v1_default_ttl", links.v1_default_ttl},
                                      {"cache_ttl", links.cache_ttl}};
  for (const Capped& ttl : capped_by_max_ttl) {
    if (ttl.value > links.max_ttl) {
      return Error::Validation(ttl.name, ValueAndOrigin(origins, ttl.name, ttl.value) +
                                             " is above " +
                                             ValueAndOrigin(origins, "max_ttl", links.max_ttl));
    }
  }
  // Without the counters a change on this host would be seen only after local_cache_ttl, where
  // API.md promises it at once.
  if (links.local_cache_ttl > 0 && config.local_cache_change_file.empty()) {
    return Error::Validation("local_cache_change_file",
                             ValueAndOrigin(origins, "local_cache_ttl", links.local_cache_ttl) +
                                 " needs a local_cache_change_file");
  }
  // Otherwise the longest accepted URL could not arrive: its request would be refused as too
  // large (413) instead of being checked.
  const size_t max_url_length = links.url_policy.max_length;
  if (max_url_length > config.max_body_bytes) {
    return Error::Validation(
        "max_url_length",
        ValueAndOrigin(origins, "max_url_length", static_cast<int64_t>(max_url_length)) +
            " is above " +
            ValueAndOrigin(origins, "max_body_bytes", static_cast<int64_t>(config.max_body_bytes)));
  }
  return Status::Ok();
}

// A value as the file would have to spell it to read it back.
std::string FileForm(const std::string& value) {
  bool quote = value.empty() || value.front() == '"' || TrimBlanks(value).size() != value.size();
  return quote ? '"' + value + '"' : value;
}

}  // namespace

Result<Config> ParseConfig(std::string_view ini_text, const std::string& source,
                           const std::vector<std::string>& environ_entries) {
  Config config;
  Origins origins;
  // Config{} holds the defaults (see Keys).
  Status status = ApplyFile(ini_text, source, &config, &origins);
  if (status.ok()) status = ApplyEnvironment(environ_entries, &config, &origins);
  if (status.ok()) status = CheckAcrossKeys(config, origins);
  if (!status.ok()) return status.error();
  // One database, one namespace: instances of one deployment share entries, and another
  // deployment on the same memcached (staging next to production) sees none of them.
  config.memcached.key_prefix = config.mysql.database + ":";
  return config;
}

Result<LinkSettings> LinkSettingsOf(const Config& config) {
  LinkSettings settings = config.links;
  ASSIGN_OR_RETURN(settings.url_policy.own_host,
                   UrlHost(config.links.public_base_url, "public_base_url"));
  return settings;
}

Result<Config> LoadConfig(const std::string& path) {
  std::string text;
  if (!path.empty()) {
    FileContents file = ReadWholeFile(path, kMaxConfigFileBytes);
    if (!file.failure.ok()) {
      return Error::Make(ErrorCode::kUnavailable, file.failure.Message("config file", path));
    }
    text = std::move(file.text);
  }
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    environment.emplace_back(*entry);
  }
  return ParseConfig(text, path, environment);
}

std::string DescribeConfig(const Config& config) {
  std::string out;
  for (const Key& key : Keys()) {
    std::string value = key.show(config);
    if (key.secret) {
      value = value.empty() ? "(empty)" : "(set)";
    } else {
      value = FileForm(value);
    }
    out += std::string(key.name) + " = " + value + "\n";
  }
  return out;
}

std::vector<ConfigKeyInfo> ConfigKeys() {
  std::vector<ConfigKeyInfo> infos;
  const Config defaults;
  for (const Key& key : Keys()) infos.push_back({key.name, key.show(defaults), key.doc});
  return infos;
}

}  // namespace shortener
