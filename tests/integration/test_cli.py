"""The programs' command lines, run as an operator runs them: --help, --version, unknown
options, --config in both spellings, no worker without a FastCGI socket, and shortener-admin's
help without a config, its error naming where MySQL was looked for, `user list` and owners
shown by username in `link list`.
"""

import os
import socket
import subprocess

from harness import REPO, IntegrationTest, _clean_env, rand_token

WORKER = os.environ.get("STACK_WORKER_BIN", os.path.join(REPO, "build", "shortener"))
ADMIN = os.environ.get("STACK_ADMIN_BIN", os.path.join(REPO, "build", "shortener-admin"))


def run(cmd, env=None, stdin=subprocess.DEVNULL, timeout=20):
    """Runs cmd; returns (exit status, stdout, stderr). A worker that starts serving instead of
    exiting is a failure: the timeout raises."""
    p = subprocess.run(cmd, env=env if env is not None else _clean_env(), stdin=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


class WorkerCommandLineTest(IntegrationTest):
    def test_help_and_version(self):
        rc, out, err = run([WORKER, "--help"])
        self.assertEqual((rc, err), (0, ""))
        self.assertIn("usage: shortener [--config FILE]", out)
        self.assertIn("--workers N", out)
        rc, out, _ = run([WORKER, "--version"])
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^shortener \d+\.\d+\.\d+\n$")

    def test_unknown_or_malformed_options_print_usage_and_exit_2(self):
        for args in (["--bogus"], ["-x"], ["--config"], ["--workers", "0"], ["--workers=abc"],
                     ["serve"], ["--help=1"]):
            with self.subTest(args=args):
                rc, out, err = run([WORKER] + args)
                self.assertEqual(rc, 2, err)
                self.assertEqual(out, "")
                self.assertTrue(err.startswith("shortener: "), err)
                self.assertIn("usage: shortener", err)

    def test_config_in_both_spellings(self):
        conf = os.path.join(self.stack.dir, "cli-%s.conf" % rand_token())
        with open(conf, "w") as f:
            f.write("slug_secret = %s\ntoken_ttl = 7777\n" % ("s" * 32))
        for args in (["--config", conf], ["--config=" + conf]):
            with self.subTest(args=args):
                rc, out, err = run([WORKER] + args + ["--check-config"])
                self.assertEqual(rc, 0, err)
                self.assertIn("token_ttl = 7777\n", out)
        rc, _, err = run([WORKER, "--config=/nonexistent/x.conf", "--check-config"])
        self.assertEqual(rc, 2)
        self.assertIn("'/nonexistent/x.conf'", err)

    def test_config_must_be_a_small_regular_file(self):
        # /dev/zero and a FIFO used to hang both programs while their memory grew.
        fifo = os.path.join(self.stack.dir, "cli-fifo-%s" % rand_token())
        os.mkfifo(fifo)
        big = os.path.join(self.stack.dir, "cli-big-%s.conf" % rand_token())
        with open(big, "w") as f:
            f.write("#" * (1 << 20) + "\n")
        env = _clean_env()
        env["SHORTENER_SLUG_SECRET"] = "s" * 32
        try:
            for path, why in (("/dev/zero", "is not a regular file"),
                              (fifo, "is not a regular file"),
                              (self.stack.dir, "is not a regular file"),
                              (big, "is larger than 1 MiB")):
                for program, args, status in ((WORKER, ["--check-config"], 2),
                                              (ADMIN, ["user", "list"], 1)):
                    with self.subTest(path=path, program=program):
                        rc, out, err = run([program, "--config", path] + args, env=env, timeout=10)
                        self.assertEqual((rc, out), (status, ""), err)
                        self.assertIn("config file '%s' %s" % (path, why), err)
        finally:
            os.unlink(fifo)
            os.unlink(big)

    def test_no_worker_without_a_fastcgi_socket(self):
        env = _clean_env()
        env["SHORTENER_SLUG_SECRET"] = "s" * 32
        # stdin a terminal-like file, a pipe, and a socket that is not listening
        a, b = socket.socketpair()
        try:
            for name, stdin in (("/dev/null", subprocess.DEVNULL), ("a pipe", subprocess.PIPE),
                                ("a connected socket", a.fileno())):
                for workers in ([], ["--workers", "2"]):
                    with self.subTest(stdin=name, workers=workers):
                        rc, out, err = run([WORKER] + workers, env=env, stdin=stdin, timeout=10)
                        self.assertEqual(rc, 2, err)
                        self.assertIn("no FastCGI socket", err)
                        self.assertIn("standard input (fd 0) is not a listening socket", err)
                        self.assertNotIn("accept failed", err)
        finally:
            a.close()
            b.close()


class AdminCommandLineTest(IntegrationTest):
    def test_help_works_without_any_config(self):
        env = _clean_env()  # no SHORTENER_* at all: no slug_secret, no database
        rc, out, err = run([ADMIN, "--help"], env=env)
        self.assertEqual((rc, err), (0, ""))
        self.assertIn("user list", out)
        self.assertIn("link list", out)
        rc, out, err = run([ADMIN, "--version"], env=env)
        self.assertEqual(rc, 0)
        self.assertRegex(out, r"^shortener-admin \d+\.\d+\.\d+\n$")
        for command in ("user", "apikey", "link", "migrate", "purge-expired"):
            with self.subTest(command=command):
                rc, out, err = run([ADMIN, command, "--help"], env=env)
                self.assertEqual((rc, err), (0, ""))
                self.assertIn("  " + command, out)
                others = {"user", "apikey", "link", "migrate"} - {command}
                for other in others:
                    self.assertNotIn("\n  %s " % other, out)
        rc, out, _ = run([ADMIN, "user", "create", "x", "x@example.org", "--help"], env=env)
        self.assertEqual(rc, 0)
        self.assertIn("user create USERNAME EMAIL", out)

    def test_usage_errors_exit_2(self):
        for args in ([], ["frobnicate"], ["--bogus", "user", "list"], ["--config"]):
            with self.subTest(args=args):
                rc, out, err = run([ADMIN] + args)
                self.assertEqual(rc, 2, err)
                self.assertTrue(err.startswith("shortener-admin: "), err)
                self.assertIn("usage: shortener-admin", err)

    def test_command_usage_errors_exit_2_with_the_command_usage(self):
        # These exited 1, against --help's "2 for a usage error".
        env = _clean_env()
        env.update(self.stack.env)
        for args, usage in ((["link", "stats"], "link stats SLUG"),
                            (["link", "stats", "s", "--bogus"], "link stats SLUG"),
                            (["link", "stats", "s", "extra"], "link stats SLUG"),
                            (["link", "stats", "s", "--from"], "link stats SLUG"),
                            (["link", "stats", "s", "--from=2026-12-01"], "link stats SLUG"),
                            (["link", "list", "--bogus"], "link list"),
                            (["link"], "link list|create|delete|stats"),
                            (["user", "create"], "user create USERNAME EMAIL"),
                            (["user", "list", "--limit", "5", "--limit", "6"], "user list"),
                            (["apikey", "revoke"], "apikey revoke ID"),
                            (["migrate", "--bogus"], "migrate [--sql-dir DIR]"),
                            (["purge-expired", "now"], "purge-expired [--batch N]"),
                            (["import", "jsonl"], "import jsonl FILE"),
                            (["export", "extra"], "export [--owner USERNAME]")):
            with self.subTest(args=args):
                rc, out, err = run([ADMIN] + args, env=env)
                self.assertEqual((rc, out), (2, ""), err)
                self.assertEqual(len(err.splitlines()), 1, err)
                self.assertTrue(err.startswith("shortener-admin: "), err)
                self.assertIn("usage: " + usage, err)

    def test_unreachable_database_is_named(self):
        env = _clean_env()
        env.update(self.stack.env)
        missing = os.path.join(self.stack.dir, "no-such-mysql.sock")
        env["SHORTENER_MYSQL_SOCKET"] = missing
        rc, out, err = run([ADMIN, "user", "list"], env=env)
        self.assertEqual(rc, 1)
        # One line, with the client library's reason (before it, a store log line worded for a
        # web server's clients: "answering 503 until it is back").
        self.assertEqual(len(err.splitlines()), 1, err)
        self.assertTrue(err.startswith("shortener-admin: cannot reach MySQL at unix socket "
                                       + missing), err)
        self.assertIn("error 2002", err)
        self.assertIn("no config file", err)
        env["SHORTENER_MYSQL_SOCKET"] = ""
        env["SHORTENER_MYSQL_HOST"] = "127.0.0.1"
        env["SHORTENER_MYSQL_PORT"] = "9"
        conf = os.path.join(self.stack.dir, "admin-%s.conf" % rand_token())
        open(conf, "w").close()
        rc, _, err = run([ADMIN, "--config=" + conf, "link", "list"], env=env)
        self.assertEqual(rc, 1)
        self.assertIn("cannot reach MySQL at 127.0.0.1:9", err)
        self.assertIn(conf, err)

    def test_a_refusing_database_is_one_line_with_the_server_reason(self):
        # These printed the store's log line, then "...: Internal error.".
        env = _clean_env()
        env.update(self.stack.env)
        secret = "WRONGsecret" + rand_token()
        for variable, value, reason in (
                ("SHORTENER_MYSQL_PASSWORD", secret, "error 1045 (28000): Access denied for user"),
                ("SHORTENER_MYSQL_DATABASE", "nodb_" + rand_token(), "error 104")):
            with self.subTest(variable=variable):
                rc, out, err = run([ADMIN, "user", "list"], env=dict(env, **{variable: value}))
                self.assertEqual((rc, out), (1, ""), err)
                self.assertEqual(len(err.splitlines()), 1, err)
                self.assertTrue(err.startswith("shortener-admin: cannot reach MySQL at "), err)
                self.assertIn(reason, err)
                self.assertNotIn(secret, err)
                self.assertNotIn("Internal error", err)

    def test_user_list_and_owners_by_name(self):
        name, _ = self.stack.make_user("lister")
        key = self.stack.make_api_key(name)
        r = self.shorten("https://example.org/owned/" + rand_token(),
                         client=self.client.__class__(self.base, auth={"X-API-Key": key}))
        slug = r.json["slug"]
        users = self.stack.admin("user", "list", "--limit", "100000").stdout
        self.assertTrue(users.startswith("ID "), users)
        row = [line for line in users.splitlines() if (" %s " % name) in line]
        self.assertEqual(len(row), 1, users)
        # id, created, admin, disabled, links, username, email
        self.assertRegex(row[0], r"^\d+ +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +no +no +1 +%s +%s@example.org$"
                         % (name, name))
        links = self.stack.admin("link", "list", "--user", name).stdout
        line = [x for x in links.splitlines() if x.startswith(slug + " ")]
        self.assertEqual(len(line), 1, links)
        self.assertEqual(line[0].split()[1], name)
        bad = self.stack.admin("user", "list", "--limit", "0", check=False)
        self.assertEqual(bad.returncode, 1)
        self.assertIn("--limit", bad.stderr)
