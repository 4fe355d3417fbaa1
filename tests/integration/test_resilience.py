"""memcached and MariaDB going away under running workers.

These tests stop shared servers and always start them again (finally), so the tests after them
find the stack as it was.
"""

import os
import re
import signal
import threading
import time
import unittest

from harness import (HTTP_TIMEOUT, Client, IntegrationTest, change_link, free_port, rand_token,
                     wait_for)
from test_concurrency import note

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
        log = os.path.join(self.stack.web_dir(self.base), "workers.log")
        offset = os.path.getsize(log)
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
        # Dozens of cache operations failed; each worker said so once, and once that it is back.
        downs = log_lines_since(log, offset, "memcached down")
        ups = log_lines_since(log, offset, "memcached up again after")
        self.assertTrue(downs)
        self.assertEqual(len(downs), len(set(p for p, _ in downs)), downs)
        self.assertEqual(sorted(p for p, _ in downs), sorted(p for p, _ in ups), (downs, ups))

    def test_a_change_through_a_stale_connection_reaches_the_restarted_memcached(self):
        # Two instances of one worker each, so that which worker holds which connection is
        # known. memcached restarts; the reader finds out and fills the link's old entry into
        # the new server; the writer, whose connection is from before the restart, changes the
        # link. Its first write on that connection fails (memcached closed it), and the change
        # marker must still reach the server, or the reader redirects to the old URL until the
        # entry expires. Likewise a creation whose slug the reader has just cached as absent (a
        # creation's rate-limit count reaches memcached first today, so its entry goes out on a
        # new connection already; the case stays, for whatever comes to run first there).
        ports = [free_port() for _ in range(2)]
        reader, writer = (Client(self.stack.start_instance(port=p, workers=1)) for p in ports)
        try:
            for change in ("PATCH", "DELETE"):
                old_url = "https://example.org/stale-connection/%s/%s" % (change, rand_token())
                slug = self.shorten(old_url).json["slug"]
                for c in (reader, writer):  # both now hold a connection to this memcached
                    r = c.req("GET", "/r/" + slug)
                    self.assertEqual((r.status, r.headers.get("location")), (302, old_url))
                self.stack.stop_memcached()
                self.stack.start_memcached()

                def refilled():
                    r = reader.req("GET", "/r/" + slug)
                    self.assertEqual((r.status, r.headers.get("location")), (302, old_url))
                    return self.stack.memcached_get("r2:" + slug) is not None
                self.assertTrue(wait_for(refilled, 15, step=0.2),
                                "the reader never refilled %s after the restart" % slug)
                want = change_link(self, writer, change, slug, old_url)
                r = reader.req("GET", "/r/" + slug)
                self.assertEqual((r.status, r.headers.get("location")), want,
                                 "%s through a worker whose memcached connection predates the "
                                 "restart, then a redirect through one that refilled the entry"
                                 % change)
            slug = "stale" + rand_token()
            self.assertEqual(writer.req("GET", "/r/" + slug).status, 404)  # connected before
            self.stack.stop_memcached()
            self.stack.start_memcached()

            def absent_cached():
                self.assertEqual(reader.req("GET", "/r/" + slug).status, 404)
                return self.stack.memcached_get("r2:" + slug) is not None
            self.assertTrue(wait_for(absent_cached, 15, step=0.2),
                            "the reader never cached %s as absent after the restart" % slug)
            url = "https://example.org/stale-connection/create"
            r = writer.req("POST", "/url/shorten", json_body={"url": url, "slug": slug})
            self.assertEqual(r.status, 201, r.body)
            r = reader.req("GET", "/r/" + slug)
            self.assertEqual((r.status, r.headers.get("location")), (302, url),
                             "a creation through a worker whose memcached connection predates the "
                             "restart, then a redirect through one that cached the slug as absent")
        finally:
            for p in ports:
                self.stack.stop_instance(p)


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
            urls[self.stack.insert_link(u)] = u  # not through the API, which fills the cache
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
                self.assertEqual(r.headers.get("retry-after"), "1", "healthz, MariaDB down")
                self.assertEqual(r.headers.get("cache-control"), "no-store", "healthz, MariaDB down")
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




def log_lines_since(path, offset, needle):
    """(pid, line) of the lines of a workers.log after byte `offset` that contain needle."""
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    out = []
    for line in text.splitlines():
        m = re.match(r"^shortener\[(\d+)\] ", line)
        if m and needle in line:
            out.append((int(m.group(1)), line))
    return out


class Hammer:
    """`threads` clients requesting `paths` in a loop until stopped: (start time, seconds taken,
    status or exception text) of every request."""

    def __init__(self, base, paths, threads=4):
        self.client = Client(base)
        self.paths = paths
        self.out = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.loop, args=(k,), daemon=True) for k in range(threads)]

    def loop(self, k):
        i = k
        while not self.stop.is_set():
            t0 = time.time()
            try:
                r = self.client.req("GET", self.paths[i % len(self.paths)])
                self.out.append((t0, time.time() - t0, r.status, r.headers.get("retry-after")))
            except Exception as e:  # noqa: BLE001
                self.out.append((t0, time.time() - t0, repr(e), None))
            i += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(2 * HTTP_TIMEOUT)


class WorkerDeathTest(IntegrationTest):
    """An instance of the test's own (the default pool: `shortener --workers 2`)."""

    def test_every_worker_killed_under_load_serves_again_within_2s(self):
        base = self.stack.start_instance(workers=2)
        self.addCleanup(self.stack.stop_instance, Client(base).port)
        url = "https://example.org/kill-all?" + rand_token()
        slug = self.shorten(url, client=Client(base)).json["slug"]
        victims = self.stack.worker_pids(base)
        self.assertEqual(len(victims), 2, victims)
        with Hammer(base, ["/r/" + slug, "/healthz"]) as h:
            time.sleep(0.5)
            t_kill = time.time()
            for pid in victims:
                os.kill(pid, signal.SIGKILL)
            time.sleep(3.0)
        after = [o for o in h.out if o[0] >= t_kill]
        good = [o for o in after if o[2] in (200, 302)]
        self.assertTrue(good, "no answer after the kill: %r" % after[-10:])
        # Served again: the first request after the kill that answered, and everything sent 2 s
        # after the kill answered.
        first_ok = min(o[0] + o[1] for o in good) - t_kill
        late_bad = [o for o in after if o[0] >= t_kill + 2.0 and o[2] not in (200, 302)]
        note("kill -9 of both workers: first answer %.2fs after; statuses after: %r" % (
            first_ok, sorted(set(str(o[2]) for o in after))))
        self.assertLess(first_ok, 2.0)
        self.assertFalse(late_bad, "failed more than 2 s after the kill: %r" % late_bad[:5])
        now = self.stack.worker_pids(base)
        self.assertEqual(len(now), 2, now)
        self.assertFalse(set(now) & set(victims))


class MysqlHangTest(IntegrationTest):
    """SIGSTOP on the stack's own mariadbd (SIGCONT in a finally): the circuit breaker answers 503
    + Retry-After at once, /healthz answers within 2 s, cached redirects keep working, and the
    outage is logged once per worker."""

    HANG = 5.0  # seconds the server is stopped

    def test_hung_mysql_fails_fast_and_is_logged_once(self):
        base = self.stack.start_instance(workers=2)
        c = Client(base)
        self.addCleanup(self.stack.stop_instance, c.port)
        url = "https://example.org/hang?" + rand_token()
        cached = self.shorten(url, client=c).json["slug"]
        for _ in range(4):
            self.assertEqual(c.req("GET", "/r/" + cached).status, 302)  # in memcached now
        log = os.path.join(self.stack.web_dir(base), "workers.log")
        offset = os.path.getsize(log)
        uncached = ["/r/hang" + rand_token() for _ in range(5)]  # misses: MySQL is asked
        mariadbd = int(open(os.path.join(self.stack.dir, "mysql.pid")).read().split()[0])
        os.kill(mariadbd, signal.SIGSTOP)
        try:
            with Hammer(base, uncached, threads=3) as load, Hammer(base, ["/healthz"], threads=1) as hz:
                t0 = time.time()
                cached_seen = []
                while time.time() - t0 < self.HANG:
                    t = time.time()
                    r = c.req("GET", "/r/" + cached)
                    cached_seen.append((r.status, r.headers.get("location"), time.time() - t))
                    time.sleep(0.2)
        finally:
            os.kill(mariadbd, signal.SIGCONT)
        t_cont = time.time()
        back = wait_for(lambda: c.req("GET", "/healthz").status == 200, 8, step=0.1)
        took = time.time() - t_cont
        note("hang %.0fs: %d uncached requests %r, slowest %.2fs; healthz %r, slowest %.2fs; "
             "back %.1fs after SIGCONT" % (
                 self.HANG, len(load.out), sorted(set(str(o[2]) for o in load.out)),
                 max(o[1] for o in load.out), sorted(set(str(o[2]) for o in hz.out)),
                 max(o[1] for o in hz.out), took))
        self.assertTrue(back, "/healthz not 200 8 s after SIGCONT")
        for t0_, took_, status, _ in hz.out:
            self.assertLess(took_, 2.0, "/healthz took %.2fs" % took_)
            self.assertEqual(status, 503)
        for _, took_, status, retry in load.out:
            self.assertEqual(status, 503)
            self.assertEqual(retry, "1")
            self.assertLess(took_, 2.5)
        # The breaker: most requests are refused without waiting for MySQL.
        quick = [o for o in load.out if o[1] < 0.5]
        self.assertGreater(len(quick), len(load.out) // 2, "few quick 503s: %r" % load.out[:20])
        for status, location, took_ in cached_seen:
            self.assertEqual((status, location), (302, url))
            self.assertLess(took_, 2.0)
        # One down line and one up line per worker, whatever the number of requests refused. A
        # worker writes its up line at its first success: requests until each has had one.
        downs = log_lines_since(log, offset, "mysql down")

        def all_up():
            c.req("GET", "/healthz")
            return len(log_lines_since(log, offset, "mysql up again after")) >= len(downs)
        wait_for(all_up, 6, step=0.05)
        ups = log_lines_since(log, offset, "mysql up again after")
        pids = [p for p, _ in downs]
        self.assertTrue(downs)
        self.assertEqual(len(pids), len(set(pids)), downs)
        self.assertEqual(sorted(pids), sorted(p for p, _ in ups), (downs, ups))
        refused = sum(int(re.search(r"; (\d+) requests refused", line).group(1)) for _, line in ups)
        self.assertGreater(refused, len(downs))


if __name__ == "__main__":
    unittest.main()
