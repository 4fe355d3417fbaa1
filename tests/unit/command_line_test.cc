// The programs' option parsing (cmd/command_line.h) and shortener-admin's per-command help.
#include "cmd/command_line.h"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cmd/admin_commands.h"
#include "cmd/listen_socket.h"

namespace shortener {
namespace {

// Sets or unsets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = getenv(name);
    if (old != nullptr) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string Joined(const std::vector<std::string>& args) {
  std::string joined;
  for (const std::string& arg : args) joined += arg + " ";
  return joined;
}

BOOST_AUTO_TEST_SUITE(command_line)

BOOST_AUTO_TEST_CASE(worker_options_in_both_spellings) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--config", "a.conf", "--workers", "4"},
        std::vector<std::string>{"--config=a.conf", "--workers=4"}}) {
    BOOST_TEST_CONTEXT(Joined(args)) {
      Result<CommandLine> line = ParseCommandLine(Program::kWorker, args);
      BOOST_TEST_REQUIRE(line.ok());
      BOOST_TEST(*line.value().config_path == "a.conf");
      BOOST_TEST(line.value().workers == 4);
      BOOST_TEST(!line.value().help);
    }
  }
  Result<CommandLine> flags =
      ParseCommandLine(Program::kWorker, {"--check-config", "--help", "-V"});
  BOOST_TEST_REQUIRE(flags.ok());
  BOOST_TEST(flags.value().check_config);
  BOOST_TEST(flags.value().help);
  BOOST_TEST(flags.value().version);
  BOOST_TEST(!flags.value().config_path);
  BOOST_TEST(flags.value().workers == 0);
}

BOOST_AUTO_TEST_CASE(worker_listen_address) {
  Result<CommandLine> line =
      ParseCommandLine(Program::kWorker, {"--workers", "2", "--listen", "unix:/run/s.sock"});
  BOOST_TEST_REQUIRE(line.ok());
  BOOST_TEST(*line.value().listen == "unix:/run/s.sock");
  Result<ListenAddress> unix_address = ParseListenAddress("unix:/run/s.sock");
  BOOST_TEST_REQUIRE(unix_address.ok());
  BOOST_TEST(unix_address.value().unix_path == "/run/s.sock");
  Result<ListenAddress> tcp = ParseListenAddress("[::1]:9000");
  BOOST_TEST_REQUIRE(tcp.ok());
  BOOST_TEST(tcp.value().host == "::1");
  BOOST_TEST(tcp.value().port == "9000");
  for (const char* bad :
       {"unix:relative", "unix:", "127.0.0.1", "127.0.0.1:0", "h:65536", "h:9x", ":80"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!ParseListenAddress(bad).ok()); }
  }
  BOOST_TEST(!ParseListenAddress("unix:/" + std::string(120, 'a')).ok());
}

BOOST_AUTO_TEST_CASE(worker_refuses_what_it_does_not_know) {
  struct Case {
    std::vector<std::string> args;
    std::string named;  // what the message must name
  };
  const std::vector<Case> cases = {
      {{"--verbose"}, "'--verbose'"},
      {{"-x"}, "'-x'"},
      {{"--config"}, "--config needs a value"},
      {{"--config="}, "--config needs a file name"},
      {{"--workers"}, "--workers needs a value"},
      {{"--workers", "0"}, "'0'"},
      {{"--workers=1025"}, "'1025'"},
      {{"--workers", "4x"}, "'4x'"},
      {{"--help=yes"}, "--help takes no value"},
      {{"serve"}, "'serve'"},
      {{"--check-config=1"}, "--check-config takes no value"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(Joined(c.args)) {
      Result<CommandLine> line = ParseCommandLine(Program::kWorker, c.args);
      BOOST_TEST_REQUIRE(!line.ok());
      BOOST_TEST(line.error().message.find(c.named) != std::string::npos, line.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(admin_passes_the_command_on) {
  Result<CommandLine> line = ParseCommandLine(
      Program::kAdmin, {"--config=/etc/s.conf", "link", "list", "--user", "alice", "--help"});
  BOOST_TEST_REQUIRE(line.ok());
  BOOST_TEST(*line.value().config_path == "/etc/s.conf");
  BOOST_TEST(!line.value().help);  // the command's --help is the command's
  BOOST_TEST(Joined(line.value().operands) == "link list --user alice --help ");
  // The worker's own options are unknown to the admin tool.
  BOOST_TEST(!ParseCommandLine(Program::kAdmin, {"--workers", "2", "migrate"}).ok());
  BOOST_TEST(!ParseCommandLine(Program::kAdmin, {"--check-config"}).ok());
  Result<CommandLine> dashed = ParseCommandLine(Program::kAdmin, {"--", "--odd"});
  BOOST_TEST_REQUIRE(dashed.ok());
  BOOST_TEST(Joined(dashed.value().operands) == "--odd ");
}

BOOST_AUTO_TEST_CASE(config_path_from_option_then_environment_then_default) {
  struct Case {
    std::vector<std::string> args;
    const char* env;  // SHORTENER_CONFIG; nullptr: unset
    std::string path;
  };
  const std::vector<Case> cases = {
      {{}, nullptr, "/etc/shortener/shortener.conf"},
      {{}, "", "/etc/shortener/shortener.conf"},
      {{}, "/etc/env.conf", "/etc/env.conf"},
      {{"--config", "/etc/arg.conf"}, "/etc/env.conf", "/etc/arg.conf"},
      {{"--config=x.conf"}, nullptr, "x.conf"},
      {{"--config", "a.conf", "--config", "b.conf"}, nullptr, "b.conf"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT("argv \"" << Joined(c.args) << "\", SHORTENER_CONFIG "
                                 << (c.env ? c.env : "unset")) {
      ScopedEnv env("SHORTENER_CONFIG", c.env);
      Result<CommandLine> line = ParseCommandLine(Program::kWorker, c.args);
      BOOST_TEST_REQUIRE(line.ok());
      BOOST_TEST(ChosenConfigPath(line.value(), "/etc/shortener/shortener.conf") == c.path);
    }
  }
}

BOOST_AUTO_TEST_CASE(admin_command_usage_picks_the_command_lines) {
  const std::string usage =
      "usage: shortener-admin COMMAND\n"
      "\n"
      "commands:\n"
      "  migrate [--sql-dir DIR]   apply migrations\n"
      "                            (default DIR: sql)\n"
      "  user create USERNAME      add a user\n"
      "  user list [--limit N]     list users\n"
      "  userx                     not user\n"
      "  link list                 links\n"
      "\n"
      "The config file is ...\n";
  std::string user = CommandUsage(usage, "user");
  BOOST_TEST(user.find("user create USERNAME") != std::string::npos, user);
  BOOST_TEST(user.find("user list [--limit N]") != std::string::npos, user);
  BOOST_TEST(user.find("userx") == std::string::npos, user);
  BOOST_TEST(user.find("migrate") == std::string::npos, user);
  std::string migrate = CommandUsage(usage, "migrate");
  BOOST_TEST(migrate.find("(default DIR: sql)") != std::string::npos, migrate);
  BOOST_TEST(migrate.find("user") == std::string::npos, migrate);
  BOOST_TEST(CommandUsage(usage, "nothing").empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace shortener
