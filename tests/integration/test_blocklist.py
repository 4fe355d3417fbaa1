"""The host blocklist (blocklist_file): refused at creation, 404 at redirect, re-read while running."""

import os
import signal
import subprocess
import time

from harness import Client, IntegrationTest, _clean_env, pid_alive, rand_token

# A worker looks at the file at most once a second; a little more than that sees every change.
REREAD_WAIT = 1.2


class BlocklistTest(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.list_path = os.path.join(cls.stack.dir, "blocklist-" + rand_token())
        cls.write_list(["# test list", "blocked.example", "*.bad.example  # subdomains only"])
        cls.c_base = cls.stack.start_instance(workers=2, env={
            "SHORTENER_BLOCKLIST_FILE": cls.list_path,
        })
        cls.c = Client(cls.c_base)

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop_instance(cls.c.port)
        super().tearDownClass()

    @classmethod
    def write_list(cls, lines):
        # Written beside it and renamed over it, as editors and config management do.
        tmp = cls.list_path + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.rename(tmp, cls.list_path)

    def assert_refused(self, url):
        r = self.shorten(url, client=self.c, expect=422)
        self.assert_error(r, 422, "validation", field="url", ctx=url)
        r = self.v1_create(url, client=self.c, expect=422)
        self.assert_error(r, 422, "validation", field="original_url", ctx=url)

    def assert_gone(self, slug):
        for path, headers in (("/r/" + slug, {}), ("/" + slug, {}),
                              ("/" + slug, {"Accept": "text/html"})):
            for _ in range(4):  # both workers, whichever answers
                r = self.req("GET", path, client=self.c, headers=headers)
                self.assert_link_404(r, headers, ctx=path)

    def assert_redirects(self, slug, url):
        for _ in range(4):
            r = self.req("GET", "/r/" + slug, client=self.c)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))
            r = self.req("GET", "/" + slug, client=self.c)
            self.assertEqual((r.status, r.json), (200, {"ok": True, "original_url": url}))

    def test_listed_hosts_are_refused_at_creation_on_both_apis(self):
        before = self.stack.link_count()
        for url in ("https://blocked.example/", "http://BLOCKED.Example./x?y=1",
                    "https://blocked.example:8443/", "https://www.bad.example/login",
                    "https://a.b.bad.example/"):
            with self.subTest(url=url):
                self.assert_refused(url)
        self.assertEqual(self.stack.link_count(), before)

    def test_unlisted_neighbours_are_accepted(self):
        for url in ("https://bad.example/", "https://www.blocked.example/",
                    "https://notblocked.example/", "https://example.com/blocked.example"):
            with self.subTest(url=url):
                self.shorten(url, client=self.c)
                self.v1_create(url, client=self.c)

    def test_host_added_while_running_is_refused_and_its_links_404_then_allowed_again(self):
        host = "later-%s.example" % rand_token()
        url = "https://%s/page" % host
        slug = self.shorten(url, client=self.c).json["slug"]
        v1_slug = self.v1_create(url, client=self.c).json["data"]["slug"]
        # Followed once before listing, so the redirect is in memcached: the cache-hit path
        # must check the list too.
        self.assert_redirects(slug, url)
        self.assert_redirects(v1_slug, url)
        try:
            self.write_list(["blocked.example", "*.bad.example", host])
            time.sleep(REREAD_WAIT)
            self.assert_refused(url)
            self.assert_gone(slug)
            self.assert_gone(v1_slug)
            # The default instance has no blocklist: the links are still there.
            r = self.req("GET", "/r/" + slug)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))
        finally:
            self.write_list(["blocked.example", "*.bad.example"])
        time.sleep(REREAD_WAIT)
        self.assert_redirects(slug, url)
        self.assert_redirects(v1_slug, url)
        self.shorten(url, client=self.c)

    def test_a_bad_file_keeps_the_previous_list(self):
        try:
            self.write_list(["blocked.example", "https://not a host/"])
            time.sleep(REREAD_WAIT)
            self.assert_refused("https://blocked.example/")
            self.shorten("https://bad.example/", client=self.c)
            os.unlink(self.list_path)
            time.sleep(REREAD_WAIT)
            self.assert_refused("https://www.bad.example/")
        finally:
            self.write_list(["blocked.example", "*.bad.example"])
        log = os.path.join(self.stack.dir, "web-%d" % self.c.port, "workers.log")
        with open(log) as f:
            self.assertIn("keeping the previous blocklist", f.read())

    def test_sighup_keeps_workers_serving(self):
        pids = self.stack.worker_pids(self.c.base)
        self.assertEqual(len(pids), 2)
        for pid in pids:
            os.kill(pid, signal.SIGHUP)
        time.sleep(0.2)
        for pid in pids:
            self.assertTrue(pid_alive(pid), "worker %d died of SIGHUP" % pid)
        for _ in range(4):
            self.shorten("https://example.org/after-hup", client=self.c)
        self.assert_refused("https://blocked.example/")


class BlocklistAtStartTest(IntegrationTest):
    def test_unreadable_file_stops_the_worker_naming_the_key(self):
        env = _clean_env()
        env.update(self.stack.env)
        for path in (os.path.join(self.stack.dir, "no-such-blocklist"), self.stack.dir):
            env["SHORTENER_BLOCKLIST_FILE"] = path
            p = subprocess.run([env["STACK_WORKER_BIN"], "--check-config"], env=env,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
            self.assertEqual(p.returncode, 2, p)
            self.assertIn(b"blocklist_file '%s'" % path.encode(), p.stderr)
