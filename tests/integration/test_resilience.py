"""memcached and MariaDB going away under running workers.

These tests stop shared servers and always start them again (finally), so the tests after them
find the stack as it was.
"""

import threading
import time
import unittest

from harness import IntegrationTest, rand_token

FAST = 5.0  # seconds: an answer slower than this counts as a hang


class MemcachedDownTest(IntegrationTest):
    def timed(self, method, path, **kw):
        t0 = time.time()
        r = self.req(method, path, **kw)
        took = time.time() - t0
        self.assertLess(took, FAST, "%s %s took %.1fs" % (method, path, took))
        return r

    def healthz_until(self, memcached, seconds):
        deadline = time.time() + seconds
        while True:
            r = self.timed("GET", "/healthz")
            self.assertEqual(r.status, 200, r)
            if r.json.get("memcached") == memcached or time.time() > deadline:
                return r
            time.sleep(0.2)

    def test_memcached_down_and_back(self):
        url = "https://example.org/mc?x=1"
        cached = self.shorten(url).json["slug"]
        for _ in range(3):
            self.assertEqual(self.req("GET", "/r/" + cached).status, 302)
        self.stack.stop_memcached()
        try:
            r = self.healthz_until("down", 3)
            self.assertEqual(r.json, {"ok": True, "mysql": "up", "memcached": "down"})
            for _ in range(4):
                r = self.timed("GET", "/r/" + cached)
                self.assertEqual((r.status, r.headers.get("location")), (302, url))
                r = self.timed("GET", "/" + cached)
                self.assertEqual((r.status, r.json), (200, {"ok": True, "original_url": url}))
            for i in range(4):
                u = "https://example.org/made-without-memcached/%d" % i
                t0 = time.time()
                s1 = self.shorten(u).json["slug"]
                s2 = self.v1_create(u).json["data"]["slug"]
                self.assertLess(time.time() - t0, 2 * FAST)
                for s in (s1, s2):
                    r = self.timed("GET", "/r/" + s)
                    self.assertEqual((r.status, r.headers.get("location")), (302, u))
            slug = "mcdown" + rand_token()
            self.shorten("https://example.org/a", slug=slug)
            self.assert_error(self.shorten("https://example.org/b", slug=slug, expect=409),
                              409, "slug_taken")
            r = self.timed("GET", "/api/v1/url-shorteners?limit=2")
            self.assertEqual(r.status, 200)
        finally:
            self.stack.start_memcached()
        r = self.healthz_until("up", 5)
        self.assertEqual(r.json, {"ok": True, "mysql": "up", "memcached": "up"},
                         "memcached not seen up again 5 s after its restart")
        # Every worker sees it again.
        for _ in range(4):
            r = self.timed("GET", "/healthz")
            self.assertEqual(r.json, {"ok": True, "mysql": "up", "memcached": "up"})
            r = self.timed("GET", "/r/" + cached)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))


class Background:
    """Requests in a loop on another thread, recording every status and exception."""

    def __init__(self, client, paths):
        self.client = client
        self.paths = paths
        self.results = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        i = 0
        while not self.stop.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            t0 = time.time()
            try:
                r = self.client.req("GET", path)
                self.results.append((path, r.status, time.time() - t0, r.body[:200]))
            except Exception as e:  # noqa: BLE001
                self.results.append((path, repr(e), time.time() - t0, b""))
            time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(15)


class MysqlTest(IntegrationTest):
    def assert_all_ok_now(self, slugs, urls, ctx):
        """Right after MariaDB is back: every request succeeds, on every worker, first time."""
        for s in slugs:
            r = self.req("GET", "/r/" + s)
            self.assertEqual((r.status, r.headers.get("location")), (302, urls[s]),
                             "%s: GET /r/%s -> %d %r" % (ctx, s, r.status, r.body[:300]))
        for i in range(4):
            u = "https://example.org/after-%s/%d" % (ctx, i)
            r = self.req("POST", "/url/shorten", json_body={"url": u})
            self.assertEqual(r.status, 201, "%s: create -> %d %r" % (ctx, r.status, r.body[:300]))
            r = self.req("POST", "/api/v1/url-shortener", json_body={"original_url": u})
            self.assertEqual(r.status, 201, "%s: v1 create -> %d %r" % (ctx, r.status, r.body[:300]))
        for _ in range(4):
            r = self.req("GET", "/healthz")
            self.assertEqual((r.status, r.json), (200, {"ok": True, "mysql": "up", "memcached": "up"}), ctx)

    def make_uncached(self, n, tag):
        urls = {}
        for i in range(n):
            u = "https://example.org/%s/%d?q=%s" % (tag, i, rand_token())
            urls[self.shorten(u).json["slug"]] = u
        return urls

    def test_restart_workers_reconnect(self):
        urls = self.make_uncached(8, "restart")
        slugs = list(urls)
        # Every worker holds a connection (and its prepared statements) to the old server.
        for _ in range(4):
            self.req("GET", "/api/v1/url-shorteners?limit=1")
        probe = ["/r/" + slugs[0], "/healthz", "/r/nOsUcH" + rand_token()]
        with Background(self.client, probe) as bg:
            time.sleep(0.2)
            self.stack.restart_mysql()
            time.sleep(0.2)
        bad = [x for x in bg.results if not isinstance(x[1], int) or x[1] not in (200, 302, 404, 503)]
        self.assertFalse(bad, "during the restart: %r" % bad[:5])
        slow = [x for x in bg.results if x[2] > FAST]
        self.assertFalse(slow, "hung during the restart: %r" % slow[:5])
        self.assert_all_ok_now(slugs[1:], urls, "restart")

    def test_mysql_stopped(self):
        cached_url = "https://example.org/cached?k=v#f"
        cached = self.shorten(cached_url).json["slug"]
        for _ in range(3):
            self.assertEqual(self.req("GET", "/r/" + cached).status, 302)
        urls = self.make_uncached(6, "stopped")
        slugs = list(urls)
        self.stack.stop_mysql()
        # self.client.req: 503s are expected here; each answer is checked below.
        try:
            for i in range(4):
                t0 = time.time()
                r = self.client.req("GET", "/healthz")
                self.assertLess(time.time() - t0, FAST, "healthz hung")
                self.assert_error(r, 503, "unavailable", ctx="healthz, MariaDB down")
                t0 = time.time()
                r = self.client.req("GET", "/r/" + slugs[i])
                self.assertLess(time.time() - t0, FAST, "uncached redirect hung")
                self.assert_error(r, 503, "unavailable", ctx="uncached /r/, MariaDB down")
                r = self.client.req("GET", "/" + slugs[4 + i % 2])
                self.assert_error(r, 503, "unavailable", ctx="uncached /{slug}, MariaDB down")
                r = self.client.req("GET", "/r/" + cached)
                self.assertEqual((r.status, r.headers.get("location")), (302, cached_url),
                                 "cached redirect while MariaDB is down: %r" % (r,))
                r = self.client.req("GET", "/" + cached)
                self.assertEqual((r.status, r.json), (200, {"ok": True, "original_url": cached_url}))
            r = self.client.req("POST", "/url/shorten", json_body={"url": "https://example.org/nodb"})
            self.assert_error(r, 503, "unavailable", ctx="create, MariaDB down")
            r = self.client.req("POST", "/api/v1/url-shortener",
                         json_body={"original_url": "https://example.org/nodb"})
            self.assert_error(r, 503, "unavailable", ctx="v1 create, MariaDB down")
            r = self.client.req("GET", "/api/v1/url-shorteners")
            self.assert_error(r, 503, "unavailable", ctx="list, MariaDB down")
        finally:
            self.stack.start_mysql()
        self.assert_all_ok_now(slugs, urls, "stopped")


if __name__ == "__main__":
    unittest.main()
