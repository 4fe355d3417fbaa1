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
#include "domain/account_settings.h"
#include "domain/auth.h"
#include "domain/link_settings.h"
#include "domain/slug.h"
#include "store/memcached_cache.h"
#include "store/mysql_store.h"

namespace shortener {

// Every setting of the service, checked and typed. Each has one home: the option struct of the
// component that uses it (LinkSettings, AccountSettings, PasswordCosts, MysqlOptions,
// MemcachedOptions), or a field here for what only the wiring reads. Their initialisers are the
// defaults; the key table (config.cc) binds each key to its field and shows the defaults from
// Config{}, so Config{} is the default configuration except for slug_secret, which has none.
// Durations are in seconds unless named otherwise.
struct Config {
  // Links: public_base_url, alias_hosts, max_url_length, the ttls, the cache, the link limits and
  // trusted_proxies. Its wiring pointers (blocklist, clicks, url_policy.own_host and is_blocked)
  // are the App's to set.
  LinkSettings links;
  // Accounts: token_ttl, signup, the account limits and trusted_proxies (the key sets both).
  AccountSettings accounts;
  PasswordCosts argon2;
  MysqlOptions mysql;
  // memcached; key_prefix is derived from mysql.database once the sources are read.
  MemcachedOptions memcached;

  // Slugs.
  std::string slug_alphabet = kBase62Alphabet;
  int slug_min_length = kDefaultSlugMinLength;
  // At least 16 bytes once loaded; also keys the redirect cache's entries (links.cache_secret,
  // set with it) and the list cursors.
  std::string slug_secret;

  // Largest request body read.
  size_t max_body_bytes = 65536;
  // The body limit of POST /api/v1/import alone (an export is larger than any other body).
  size_t import_max_body_bytes = 67108864;

  // Password hashes computed at once by the workers sharing password_hash_lock_file; 0: half
  // the processors (DefaultHostSlots).
  int password_hash_slots = 0;
  // The lock file of those slots; empty: hashing is not bounded across workers.
  std::string password_hash_lock_file = "/tmp/shortener-password-hash.lock";
  // The host's link change counters (base/host_changes.h), for local_cache_ttl; empty: none.
  std::string local_cache_change_file = "/tmp/shortener-link-changes";

  std::string blocklist_file;  // absolute path; empty: no host is blocked

  // Clicks (clicks.h): counted in each worker, written once per interval.
  bool click_counting = true;
  int64_t click_flush_interval = 1;
  // Visit statistics (docs/statistics.md): each counted visit classified and aggregated with
  // its click; false: clicks only.
  bool visit_statistics = true;
  // A MaxMind-format country database (absolute path); empty: every country is "unknown".
  std::string geoip_database;

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

// The largest config file read: the sample with every key documented is about 16 KiB, and a
// bound keeps --config /dev/zero or a wrong huge file from filling memory.
inline constexpr size_t kMaxConfigFileBytes = size_t{1} << 20;

// Reads the file at `path` (an empty path: no file) and returns ParseConfig of it with the
// process environment. Errors: those of ParseConfig, or kUnavailable naming `path` when the
// file cannot be read (missing, unreadable), is not a regular file (a directory, FIFO or
// device) or holds more than kMaxConfigFileBytes.
Result<Config> LoadConfig(const std::string& path);

// config.links with url_policy.own_host set from public_base_url: the link settings as the
// workers and shortener-admin's link create start from (each then adds its blocklist).
// kValidation naming public_base_url if it has no host.
Result<LinkSettings> LinkSettingsOf(const Config& config);

// Returns "key = value\n" for every key in table order, for --check-config. Values are in the
// form the file accepts (quoted when they have surrounding whitespace or a leading quote),
// except secrets (slug_secret, mysql_password), which show only "(set)" or "(empty)".
std::string DescribeConfig(const Config& config);

// What the key table says of one key, for documentation generated from it.
struct ConfigKeyInfo {
  const char* name;
  std::string default_text;  // Config{}'s value, as written in the file ("" when empty)
  const char* doc;           // one line
};

// Every key, in table order.
std::vector<ConfigKeyInfo> ConfigKeys();

}  // namespace shortener

#endif  // SHORTENER_CONFIG_H_
