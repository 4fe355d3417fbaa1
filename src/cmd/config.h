// The service's settings: one Config, built once at start from defaults, an INI file and the
// environment, all described by the one key table in config.cc (documented in conf/shortener.conf).
#ifndef SHORTENER_CONFIG_H_
#define SHORTENER_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "domain/auth.h"
#include "domain/client_address.h"
#include "domain/rate_limit.h"
#include "store/memcached_cache.h"
#include "store/mysql_store.h"

namespace shortener {

// Every setting of the service, checked and typed. The initialisers equal the key table's
// defaults (a unit test holds them together), so Config{} is the default configuration except
// for slug_secret, which has no default. Durations are in seconds unless named otherwise.
struct Config {
  // Service.
  std::string public_base_url = "http://localhost:8000";  // http(s), no trailing '/'
  // Other names of the service (CanonicalHost forms), refused as link targets like
  // public_base_url's host.
  std::vector<std::string> alias_hosts;

  // Slugs.
  std::string slug_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  int slug_min_length = 6;
  std::string slug_secret;  // at least 16 bytes once loaded

  // Limits.
  size_t max_url_length = 2048;
  size_t max_body_bytes = 65536;
  int64_t shorten_default_ttl = 3600;
  int64_t v1_default_ttl = 432000;
  int64_t max_ttl = 315360000;
  // Longest a redirect stays in memcached; the link's own time left caps it too.
  int64_t cache_ttl = 86400;
  // Whether a null expiry may make a link that never expires.
  bool allow_permanent_links = true;
  // How long a deleted or purged link's slug is kept from other users; 0: not at all.
  int64_t freed_slug_hold = 7776000;
  // How long a slug that names no link is remembered as absent in memcached; 0: never.
  int64_t negative_cache_ttl = 5;

  // Accounts.
  int64_t token_ttl = 3600;
  // Argon2id costs of new password hashes (auth.h PasswordCosts).
  uint32_t argon2_memory_kib = 19456;
  uint32_t argon2_passes = 2;
  uint32_t argon2_lanes = 1;
  // "open" or "closed" (POST /url/signup answers 403; accounts come from shortener-admin).
  std::string signup = "open";
  // Password hashes computed at once by the workers sharing password_hash_lock_file; 0: half
  // the processors (DefaultHostSlots).
  int password_hash_slots = 0;
  // The lock file of those slots; empty: hashing is not bounded across workers.
  std::string password_hash_lock_file = "/tmp/shortener-password-hash.lock";

  // MySQL.
  std::string mysql_socket;  // absolute path; empty: TCP to mysql_host:mysql_port
  std::string mysql_host = "127.0.0.1";
  int mysql_port = 3306;
  std::string mysql_user = "shortener";
  std::string mysql_password;
  std::string mysql_database = "shortener";

  // memcached. No servers: no cache.
  std::vector<MemcachedServer> memcached_servers = {{"127.0.0.1", 11211, ""}};
  int memcached_timeout_ms = 100;

  // Abuse.
  std::string blocklist_file;  // absolute path; empty: no host is blocked
  RateLimit rate_limit_create = {60, 60};
  RateLimit rate_limit_login_fail = {10, 900};
  RateLimit rate_limit_login = {60, 60};
  RateLimit rate_limit_signup = {5, 3600};
  RateLimit rate_limit_not_found = {100, 60};
  // Proxies whose X-Forwarded-For is believed (see ClientAddress); empty: REMOTE_ADDR is the
  // client.
  std::vector<IpNetwork> trusted_proxies;

  // Clicks (clicks.h): counted in each worker, written once per interval.
  bool click_counting = true;
  int64_t click_flush_interval = 1;

  // Logging.
  Severity log_level = Severity::kInfo;
};

// Builds a Config from the defaults, then `ini_text` (the INI file's contents, named `source` in
// messages; may be empty), then `environ_entries` ("NAME=value" strings as in `environ`), each
// overriding the one before. Pure: no I/O. Used by LoadConfig and by tests.
//
// INI: "key = value" lines, blank lines and full-line '#' or ';' comments; whitespace around
// keys and values is trimmed and one pair of double quotes around a value is stripped. No
// sections, no trailing comments. Environment: every SHORTENER_<KEY> variable sets <key>, its
// value taken literally; SHORTENER_CONFIG (the file's path) is skipped; variables without the
// prefix are ignored.
//
// Errors, all kValidation with `field` = the key, and a message for the operator naming where
// the value came from ("conf/shortener.conf:12: unknown key 'slug_lenght'", "environment
// SHORTENER_MAX_TTL: expected a whole number of seconds, got 'abc'"): a line that is not
// "key = value", an unknown key, a key given twice in the file, an unknown SHORTENER_* variable,
// a value of the wrong form or out of range, a missing or short slug_secret, and keys that
// disagree (a default ttl or cache_ttl above max_ttl, max_url_length above max_body_bytes).
// The first error found is returned.
Result<Config> ParseConfig(std::string_view ini_text, const std::string& source,
                           const std::vector<std::string>& environ_entries);

// Reads the file at `path` (an empty path: no file) and returns ParseConfig of it with the
// process environment. Errors: those of ParseConfig, or kUnavailable naming `path` when the
// file cannot be read (missing, unreadable, a directory).
Result<Config> LoadConfig(const std::string& path);

// Returns "key = value\n" for every key in table order, for --check-config. Values are in the
// form the file accepts (quoted when they have surrounding whitespace or a leading quote),
// except secrets (slug_secret, mysql_password), which show only "(set)" or "(empty)".
std::string DescribeConfig(const Config& config);

// The MySQL connection settings of `config` (MysqlOptions' patient timeouts).
MysqlOptions MysqlOptionsFrom(const Config& config);

// The memcached settings of `config`.
MemcachedOptions MemcachedOptionsFrom(const Config& config);

// The Argon2id costs of `config`.
PasswordCosts PasswordCostsFrom(const Config& config);

// What the key table says of one key, for documentation generated from it.
struct ConfigKeyInfo {
  const char* name;
  const char* default_text;  // as written in the file
  const char* doc;           // one line
};

// Every key, in table order.
std::vector<ConfigKeyInfo> ConfigKeys();

}  // namespace shortener

#endif  // SHORTENER_CONFIG_H_
