// Unit tests of config.h: defaults, every key's checks, the INI and environment sources, the
// checks across keys, DescribeConfig, ConfigPath and the sample conf/shortener.conf.
#include "cmd/config.h"

#include <stdlib.h>

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace shortener {
namespace {

const char kSecret[] = "0123456789abcdef-test";
const std::string kSecretEnv = std::string("SHORTENER_SLUG_SECRET=") + kSecret;
const char kSource[] = "test.conf";

// ParseConfig of `ini` (named kSource) with a valid slug_secret in the environment first, so
// that `environment` may still override it.
Result<Config> Parse(const std::string& ini, std::vector<std::string> environment = {}) {
  environment.insert(environment.begin(), kSecretEnv);
  return ParseConfig(ini, kSource, environment);
}

// The error message of `result`, or "" when it holds a value.
template <typename T>
std::string Why(const Result<T>& result) {
  return result.ok() ? "" : result.error().message;
}

Config MustParse(const std::string& ini, const std::vector<std::string>& environment = {}) {
  Result<Config> config = Parse(ini, environment);
  if (!config.ok()) BOOST_FAIL("unexpected error: " << config.error().message);
  return config.value();
}

// The value DescribeConfig shows for `key`, or nullopt if it lists no such key.
std::optional<std::string> Shown(const Config& config, const std::string& key) {
  std::istringstream lines(DescribeConfig(config));
  std::string line;
  const std::string prefix = key + " = ";
  while (std::getline(lines, line)) {
    if (line.compare(0, prefix.size(), prefix) == 0) return line.substr(prefix.size());
  }
  return std::nullopt;
}

std::string EnvName(const std::string& key) {
  std::string name = "SHORTENER_";
  for (char c : key) name += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return name;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " << path << " (tests run from the repo root)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(defaults) {
  Config config = MustParse("");
  BOOST_TEST(config.links.public_base_url == "http://localhost:8000");
  BOOST_TEST(config.slug_alphabet ==
             "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
  BOOST_TEST(config.slug_min_length == 6);
  BOOST_TEST(config.slug_secret == kSecret);
  BOOST_TEST(config.links.url_policy.max_length == 2048u);
  BOOST_TEST(config.max_body_bytes == 65536u);
  BOOST_TEST(config.links.shorten_default_ttl == 3600);
  BOOST_TEST(config.links.v1_default_ttl == 432000);
  BOOST_TEST(config.links.max_ttl == 315360000);
  BOOST_TEST(config.links.cache_ttl == 86400);
  BOOST_TEST(config.mysql.socket == "");
  BOOST_TEST(config.mysql.host == "127.0.0.1");
  BOOST_TEST(config.mysql.port == 3306);
  BOOST_TEST(config.mysql.user == "shortener");
  BOOST_TEST(config.mysql.password == "");
  BOOST_TEST(config.mysql.database == "shortener");
  BOOST_TEST(config.memcached.servers.size() == 1u);
  BOOST_TEST((config.memcached.servers[0] == MemcachedServer{"127.0.0.1", 11211, ""}));
  BOOST_TEST(config.memcached.timeout_ms == 100);
  BOOST_TEST((config.log_level == Severity::kInfo));
}

// The defaults are Config{}'s (the component structs' initialisers): a config read from nothing
// is Config{} with its secret, and every key shows its default as the file would spell it.
BOOST_AUTO_TEST_CASE(struct_defaults_match_key_table) {
  Config from_struct;
  from_struct.slug_secret = kSecret;
  BOOST_TEST(DescribeConfig(from_struct) == DescribeConfig(MustParse("")));
  for (const ConfigKeyInfo& key : ConfigKeys()) {
    BOOST_TEST_CONTEXT("key " << key.name) {
      std::optional<std::string> shown = Shown(from_struct, key.name);
      BOOST_TEST_REQUIRE(shown.has_value());
      if (std::string(key.name) == "slug_secret" || std::string(key.name) == "mysql_password") {
        continue;
      }
      std::string expected = key.default_text.empty() ? "\"\"" : key.default_text;
      BOOST_TEST(*shown == expected);
      BOOST_TEST(std::string(key.doc).size() > 10u);
    }
  }
}

struct ValidCase {
  std::string key;
  std::string value;
  std::string shown;  // as DescribeConfig then shows it
};

BOOST_AUTO_TEST_CASE(valid_values) {
  const std::vector<ValidCase> cases = {
      {"public_base_url", "https://sho.rt", "https://sho.rt"},
      {"public_base_url", "http://localhost:8000/", "http://localhost:8000"},
      {"public_base_url", "https://example.com//", "https://example.com"},
      {"public_base_url", "https://[::1]:8443", "https://[::1]:8443"},
      {"public_base_url", "https://[::1]", "https://[::1]"},
      {"public_base_url", "http://example.com:65535", "http://example.com:65535"},
      {"slug_alphabet", "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"},
      {"slug_alphabet", "01", "01"},
      {"slug_min_length", "3", "3"},
      {"slug_min_length", "12", "12"},
      {"slug_min_length", "007", "7"},
      {"slug_secret", "sixteen-bytes-ok", "(set)"},
      {"max_url_length", "16", "16"},
      {"max_url_length", "4096", "4096"},
      {"max_body_bytes", "2048", "2048"},  // 1024: see checks_across_keys
      {"max_body_bytes", "16777216", "16777216"},
      {"shorten_default_ttl", "1", "1"},
      {"shorten_default_ttl", "315360000", "315360000"},
      {"v1_default_ttl", "1", "1"},
      {"max_ttl", "3153600000", "3153600000"},
      {"max_ttl", "432000", "432000"},
      {"cache_ttl", "1", "1"},
      {"mysql_socket", "/run/mysqld/mysqld.sock", "/run/mysqld/mysqld.sock"},
      {"mysql_socket", "", "\"\""},
      {"mysql_host", "db.internal", "db.internal"},
      {"mysql_host", "::1", "::1"},
      {"mysql_port", "1", "1"},
      {"mysql_port", "65535", "65535"},
      {"mysql_user", "app user", "app user"},
      {"mysql_password", "", "(empty)"},
      {"mysql_password", "p = a ss\"word", "(set)"},
      {"mysql_database", "short_ener_2", "short_ener_2"},
      {"mysql_database", std::string(64, 'd'), std::string(64, 'd')},
      {"memcached_servers", "", "\"\""},
      {"mysql_servers", "", "\"\""},
      {"mysql_servers", "g1:3306,/run/g2.sock,[::1]:3307", "g1:3306,/run/g2.sock,[::1]:3307"},
      {"mysql_failback_interval", "1", "1"},
      {"mysql_failback_interval", "3600", "3600"},
      {"mysql_causal_reads", "false", "false"},
      {"memcached_servers", "10.0.0.5:11211,/run/mc.sock", "10.0.0.5:11211,/run/mc.sock"},
      {"memcached_timeout_ms", "1", "1"},
      {"memcached_timeout_ms", "10000", "10000"},
      {"blocklist_file", "/etc/shortener/blocklist", "/etc/shortener/blocklist"},
      {"blocklist_file", "", "\"\""},
      {"rate_limit_create", "1/1", "1/1"},
      {"rate_limit_create", "1000000/2592000", "1000000/2592000"},
      {"rate_limit_login_fail", "010/0900", "10/900"},
      {"rate_limit_signup", "5/3600", "5/3600"},
      {"trusted_proxies", "", "\"\""},
      {"trusted_proxies", "10.0.0.1/8, ::1 ,192.0.2.7/32", "10.0.0.0/8,::1,192.0.2.7"},
      {"log_level", "error", "error"},
      {"log_level", "warn", "warn"},
      {"log_level", "debug", "debug"},
  };
  for (const ValidCase& c : cases) {
    BOOST_TEST_CONTEXT("file: " << c.key << " = " << c.value) {
      Result<Config> config = Parse(c.key + " = " + c.value + "\n");
      BOOST_TEST_REQUIRE(config.ok(), Why(config));
      BOOST_TEST(Shown(config.value(), c.key).value_or("(none)") == c.shown);
    }
    BOOST_TEST_CONTEXT("environment: " << EnvName(c.key) << "=" << c.value) {
      Result<Config> config = Parse("", {EnvName(c.key) + "=" + c.value});
      BOOST_TEST_REQUIRE(config.ok(), Why(config));
      BOOST_TEST(Shown(config.value(), c.key).value_or("(none)") == c.shown);
    }
  }
}

BOOST_AUTO_TEST_CASE(typed_fields) {
  Config config = MustParse(
      "public_base_url = https://sho.rt/\n"
      "max_url_length = 100\n"
      "max_body_bytes = 2000\n"
      "max_ttl = 3153600000\n"
      "shorten_default_ttl = 3153600000\n"
      "log_level = debug\n"
      "mysql_password = hunter2\n");
  BOOST_TEST(config.links.public_base_url == "https://sho.rt");
  BOOST_TEST(config.links.url_policy.max_length == 100u);
  BOOST_TEST(config.max_body_bytes == 2000u);
  BOOST_TEST(config.links.max_ttl == 3153600000);
  BOOST_TEST(config.links.shorten_default_ttl == 3153600000);
  BOOST_TEST((config.log_level == Severity::kDebug));
  BOOST_TEST(config.mysql.password == "hunter2");
  config = MustParse("rate_limit_create = 7/30\ntrusted_proxies = 10.0.0.0/8,::1\n");
  BOOST_TEST((config.links.create_limit == RateLimit{7, 30}));
  BOOST_TEST((config.accounts.login_fail_limit == RateLimit{10, 900}));
  BOOST_TEST_REQUIRE(config.links.trusted_proxies.size() == 2u);
  BOOST_TEST(config.links.trusted_proxies[1].ToString() == "::1");
  // One key, every component that reads it.
  BOOST_TEST_REQUIRE(config.accounts.trusted_proxies.size() == 2u);
  BOOST_TEST(config.accounts.trusted_proxies[0].ToString() == "10.0.0.0/8");
  BOOST_TEST(config.links.cache_secret == kSecret);
  BOOST_TEST(config.memcached.key_prefix == "shortener:");
  BOOST_TEST(config.accounts.signup_open);
  config = MustParse("signup = closed\nmysql_database = other_db\n");
  BOOST_TEST(!config.accounts.signup_open);
  BOOST_TEST(config.memcached.key_prefix == "other_db:");
}

struct InvalidCase {
  std::string key;
  std::string value;
  std::string problem;  // part of the message after "<where>: "
};

BOOST_AUTO_TEST_CASE(invalid_values) {
  const std::string number = "expected a whole number";
  const std::vector<InvalidCase> cases = {
      {"public_base_url", "localhost:8000", "must start with http:// or https://"},
      {"public_base_url", "ftp://example.com", "must start with http:// or https://"},
      {"public_base_url", "HTTP://example.com", "must start with http:// or https://"},
      {"public_base_url", "http://", "has no host"},
      {"public_base_url", "https:///", "has no host"},
      {"public_base_url", "http://exa mple.com", "must not hold whitespace"},
      {"public_base_url", "http://example.com/\x01", "must not hold whitespace"},
      {"public_base_url", "http://b\xc3\xbc\x63her.de", "raw non-ASCII"},
      {"public_base_url", "http://example.com/?a=1", "must not have a query or fragment"},
      {"public_base_url", "http://example.com/#top", "must not have a query or fragment"},
      {"public_base_url", "https://example.com/s", "without a path"},
      {"public_base_url", "https://example.com/s/", "without a path"},
      {"public_base_url", "http://example.com:99999",
       "port must be from 1 to 65535, got 'http://example.com:99999'"},
      {"public_base_url", "http://example.com:0", "port must be from 1 to 65535"},
      {"public_base_url", "http://example.com:", "port must be from 1 to 65535"},
      {"public_base_url", "http://example.com:abc", "port must be from 1 to 65535"},
      {"public_base_url", "https://[::1]:65536", "port must be from 1 to 65535"},
      {"public_base_url", "http://:80", "has no host, got 'http://:80'"},
      {"public_base_url", "http://a..example", "must name its host as a DNS name"},
      {"public_base_url", "http://ex%61mple.com", "must name its host as a DNS name"},
      {"public_base_url", "http://[::1", "must name its host as a DNS name"},
      {"slug_alphabet", "a", "must be 2 to 62 distinct characters of [0-9A-Za-z], got 1"},
      {"slug_alphabet", "", "got 0"},
      {"slug_alphabet", "abca", "but 'a' appears twice"},
      {"slug_alphabet", "abc-", "got '-'"},
      {"slug_alphabet", std::string(63, 'a'), "got 63"},
      {"slug_min_length", "2", "must be from 3 to 12, got '2'"},
      {"slug_min_length", "13", "must be from 3 to 12, got '13'"},
      {"slug_min_length", "six", number + ", got 'six'"},
      {"slug_min_length", "-6", number + ", got '-6'"},
      {"slug_min_length", "", number + ", got ''"},
      {"slug_secret", "short", "must be at least 16 bytes, got 5"},
      {"slug_secret", "fifteen-bytes!!", "head -c 32 /dev/urandom | base64"},
      {"max_url_length", "15", "must be from 16 to 4096 bytes, got '15'"},
      {"max_url_length", "4097", "must be from 16 to 4096 bytes, got '4097'"},
      {"max_url_length", "65535", "must be from 16 to 4096 bytes"},
      {"max_url_length", "2k", number + " of bytes, got '2k'"},
      {"max_body_bytes", "1023", "must be from 1024 to 16777216 bytes"},
      {"max_body_bytes", "16777217", "must be from 1024 to 16777216 bytes"},
      {"shorten_default_ttl", "0", "must be from 1 to 3153600000 seconds, got '0'"},
      {"shorten_default_ttl", "1h", number + " of seconds, got '1h'"},
      {"v1_default_ttl", "0", "must be from 1 to 3153600000 seconds"},
      {"v1_default_ttl", "3600.5", number + " of seconds"},
      {"max_ttl", "abc", number + " of seconds, got 'abc'"},
      {"max_ttl", "0", "must be from 1 to 3153600000 seconds"},
      {"max_ttl", "3153600001", "must be from 1 to 3153600000 seconds"},
      {"max_ttl", "99999999999999999999999999", "must be from 1 to 3153600000 seconds"},
      {"max_ttl", "+5", number + " of seconds"},
      {"max_ttl", "1 000", number + " of seconds, got '1 000'"},
      {"cache_ttl", "0", "must be from 1 to 3153600000 seconds"},
      {"mysql_socket", "mysqld.sock", "must be empty or an absolute path"},
      {"mysql_socket", "/run/my\x01sql.sock", "must be empty or an absolute path"},
      {"mysql_host", "", "must be a host name or address, got ''"},
      {"mysql_host", "db host", "must be a host name or address"},
      {"mysql_port", "0", "must be from 1 to 65535, got '0'"},
      {"mysql_port", "65536", "must be from 1 to 65535"},
      {"mysql_port", "http", number + ", got 'http'"},
      {"mysql_user", "", "must be a non-empty name"},
      {"mysql_user", "a\tb", "must be a non-empty name without control characters, got 'a\\x09b'"},
      {"mysql_database", "", "must be 1 to 64 characters of [A-Za-z0-9_]"},
      {"mysql_database", "short-ener", "must be 1 to 64 characters of [A-Za-z0-9_]"},
      {"mysql_database", std::string(65, 'd'), "must be 1 to 64 characters of [A-Za-z0-9_]"},
      {"memcached_servers", "localhost", "expected host:port or an absolute socket path"},
      {"mysql_servers", "g1:3306,g2", "expected host:port or an absolute socket path, got 'g2'"},
      {"mysql_failback_interval", "0", "must be from 1 to 3600 seconds"},
      {"memcached_servers", "localhost:0", "port must be from 1 to 65535, got 'localhost:0'"},
      {"memcached_servers", "a:1,", "has an empty entry"},
      {"memcached_servers", "::1:11211", "needs brackets around an IPv6 address"},
      {"memcached_timeout_ms", "0", "must be from 1 to 10000 milliseconds"},
      {"memcached_timeout_ms", "10001", "must be from 1 to 10000 milliseconds"},
      {"memcached_timeout_ms", "100ms", number + " of milliseconds, got '100ms'"},
      {"blocklist_file", "blocklist.txt", "must be empty or an absolute path"},
      {"rate_limit_create", "60", "expected count/seconds"},
      {"rate_limit_create", "60/", "expected count/seconds"},
      {"rate_limit_create", "/60", "expected count/seconds"},
      {"rate_limit_create", "60 / 60", "expected count/seconds"},
      {"rate_limit_create", "60/1m", "expected count/seconds"},
      {"rate_limit_login_fail", "0/900", "count must be from 1 to 1000000"},
      {"rate_limit_login_fail", "10/0", "seconds from 1 to 2592000"},
      {"rate_limit_signup", "5/2592001", "seconds from 1 to 2592000"},
      {"rate_limit_signup", "1000001/60", "count must be from 1 to 1000000"},
      {"trusted_proxies", "10.0.0.0/33", "prefix length must be from 0 to 32"},
      {"trusted_proxies", "proxy.internal", "expected an IP address or network"},
      {"trusted_proxies", "10.0.0.1,,10.0.0.2", "has an empty entry"},
      {"log_level", "verbose", "expected one of error, warn, info, debug, got 'verbose'"},
      {"log_level", "INFO", "expected one of error, warn, info, debug, got 'INFO'"},
  };
  for (const InvalidCase& c : cases) {
    BOOST_TEST_CONTEXT("file: " << c.key << " = " << c.value) {
      Result<Config> config = Parse("# first line\n" + c.key + " = " + c.value + "\n");
      BOOST_TEST_REQUIRE(!config.ok());
      BOOST_TEST((config.error().code == ErrorCode::kValidation));
      BOOST_TEST(config.error().field == c.key);
      const std::string& message = config.error().message;
      BOOST_TEST(message.rfind(std::string(kSource) + ":2: " + c.key + ": ", 0) == 0u, message);
      BOOST_TEST(Contains(message, c.problem), message);
    }
    BOOST_TEST_CONTEXT("environment: " << EnvName(c.key) << "=" << c.value) {
      Result<Config> config = Parse("", {EnvName(c.key) + "=" + c.value});
      BOOST_TEST_REQUIRE(!config.ok());
      BOOST_TEST(config.error().field == c.key);
      const std::string& message = config.error().message;
      BOOST_TEST(message.rfind("environment " + EnvName(c.key) + ": ", 0) == 0u, message);
      BOOST_TEST(Contains(message, c.problem), message);
    }
  }
}

BOOST_AUTO_TEST_CASE(messages_have_the_documented_form) {
  Result<Config> config =
      ParseConfig("\n\n\n\n\n\n\n\n\n\n\nslug_lenght = 8\n", "conf/shortener.conf", {kSecretEnv});
  BOOST_TEST_REQUIRE(!config.ok());
  BOOST_TEST(config.error().message == "conf/shortener.conf:12: unknown key 'slug_lenght'");
  BOOST_TEST(config.error().field == "slug_lenght");

  config = Parse("", {"SHORTENER_MAX_TTL=abc"});
  BOOST_TEST_REQUIRE(!config.ok());
  BOOST_TEST(config.error().message ==
             "environment SHORTENER_MAX_TTL: expected a whole number of seconds, got 'abc'");

  // Without a source name the line still is named.
  config = ParseConfig("bogus = 1\n", "", {kSecretEnv});
  BOOST_TEST_REQUIRE(!config.ok());
  BOOST_TEST(config.error().message == "line 1: unknown key 'bogus'");
}

BOOST_AUTO_TEST_CASE(values_are_not_echoed_raw) {
  Result<Config> config = Parse("", {"SHORTENER_LOG_LEVEL=\x1b[31mred\n" + std::string(100, 'x')});
  BOOST_TEST_REQUIRE(!config.ok());
  const std::string& message = config.error().message;
  BOOST_TEST(Contains(message, "'\\x1b[31mred\\x0a"), message);
  BOOST_TEST(Contains(message, "...'"), message);
  BOOST_TEST(message.find('\x1b') == std::string::npos);
  BOOST_TEST(message.size() < 200u);
}

// A base URL with user-info would put them in every short URL, and --check-config would print
// them; the refusal names the key and line but never the password.
BOOST_AUTO_TEST_CASE(a_base_url_with_user_info_is_refused_unquoted) {
  for (const char* url : {"http://user:s3cret@example.com", "https://s3cret@example.com:8443/",
                          "http://user:s3cret@example.com/?q", "http://user:s3cret@exa mple.com"}) {
    BOOST_TEST_CONTEXT(url) {
      Result<Config> config = Parse(std::string("\npublic_base_url = ") + url + "\n");
      BOOST_TEST_REQUIRE(!config.ok());
      BOOST_TEST(config.error().field == "public_base_url");
      const std::string& message = config.error().message;
      BOOST_TEST(message.rfind(std::string(kSource) + ":2: public_base_url: must not hold a user "
                                                      "name or password",
                               0) == 0u,
                 message);
      BOOST_TEST(!Contains(message, "s3cret"), message);
    }
  }
}

BOOST_AUTO_TEST_CASE(later_sources_override_earlier_ones) {
  const std::string ini =
      "max_ttl = 7200\n"
      "shorten_default_ttl = 60\n"
      "v1_default_ttl = 120\n"
      "cache_ttl = 180\n"
      "mysql_user = from_file\n";
  Config file_only = MustParse(ini);
  BOOST_TEST(file_only.links.max_ttl == 7200);
  BOOST_TEST(file_only.links.shorten_default_ttl == 60);
  BOOST_TEST(file_only.mysql.user == "from_file");
  BOOST_TEST(file_only.links.v1_default_ttl == 120);

  Config both = MustParse(ini, {"SHORTENER_MYSQL_USER=from_env", "SHORTENER_MAX_TTL=9000"});
  BOOST_TEST(both.mysql.user == "from_env");
  BOOST_TEST(both.links.max_ttl == 9000);
  BOOST_TEST(both.links.shorten_default_ttl == 60);

  // The later of two environment entries wins, like the later of two sources.
  Config twice = MustParse("", {"SHORTENER_MYSQL_PORT=1", "SHORTENER_MYSQL_PORT=2"});
  BOOST_TEST(twice.mysql.port == 2);

  // The secret may come from the file alone.
  Result<Config> from_file =
      ParseConfig(std::string("slug_secret = ") + kSecret + "\n", kSource, {});
  BOOST_TEST_REQUIRE(from_file.ok(), Why(from_file));
  BOOST_TEST(from_file.value().slug_secret == kSecret);

  // A bad file value is an error even when the environment would override it: every source
  // must be right on its own.
  Result<Config> bad_file = Parse("max_ttl = soon\n", {"SHORTENER_MAX_TTL=60"});
  BOOST_TEST(!bad_file.ok());
}

BOOST_AUTO_TEST_CASE(environment_variables) {
  struct Case {
    std::vector<std::string> environment;
    std::string error;  // empty: accepted
    std::string field;
  };
  const std::vector<Case> cases = {
      {{"PATH=/usr/bin", "HOME=/root", "SHORTENERX=1", "shortener_max_ttl=abc"}, "", ""},
      {{"SHORTENER_CONFIG=/etc/shortener.conf"}, "", ""},
      {{"SHORTENER_CONFIG="}, "", ""},
      {{"NO_EQUALS_SIGN", "SHORTENER_NO_EQUALS"}, "", ""},
      {{"SHORTENER_SLUG_SECRT=x"},
       "environment SHORTENER_SLUG_SECRT: unknown variable, there is no config key 'slug_secrt'",
       "slug_secrt"},
      {{"SHORTENER_slug_min_length=8"},
       "environment SHORTENER_slug_min_length: unknown variable",
       "slug_min_length"},
      {{"SHORTENER_=1"}, "environment SHORTENER_: unknown variable", ""},
      {{"SHORTENER_MAX_TTL="}, "environment SHORTENER_MAX_TTL: expected a whole number", "max_ttl"},
      {{"SHORTENER_MAX_TTL= 60"}, "got ' 60'", "max_ttl"},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const std::string& entry : c.environment) joined += entry + " ";
    BOOST_TEST_CONTEXT("environment " << joined) {
      Result<Config> config = Parse("", c.environment);
      if (c.error.empty()) {
        BOOST_TEST(config.ok(), Why(config));
      } else {
        BOOST_TEST_REQUIRE(!config.ok());
        BOOST_TEST((config.error().code == ErrorCode::kValidation));
        BOOST_TEST(config.error().field == c.field);
        BOOST_TEST(Contains(config.error().message, c.error), config.error().message);
      }
    }
  }
}

struct FileCase {
  std::string ini;
  std::string error;  // empty: accepted
  std::string field;
};

BOOST_AUTO_TEST_CASE(file_syntax) {
  const std::vector<FileCase> cases = {
      {"", "", ""},
      {"\n\n   \n\t\n", "", ""},
      {"# comment\n; another\n   # indented\n\t; indented\n", "", ""},
      {"log_level=debug", "", ""},
      {"  log_level   =   debug   \n", "", ""},
      {"log_level = debug\r\nmysql_port = 1\r\n", "", ""},
      {"log_level = \"debug\"\n", "", ""},
      {"mysql_user = \"a\n", "test.conf:1: mysql_user: opening '\"' without a closing one",
       "mysql_user"},
      {"mysql_user = \"\n", "test.conf:1: mysql_user: opening '\"' without a closing one",
       "mysql_user"},
      {"log_level = debug # loud\n", "test.conf:1: log_level: expected one of", "log_level"},
      {"log_level\n", "test.conf:1: expected 'key = value'", ""},
      {"# ok\nslug_secret: hunter2hunter2hunter2\n", "test.conf:2: expected 'key = value'", ""},
      {"= debug\n", "test.conf:1: expected 'key = value'", ""},
      {"[shortener]\nlog_level = debug\n",
       "test.conf:1: sections are not supported, got '[shortener]'", ""},
      {"log_level = debug\nmysql_port = 1\nlog_level = info\n",
       "test.conf:3: key 'log_level' already set on line 1", "log_level"},
      {"log_level = debug\nlog_level = debug\n", "test.conf:2: key 'log_level' already set",
       "log_level"},
      {"Log_Level = debug\n", "test.conf:1: unknown key 'Log_Level'", "Log_Level"},
      {"config = /etc/x.conf\n", "test.conf:1: unknown key 'config'", "config"},
      {"\n\nslug_lenght = 8\n", "test.conf:3: unknown key 'slug_lenght'", "slug_lenght"},
  };
  for (const FileCase& c : cases) {
    BOOST_TEST_CONTEXT("file \"" << c.ini << "\"") {
      Result<Config> config = Parse(c.ini);
      if (c.error.empty()) {
        BOOST_TEST(config.ok(), Why(config));
      } else {
        BOOST_TEST_REQUIRE(!config.ok());
        BOOST_TEST((config.error().code == ErrorCode::kValidation));
        BOOST_TEST(config.error().field == c.field);
        BOOST_TEST(Contains(config.error().message, c.error), config.error().message);
        // A malformed line may be a mistyped secret: it is named by number, not echoed.
        BOOST_TEST(!Contains(config.error().message, "hunter2"));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(quotes) {
  struct Case {
    std::string value;  // as written after "mysql_user = "
    std::string user;
  };
  const std::vector<Case> cases = {
      {"plain", "plain"},
      {"\"quoted\"", "quoted"},
      {"\"  spaced  \"", "  spaced  "},
      {"  \"x\"  ", "x"},
      {"a \"b\" c", "a \"b\" c"},
      {"ends\"", "ends\""},
      {"\"\"inner\"\"", "\"inner\""},
      {"\"a = b\"", "a = b"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("mysql_user = " << c.value) {
      BOOST_TEST(MustParse("mysql_user = " + c.value + "\n").mysql.user == c.user);
    }
  }
  // An empty quoted value is empty, not a quote.
  BOOST_TEST(MustParse("mysql_socket = \"\"\n").mysql.socket == "");
  // The environment is taken literally: the shell already removed its quotes.
  BOOST_TEST(MustParse("", {"SHORTENER_MYSQL_USER=\"q\""}).mysql.user == "\"q\"");
}

// mysql_servers and memcached_servers read the same entries (base/server_address.h).
BOOST_AUTO_TEST_CASE(server_lists) {
  struct Case {
    std::string value;
    std::vector<ServerAddress> servers;
  };
  const std::vector<Case> cases = {
      {"", {}},
      {"   ", {}},
      {"127.0.0.1:11211", {{"127.0.0.1", 11211, ""}}},
      {"cache-1.internal:1", {{"cache-1.internal", 1, ""}}},
      {"a:11211,b:11212", {{"a", 11211, ""}, {"b", 11212, ""}}},
      {" a:11211 ,  b:65535 ", {{"a", 11211, ""}, {"b", 65535, ""}}},
      {"/run/memcached.sock", {{"", 0, "/run/memcached.sock"}}},
      {"[::1]:11211", {{"::1", 11211, ""}}},
      {"/run/mc.sock,[fe80::1]:5,h:6", {{"", 0, "/run/mc.sock"}, {"fe80::1", 5, ""}, {"h", 6, ""}}},
  };
  // The last row: hosts tests/fuzz/server_address_fuzz.cc found could not be written back.
  const std::vector<std::string> bad = {
      "localhost", "localhost:", ":11211", "host:99999",  "host:-1", "host:x",
      "a:1,,b:2",  ",a:1",       "a:1,",   "run/mc.sock", "[::1]",   "[::1]11211",
      "[]:11211",  "::1:11211",  "a b:1",  "a:1 2",       "a:1;b:2", "a:011211x",
      "[[th0]:1",  "[name]:1",   "a]:1",   "a[b:1",
  };
  using Servers = std::vector<ServerAddress>;
  const std::vector<std::pair<std::string, std::function<const Servers&(const Config&)>>> keys = {
      {"memcached_servers",
       [](const Config& config) -> const Servers& { return config.memcached.servers; }},
      {"mysql_servers",
       [](const Config& config) -> const Servers& { return config.mysql.servers; }},
  };
  for (const auto& [key, servers_of] : keys) {
    for (const Case& c : cases) {
      BOOST_TEST_CONTEXT(key << " = " << c.value) {
        Config config = MustParse(key + " = \"" + c.value + "\"\n");
        const Servers& servers = servers_of(config);
        BOOST_TEST_REQUIRE(servers.size() == c.servers.size());
        for (size_t i = 0; i < c.servers.size(); ++i) {
          BOOST_TEST_CONTEXT("entry " << i) {
            BOOST_TEST(servers[i].host == c.servers[i].host);
            BOOST_TEST(servers[i].port == c.servers[i].port);
            BOOST_TEST(servers[i].socket_path == c.servers[i].socket_path);
          }
        }
      }
    }
    for (const std::string& value : bad) {
      BOOST_TEST_CONTEXT(key << " = " << value) {
        Result<Config> config = Parse(key + " = " + value + "\n");
        BOOST_TEST_REQUIRE(!config.ok());
        BOOST_TEST(config.error().field == key);
        BOOST_TEST(Contains(config.error().message, "test.conf:1: " + key + ": "),
                   config.error().message);
      }
    }
  }
  BOOST_TEST((MemcachedServer{"h", 1, ""}.ToString() == "h:1"));
  BOOST_TEST((MemcachedServer{"::1", 11211, ""}.ToString() == "[::1]:11211"));
  BOOST_TEST((MemcachedServer{"", 0, "/run/mc.sock"}.ToString() == "/run/mc.sock"));
}

// Without mysql_servers the single-server keys name the one server, as before the list existed.
BOOST_AUTO_TEST_CASE(mysql_server_list_falls_back_to_the_single_server_keys) {
  Config by_default = MustParse("");
  BOOST_TEST(by_default.mysql.ServerList().size() == 1u);
  BOOST_TEST(by_default.mysql.ServerList()[0].ToString() == "127.0.0.1:3306");
  Config tcp = MustParse("mysql_host = db.internal\nmysql_port = 3307\n");
  BOOST_TEST(tcp.mysql.ServerList()[0].ToString() == "db.internal:3307");
  Config socket = MustParse("mysql_socket = /run/mysqld/mysqld.sock\nmysql_host = ignored\n");
  BOOST_TEST(socket.mysql.ServerList()[0].socket_path == "/run/mysqld/mysqld.sock");
  Config listed = MustParse(
      "mysql_servers = 10.0.0.1:3306, /run/g2.sock ,10.0.0.3:3306\nmysql_socket = /x.sock\n");
  std::vector<ServerAddress> servers = listed.mysql.ServerList();
  BOOST_TEST_REQUIRE(servers.size() == 3u);
  BOOST_TEST(servers[0].ToString() == "10.0.0.1:3306");
  BOOST_TEST(servers[1].ToString() == "/run/g2.sock");
  BOOST_TEST(servers[2].ToString() == "10.0.0.3:3306");
  BOOST_TEST(listed.mysql.failback_seconds == 30);
  BOOST_TEST(listed.mysql.causal_reads);
}

BOOST_AUTO_TEST_CASE(slug_secret_is_required) {
  struct Case {
    std::string ini;
    std::vector<std::string> environment;
    std::string error;  // empty: accepted
  };
  const std::string good = kSecret;
  const std::vector<Case> cases = {
      {"", {}, "slug_secret is not set"},
      {"slug_secret =\n", {}, "slug_secret is not set"},
      {"", {"SHORTENER_SLUG_SECRET="}, "slug_secret is not set"},
      {"slug_secret = " + good + "\n", {"SHORTENER_SLUG_SECRET="}, "slug_secret is not set"},
      {"slug_secret = 123456789012345\n", {}, "test.conf:1: slug_secret: must be at least 16"},
      {"", {"SHORTENER_SLUG_SECRET=123456789012345"}, "environment SHORTENER_SLUG_SECRET: must"},
      {"slug_secret = 1234567890123456\n", {}, ""},
      {"", {"SHORTENER_SLUG_SECRET=" + good}, ""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("file \"" << c.ini << "\", " << c.environment.size() << " variables") {
      Result<Config> config = ParseConfig(c.ini, kSource, c.environment);
      if (c.error.empty()) {
        BOOST_TEST(config.ok(), Why(config));
        continue;
      }
      BOOST_TEST_REQUIRE(!config.ok());
      BOOST_TEST(config.error().field == "slug_secret");
      BOOST_TEST(Contains(config.error().message, c.error), config.error().message);
      BOOST_TEST(Contains(config.error().message, "head -c 32 /dev/urandom | base64"));
      // The message never shows the (short) secret itself.
      BOOST_TEST(!Contains(config.error().message, "123456789012345"));
    }
  }
}

BOOST_AUTO_TEST_CASE(checks_across_keys) {
  const std::vector<FileCase> cases = {
      {"max_ttl = 3600\nshorten_default_ttl = 3600\nv1_default_ttl = 3600\ncache_ttl = 3600\n", "",
       ""},
      {"max_ttl = 3600\nv1_default_ttl = 60\ncache_ttl = 60\n", "",
       ""},  // shorten_default_ttl's default is 3600
      {"max_ttl = 3599\nv1_default_ttl = 60\ncache_ttl = 60\n",
       "shorten_default_ttl = 3600 (default) is above max_ttl = 3599 (test.conf:1)",
       "shorten_default_ttl"},
      {"max_ttl = 100000\n",
       "v1_default_ttl = 432000 (default) is above max_ttl = 100000 (test.conf:1)",
       "v1_default_ttl"},
      {"max_ttl = 500000\ncache_ttl = 500001\n",
       "cache_ttl = 500001 (test.conf:2) is above max_ttl = 500000 (test.conf:1)", "cache_ttl"},
      {"max_body_bytes = 1024\n",
       "max_url_length = 2048 (default) is above max_body_bytes = 1024 (test.conf:1)",
       "max_url_length"},
      {"max_body_bytes = 1024\nmax_url_length = 1024\n", "", ""},
      // The in-worker cache needs the host's change counters (API.md: at once on this host).
      {"local_cache_ttl = 5\nlocal_cache_change_file =\n",
       "local_cache_ttl = 5 (test.conf:1) needs a local_cache_change_file",
       "local_cache_change_file"},
      {"local_cache_ttl = 5\n", "", ""},
      {"local_cache_change_file =\n", "", ""},
  };
  for (const FileCase& c : cases) {
    BOOST_TEST_CONTEXT("file \"" << c.ini << "\"") {
      Result<Config> config = Parse(c.ini);
      if (c.error.empty()) {
        BOOST_TEST(config.ok(), Why(config));
      } else {
        BOOST_TEST_REQUIRE(!config.ok());
        BOOST_TEST(config.error().field == c.field);
        BOOST_TEST(config.error().message == c.error);
      }
    }
  }
  // The check runs after every source, naming where each value came from.
  Result<Config> config = Parse("max_ttl = 100\n", {"SHORTENER_MAX_TTL=9000000"});
  BOOST_TEST(config.ok());
  config = Parse("", {"SHORTENER_MAX_TTL=3000"});
  BOOST_TEST_REQUIRE(!config.ok());
  BOOST_TEST(config.error().message ==
             "shorten_default_ttl = 3600 (default) is above max_ttl = 3000 (environment "
             "SHORTENER_MAX_TTL)");
}

BOOST_AUTO_TEST_CASE(describe_config) {
  Config config = MustParse(
      "mysql_password = hunter2-secret\n"
      "mysql_user = \" padded \"\n"
      "log_level = warn\n");
  const std::string text = DescribeConfig(config);
  BOOST_TEST(!Contains(text, kSecret));
  BOOST_TEST(!Contains(text, "hunter2"));
  BOOST_TEST(Shown(config, "slug_secret").value_or("") == "(set)");
  BOOST_TEST(Shown(config, "mysql_password").value_or("") == "(set)");
  BOOST_TEST(Shown(config, "mysql_user").value_or("") == "\" padded \"");
  BOOST_TEST(Shown(config, "log_level").value_or("") == "warn");
  BOOST_TEST(Shown(config, "mysql_socket").value_or("") == "\"\"");
  BOOST_TEST(Shown(Config{}, "mysql_password").value_or("") == "(empty)");
  BOOST_TEST(Shown(Config{}, "slug_secret").value_or("") == "(empty)");

  // One line per key, in table order.
  std::istringstream lines(text);
  std::string line;
  for (const ConfigKeyInfo& key : ConfigKeys()) {
    BOOST_TEST_REQUIRE(static_cast<bool>(std::getline(lines, line)));
    BOOST_TEST(line.rfind(std::string(key.name) + " = ", 0) == 0u, line);
  }
  BOOST_TEST(!std::getline(lines, line));

  // What it prints reads back as the same configuration (secrets aside).
  std::string ini;
  std::istringstream again(text);
  while (std::getline(again, line)) {
    if (line.rfind("slug_secret", 0) != 0 && line.rfind("mysql_password", 0) != 0) {
      ini += line + "\n";
    }
  }
  Result<Config> reread = Parse(ini, {"SHORTENER_MYSQL_PASSWORD=hunter2-secret"});
  BOOST_TEST_REQUIRE(reread.ok(), Why(reread));
  BOOST_TEST(DescribeConfig(reread.value()) == text);
  BOOST_TEST(reread.value().mysql.user == " padded ");
}

BOOST_AUTO_TEST_CASE(load_config_names_unreadable_files) {
  for (const std::string path : {"/nonexistent/shortener.conf", "conf"}) {
    BOOST_TEST_CONTEXT("path " << path) {
      Result<Config> config = LoadConfig(path);
      BOOST_TEST_REQUIRE(!config.ok());
      BOOST_TEST((config.error().code == ErrorCode::kUnavailable));
      BOOST_TEST(Contains(config.error().message, "'" + path + "'"), config.error().message);
    }
  }
}

// The sample is the manual: it must load, say the defaults, and document every key.
BOOST_AUTO_TEST_CASE(sample_config_file) {
  const std::string path = "conf/shortener.conf";
  const std::string text = ReadFile(path);
  Result<Config> config = ParseConfig(text, path, {kSecretEnv});
  BOOST_TEST_REQUIRE(config.ok(), Why(config));
  BOOST_TEST(DescribeConfig(config.value()) == DescribeConfig(MustParse("")));
  for (const ConfigKeyInfo& key : ConfigKeys()) {
    BOOST_TEST_CONTEXT("key " << key.name) {
      const std::string name = key.name;
      BOOST_TEST((Contains(text, "\n" + name + " =") || Contains(text, "\n# " + name + " =")));
      BOOST_TEST(Contains(text, key.doc));
    }
  }
}

// docs/configuration.md's table is the short manual (the README points to it): a row for every
// key, in table order, with its default and its doc line, and no row for a key that is gone.
BOOST_AUTO_TEST_CASE(documented_key_table) {
  const std::string text = ReadFile("docs/configuration.md");
  BOOST_TEST_REQUIRE(text.rfind("# Configuration\n", 0) == 0);
  std::vector<std::string> rows;  // "| `key` | ... |" lines, in order
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| `", 0) == 0) rows.push_back(line);
  }
  const std::vector<ConfigKeyInfo> keys = ConfigKeys();
  BOOST_TEST_REQUIRE(rows.size() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const ConfigKeyInfo& key = keys[i];
    BOOST_TEST_CONTEXT("key " << key.name) {
      const std::string shown_default =
          key.default_text.empty() ? "(none)" : "`" + key.default_text + "`";
      const std::string expected =
          "| `" + std::string(key.name) + "` | " + shown_default + " | " + key.doc + " |";
      BOOST_TEST(rows[i] == expected);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
