"""shortener-admin's user disable / enable / delete and link create (issue 10, point 21), against
the real stack and two instances: what each command stops at once, on both instances, and what
it leaves working; link create held to the API's own rules."""

import os
import subprocess
import time

from harness import REPO, Client, TwoInstancesTest, _clean_env, parse_iso, rand_token

PASSWORD = "disable-me-" + rand_token(6)
LOGIN = "/url/login"
KEYS = "/api/v1/api-keys"
ONE = "/api/v1/url-shorteners/"


class AdminUsersLinksTest(TwoInstancesTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anon_a = Client(cls.base, auth=None)
        cls.anon_b = Client(cls.b_base, auth=None)

    # -- helpers ---------------------------------------------------------------------------------

    def admin(self, *args, env=None):
        """shortener-admin ARGS with the stack's settings (plus `env`): (rc, stdout, stderr)."""
        full = _clean_env()
        full.update(self.stack.env)
        full.update(env or {})
        p = subprocess.run([full["STACK_ADMIN_BIN"]] + list(args), env=full,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def login(self, client, name, password):
        return client.req("POST", LOGIN, json_body={"username": name, "password": password})

    def user_with_everything(self):
        """A user with a login token, an API key and one link: (name, id, token, key, slug)."""
        name, _ = self.stack.make_user("adm", password=PASSWORD)
        r = self.login(self.anon_a, name, PASSWORD)
        self.assertEqual(r.status, 200, r.body)
        token = {"Authorization": "Bearer " + r.json["access_token"]}
        key = {"X-API-Key": self.stack.make_api_key(name)}
        r = self.anon_a.req("POST", "/api/v1/url-shortener", headers=key,
                            json_body={"original_url": "https://example.org/" + name})
        self.assertEqual(r.status, 201, r.body)
        user_id = int(self.stack.mysql_value("SELECT id FROM users WHERE username = '%s'" % name))
        return name, user_id, token, key, r.json["data"]["slug"]

    def assert_redirects(self, slug, target):
        for client in (self.anon_a, self.anon_b):
            r = client.req("GET", "/r/" + slug)
            self.assertEqual(r.status, 302, (client.base, slug, r.body))
            self.assertEqual(r.headers.get("location"), target)

    def assert_gone(self, slug):
        for client in (self.anon_a, self.anon_b):
            for path in ("/r/" + slug, "/" + slug):
                r = client.req("GET", path)
                self.assert_error(r, 404, "not_found", ctx=client.base + path)

    def assert_credential(self, credential, status):
        for client in (self.anon_a, self.anon_b):
            r = client.req("GET", "/api/v1/url-shorteners", headers=credential)
            self.assertEqual(r.status, status, (client.base, credential, r.body))
            if status == 401:
                self.assert_error(r, 401, "unauthorized")

    # -- user disable / enable -------------------------------------------------------------------

    def test_disable_stops_logins_tokens_and_keys_at_once_but_not_links(self):
        name, _, token, key, slug = self.user_with_everything()
        target = "https://example.org/" + name
        self.assert_redirects(slug, target)  # cached on both instances from here on
        self.assert_credential(token, 200)
        self.assert_credential(key, 200)
        wrong = self.login(self.anon_a, name, PASSWORD + "x")
        self.assertEqual(wrong.status, 401)

        rc, out, err = self.admin("user", "disable", name)
        self.assertEqual(rc, 0, err)
        self.assertIn("disabled user " + name, out)
        self.assert_credential(token, 401)
        self.assert_credential(key, 401)
        for client in (self.anon_a, self.anon_b):
            r = self.login(client, name, PASSWORD)
            # The right password of a disabled user: the very answer of a wrong one.
            self.assertEqual((r.status, r.json), (wrong.status, wrong.json), r.body)
        self.assert_redirects(slug, target)
        r = self.anon_a.req("POST", "/api/v1/url-shortener", headers=key,
                            json_body={"original_url": "https://example.org/after"})
        self.assert_error(r, 401, "unauthorized")
        rc, out, _ = self.admin("user", "list", "--limit", "100000")
        row = [line for line in out.splitlines() if (" %s " % name) in line]
        self.assertEqual(len(row), 1, out)
        self.assertRegex(row[0], r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+1\s+" + name)

        rc, out, err = self.admin("user", "enable", name)
        self.assertEqual(rc, 0, err)
        self.assert_credential(key, 200)  # keys come back
        self.assert_credential(token, 401)  # sessions ended by the disable stay ended
        self.assertEqual(self.login(self.anon_b, name, PASSWORD).status, 200)
        rc, out, _ = self.admin("user", "list", "--limit", "100000")
        row = [line for line in out.splitlines() if (" %s " % name) in line]
        self.assertRegex(row[0], r"\s+no\s+1\s+" + name)

    def test_disable_and_enable_refuse_unknown_users_and_bad_usage(self):
        for args in (["user", "disable", "nobody_" + rand_token()],
                     ["user", "enable", "nobody_" + rand_token()]):
            rc, out, err = self.admin(*args)
            self.assertEqual((rc, out), (1, ""), err)
            self.assertIn("no user called", err)
        for args in (["user", "disable"], ["user", "disable", "a", "b"], ["user", "enable"]):
            rc, _, err = self.admin(*args)
            self.assertEqual(rc, 2, err)  # a usage error, as --help says
            self.assertIn("usage: user", err)

    # -- user delete -----------------------------------------------------------------------------

    def test_delete_needs_yes_then_removes_user_tokens_keys_and_links_everywhere(self):
        name, user_id, token, key, slug = self.user_with_everything()
        r = self.anon_a.req("POST", "/url/shorten", headers=key,
                            json_body={"url": "https://example.org/two", "slug": "del-" + rand_token()})
        self.assertEqual(r.status, 201, r.body)
        custom = r.json["slug"]
        self.assert_redirects(slug, "https://example.org/" + name)
        self.assert_redirects(custom, "https://example.org/two")

        rc, out, err = self.admin("user", "delete", name)
        self.assertEqual((rc, out), (1, ""), err)
        self.assertIn("--yes", err)
        self.assert_credential(key, 200)  # nothing happened
        self.assert_redirects(custom, "https://example.org/two")

        rc, out, err = self.admin("user", "delete", name, "--yes")
        self.assertEqual(rc, 0, err)
        self.assertIn("deleted user %s" % name, out)
        self.assertIn(" 2 links", out)
        self.assert_gone(slug)  # the cached entries too, on both instances
        self.assert_gone(custom)
        self.assert_credential(token, 401)
        self.assert_credential(key, 401)
        self.assertEqual(self.login(self.anon_a, name, PASSWORD).status, 401)
        for table, column in (("users", "id"), ("auth_tokens", "user_id"), ("api_keys", "user_id"),
                              ("links", "owner_id")):
            self.assertEqual(self.stack.mysql_value(
                "SELECT COUNT(*) FROM %s WHERE %s = %d" % (table, column, user_id)), "0", table)
        # The freed custom slug is held: nobody else takes it over.
        r = self.client.req("POST", "/url/shorten",
                            json_body={"url": "https://phish.example/", "slug": custom})
        self.assertEqual(r.status, 409, r.body)
        rc, _, err = self.admin("user", "delete", name, "--yes")
        self.assertEqual(rc, 1)
        self.assertIn("no user called", err)

    # -- link create -----------------------------------------------------------------------------

    def test_link_and_user_delete_refuse_when_the_cache_cannot_be_told(self):
        """With a memcached that does not answer (settings that differ from the workers', or an
        outage of the admin's own), `link delete` said "deleted" and exited 0 while the workers
        went on redirecting from their cached entry for up to a day. Now nothing is deleted then,
        and the error says why; with the workers' cache it goes, at once on both instances."""
        name, user_id, _, _, slug = self.user_with_everything()
        target = "https://example.org/" + name
        self.assert_redirects(slug, target)  # cached by both instances' reads
        deaf = {"SHORTENER_MEMCACHED_SERVERS": os.path.join(self.stack.dir, "no-such.sock")}
        for args in (["link", "delete", slug], ["user", "delete", name, "--yes"]):
            with self.subTest(args=args):
                rc, out, err = self.admin(*args, env=deaf)
                self.assertEqual(rc, 1, out + err)
                self.assertIn("nothing was deleted", err)
                self.assertNotIn("deleted link", out)
                self.assert_redirects(slug, target)
                self.assertEqual(self.stack.mysql_value(
                    "SELECT COUNT(*) FROM users WHERE id = %d" % user_id), "1")
        rc, out, err = self.admin("link", "delete", slug)
        self.assertEqual((rc, out), (0, "deleted link %s\n" % slug), err)
        self.assert_gone(slug)

    def test_link_create_redirects_at_once_on_both_instances(self):
        owner, _ = self.stack.make_user("own")
        slug = "cli-" + rand_token()
        self.assert_gone(slug)  # probed first: the absence is cached, and must not outlive this
        rc, out, err = self.admin("link", "create", "https://example.org/cli", "--slug", slug,
                                  "--owner", owner, "--expires", "3600")
        self.assertEqual(rc, 0, err)
        self.assertIn("created link %s: " % slug, out)
        self.assertIn("/r/%s -> https://example.org/cli (owner %s, expires " % (slug, owner), out)
        self.assert_redirects(slug, "https://example.org/cli")
        expires = self.stack.mysql_value(
            "SELECT UNIX_TIMESTAMP(expires_at) - UNIX_TIMESTAMP(UTC_TIMESTAMP()) FROM links "
            "WHERE slug = '%s'" % slug)
        self.assertTrue(3500 < int(expires) <= 3600, expires)
        rc, out, _ = self.admin("link", "list", "--user", owner)
        self.assertRegex(out, r"\n%s\s+%s\s" % (slug, owner))
        # The owner sees it as its own through the API.
        key = {"X-API-Key": self.stack.make_api_key(owner)}
        r = self.anon_b.req("GET", ONE + slug, headers=key)
        self.assertEqual(r.status, 200, r.body)

    def test_admin_sh_prints_short_urls_of_the_stack(self):
        """scripts/admin.sh (what `make run` tells its user to run) printed short URLs on
        localhost:8000 whatever port the stack served (make run PORT=8080, or this stack's)."""
        slug = "sh-" + rand_token()
        env = _clean_env()
        env["STACK_DIR"] = self.stack.dir  # _clean_env names the admin binary of this run
        p = subprocess.run(["bash", os.path.join(REPO, "scripts", "admin.sh"), "link", "create",
                            "https://example.org/sh", "--slug", slug, "--permanent"], env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        out = p.stdout.decode()
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        self.assertTrue(any("created link %s: %s/r/%s " % (slug, public, slug) in out
                            for public in (self.public, self.b_public)), out)
        self.assert_redirects(slug, "https://example.org/sh")

    def test_link_create_generated_permanent_ownerless_and_iso_expiry(self):
        rc, out, err = self.admin("link", "create", "https://de.wikipedia.org/wiki/Köln",
                                  "--permanent")
        self.assertEqual(rc, 0, err)
        slug = out.split()[2].rstrip(":")
        self.assertIn("(no owner, permanent)", out)
        self.assert_redirects(slug, "https://de.wikipedia.org/wiki/K%C3%B6ln")
        self.assertEqual(self.stack.mysql_value(
            "SELECT CONCAT(IFNULL(owner_id, 'none'), ' ', IFNULL(expires_at, 'never')) FROM links "
            "WHERE slug = '%s'" % slug), "none never")
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
        rc, out, err = self.admin("link", "create", "https://example.org/iso", "--expires", when)
        self.assertEqual(rc, 0, err)
        self.assertIn("expires %s)" % when, out)
        # Without an expiry: v1_default_ttl (5 days unless configured).
        rc, out, err = self.admin("link", "create", "https://example.org/default")
        self.assertEqual(rc, 0, err)
        expires = parse_iso(out.rsplit("expires ", 1)[1].rstrip(")\n"))
        self.assertAlmostEqual(expires - time.time(), 432000, delta=60)

    def test_link_create_refuses_what_the_api_refuses_and_stores_nothing(self):
        taken = "taken-" + rand_token()
        rc, _, err = self.admin("link", "create", "https://example.org/t", "--slug", taken)
        self.assertEqual(rc, 0, err)
        before = self.stack.link_count()
        cases = [
            (["javascript:alert(1)"], "URL"),
            (["ftp://example.org/"], "URL"),
            (["http://127.0.0.1:%d/r/x" % self.client.port], "URL"),
            (["http://2130706433/"], "URL"),
            ([self.b_public + "/r/abc"], "URL"),
            (["not a url"], "URL"),
            (["https://example.org/", "--slug", "ab"], "slug"),
            (["https://example.org/", "--slug", "has space"], "slug"),
            (["https://example.org/", "--slug", "api"], "reserved"),
            (["https://example.org/", "--slug", taken], "taken"),
            (["https://example.org/", "--expires", "0"], "--expires must be 1 to max_ttl"),
            (["https://example.org/", "--expires", "999999999999"], "max_ttl"),
            (["https://example.org/", "--expires", "tomorrow"], "ISO 8601"),
            (["https://example.org/", "--expires", "2001-01-01T00:00:00Z"], "future"),
            (["https://example.org/", "--owner", "nobody_" + rand_token()], "no user called"),
        ]
        usage_errors = [
            (["https://example.org/", "--permanent", "--expires", "60"], "exclude each other"),
            (["https://example.org/", "--bogus"], "unknown option '--bogus'"),
            ([], "missing URL"),
            (["https://example.org/a", "https://example.org/b"], "unexpected argument"),
        ]
        for (args, needle), status in [(case, 1) for case in cases] + [(case, 2)
                                                                      for case in usage_errors]:
            with self.subTest(args=args):
                rc, out, err = self.admin("link", "create", *args)
                self.assertEqual((rc, out), (status, ""), err)
                self.assertTrue(err.startswith("shortener-admin: "), err)
                self.assertIn(needle, err)
        self.assertEqual(self.stack.link_count(), before)

    def test_link_create_obeys_the_blocklist_file(self):
        path = os.path.join(self.stack.dir, "admin-blocklist-" + rand_token())
        with open(path, "w") as f:
            f.write("blocked.example\n")
        env = {"SHORTENER_BLOCKLIST_FILE": path}
        rc, out, err = self.admin("link", "create", "https://blocked.example/x", env=env)
        self.assertEqual((rc, out), (1, ""), err)
        self.assertIn("URL", err)
        rc, out, err = self.admin("link", "create", "https://fine.example/x", env=env)
        self.assertEqual(rc, 0, err)


if __name__ == "__main__":
    import unittest
    unittest.main()
