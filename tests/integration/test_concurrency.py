"""Many clients at once on the real stack: creation races, redirect load, a worker's graceful stop,
memcached and MariaDB going away under load.

Every test is bounded in request count and time; every request has the harness's 10 s timeout.
Tests that stop shared servers start them again (finally), so the tests after them find the
stack as it was. Failures list what was seen (status, body, timing) for the odd answers.
"""

import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest
from collections import Counter, namedtuple
from concurrent.futures import ThreadPoolExecutor

from harness import (HTTP_TIMEOUT, Client, IntegrationTest, TwoInstancesTest, pid_alive,
                     rand_token)

# One request's outcome: what it was, when it started (time.time()), how long it took,
# the Resp (or None) and the exception (or None).
Outcome = namedtuple("Outcome", "tag started elapsed resp exc")


def call(client, method, path, tag=None, **kw):
    """One request that never raises: an Outcome."""
    t0 = time.time()
    try:
        r = client.req(method, path, **kw)
        return Outcome(tag, t0, time.time() - t0, r, None)
    except Exception as e:  # noqa: BLE001 - recorded and judged by the test
        return Outcome(tag, t0, time.time() - t0, None, e)


def run_all(fn, items, width):
    """fn(item) for every item, `width` at a time; the results in the order of `items`."""
    with ThreadPoolExecutor(max_workers=width) as pool:
        return list(pool.map(fn, items))


def show(o):
    """An Outcome in one line, for failure messages."""
    if o.exc is not None:
        return "%r: %r after %.2fs" % (o.tag, o.exc, o.elapsed)
    r = o.resp
    return "%r: %d loc=%r body=%r after %.2fs" % (o.tag, r.status, r.headers.get("location"),
                                                  r.body[:200], o.elapsed)


def status_counts(outcomes):
    return dict(Counter(o.resp.status if o.exc is None else type(o.exc).__name__
                        for o in outcomes))


def note(msg):
    """What a load test saw, for the person reading the run's output."""
    print("[concurrency] " + msg, file=sys.stderr, flush=True)


def mixed_load(client, slugs, tag, k, stop, outs, lock, max_requests=None):
    """One load thread (number k): redirects over `slugs`, every fifth request a creation of a
    URL under `tag`, until `stop` (or max_requests); each outcome is appended to `outs`."""
    i = 0
    while not stop.is_set() and (max_requests is None or i < max_requests):
        i += 1
        if i % 5 == 0:
            u = "https://example.org/%s/%d-%d" % (tag, k, i)
            o = call(client, "POST", "/url/shorten", tag=("create", u), json_body={"url": u})
        else:
            s = slugs[(k + i) % len(slugs)]
            o = call(client, "GET", "/r/" + s, tag=("redirect", s))
        with lock:
            outs.append(o)


def is_unavailable(resp):
    """A 503 in the shape API.md gives it: JSON error `unavailable`."""
    js = resp.json
    return (resp.status == 503 and isinstance(js, dict) and js.get("ok") is False
            and js.get("error") == "unavailable"
            and resp.headers.get("content-type", "").lower().startswith("application/json"))


def where_is(pid):
    """What a live process is blocked in, from /proc (for failure messages)."""
    out = []
    for name in ("wchan", "syscall"):
        try:
            with open("/proc/%d/%s" % (pid, name)) as f:
                out.append("%s=%s" % (name, f.read().strip()))
        except OSError as e:
            out.append("%s: %s" % (name, e))
    return ", ".join(out)


def holder_of_peer(sock):
    """The pid that holds the other end of the connected unix socket `sock`, or None while no
    process has accepted it. Asked of the kernel (ss, sock_diag): exact, where counting a
    worker's descriptors is fooled by the database and cache connections it opens meanwhile."""
    inode = str(os.fstat(sock.fileno()).st_ino)
    out = subprocess.run(["ss", "-xpnH"], capture_output=True, text=True, timeout=10).stdout
    for line in out.splitlines():
        fields = line.split()
        # u_str ESTAB RECV SEND LOCAL-PATH LOCAL-INODE PEER PEER-INODE users:(("x",pid=N,fd=M))
        if len(fields) >= 9 and fields[7] == inode:
            m = re.search(r"pid=(\d+)", line)
            if m:
                return int(m.group(1))
    return None


def cpu_use(pid, seconds=0.5):
    """The share of one CPU pid burns over `seconds` (a spinning process shows ~100%)."""
    def ticks():
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return fields[0], int(fields[11]) + int(fields[12])
    try:
        state, t0 = ticks()
        time.sleep(seconds)
        _, t1 = ticks()
    except (OSError, IndexError, ValueError) as e:
        return "cpu: %s" % e
    hz = os.sysconf("SC_CLK_TCK")
    return "state %s, %.0f%% CPU" % (state, 100.0 * (t1 - t0) / hz / seconds)


def sql_list(values):
    for v in values:
        assert all(c.isalnum() or c in "_-" for c in v), v
    return ", ".join("'%s'" % v for v in values)


class ConcurrencyTest(TwoInstancesTest):
    """Two instances (the default one and B) on the shared database and memcached."""

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def create_call(client, family, url, tag=None, slug=None):
        """A creation through the account API ("url") or the v1 API ("v1")."""
        if family == "url":
            body = {"url": url}
            path = "/url/shorten"
        else:
            body = {"original_url": url}
            path = "/api/v1/url-shortener"
        if slug is not None:
            body["slug"] = slug
        return call(client, "POST", path, tag=tag, json_body=body)

    @staticmethod
    def created_slug(family, resp):
        js = resp.json or {}
        return js.get("slug") if family == "url" else (js.get("data") or {}).get("slug")

    def make_links(self, n, tag):
        """n links made one by one (both families, both instances); {slug: url}."""
        urls = {}
        for i in range(n):
            u = "https://example.org/%s/%d?k=%s" % (tag, i, rand_token())
            family = "url" if i % 2 == 0 else "v1"
            o = self.create_call(self.a if i % 4 < 2 else self.b, family, u)
            self.assertIsNone(o.exc, show(o))
            self.assertEqual(o.resp.status, 201, show(o))
            urls[self.created_slug(family, o.resp)] = u
        self.assertEqual(len(urls), n)
        return urls

    def wait_memcached(self, clients, state, seconds=5):
        """Until /healthz of every client says memcached is `state` ("up" or "down")."""
        deadline = time.time() + seconds
        for c in clients:
            while True:
                r = c.req("GET", "/healthz")
                if (r.status, (r.json or {}).get("memcached")) == (200, state):
                    break
                self.assertLess(time.time(), deadline, "%s: memcached not seen %s within %ss: %r"
                                % (c.base, state, seconds, r))
                time.sleep(0.1)

    # -- 1. concurrent creation ----------------------------------------------------------------

    def test_concurrent_creation_two_instances_both_families(self):
        tag = "conc-" + rand_token()
        prefix = "https://example.org/%s/" % tag
        jobs = []
        for i in range(200):
            client = self.a if i % 2 == 0 else self.b
            family = "url" if (i // 2) % 2 == 0 else "v1"
            jobs.append((i, client, family, prefix + "%d?x=%s" % (i, rand_token(4))))

        t0 = time.time()
        outs = run_all(lambda j: self.create_call(j[1], j[2], j[3], tag=(j[0], j[1].port, j[2])),
                       jobs, 16)
        note("200 creations, 16 at a time: %.1fs, %r" % (time.time() - t0, status_counts(outs)))
        bad = [o for o in outs if o.exc is not None or o.resp.status != 201]
        self.assertFalse(bad, "creations not answered 201 (%d of 200):\n  %s"
                         % (len(bad), "\n  ".join(show(o) for o in bad[:10])))

        slug_url = {}
        for (i, _c, family, url), o in zip(jobs, outs):
            slug = self.created_slug(family, o.resp)
            self.assertIsNotNone(slug, show(o))
            self.assertNotIn(slug, slug_url, "slug %s given twice (%s and %s)" % (slug, slug_url.get(slug), url))
            slug_url[slug] = url
        self.assertEqual(len(slug_url), 200)

        rows = self.stack.mysql("SELECT slug, url FROM links WHERE url LIKE '%s%%'" % prefix)
        self.assertEqual(len(rows), 200, "rows in MariaDB for the 200 creations")
        self.assertEqual(dict(rows), slug_url, "MariaDB's slug -> url differs from the answers")

        checks = [(s, c) for s in slug_url for c in (self.a, self.b)]
        outs = run_all(lambda sc: call(sc[1], "GET", "/r/" + sc[0], tag=(sc[0], sc[1].port)),
                       checks, 16)
        bad = [o for (s, _c), o in zip(checks, outs)
               if o.exc is not None or (o.resp.status, o.resp.headers.get("location")) != (302, slug_url[s])]
        self.assertFalse(bad, "redirects of the new links wrong (%d of 400):\n  %s"
                         % (len(bad), "\n  ".join(show(o) for o in bad[:10])))

    # -- 2. custom slug race -------------------------------------------------------------------

    def test_custom_slug_race(self):
        slug = "race-" + rand_token()
        n = 20
        barrier = threading.Barrier(n, timeout=HTTP_TIMEOUT)
        jobs = [(i, self.a if i % 2 == 0 else self.b, "url" if (i // 2) % 2 == 0 else "v1",
                 "https://example.org/race/%d" % i) for i in range(n)]

        def one(job):
            i, client, family, url = job
            barrier.wait()  # all 20 leave together
            return self.create_call(client, family, url, tag=(i, client.port, family), slug=slug)

        outs = run_all(one, jobs, n)
        note("custom slug race: %r" % status_counts(outs))
        errs = [o for o in outs if o.exc is not None]
        self.assertFalse(errs, "\n  ".join(show(o) for o in errs))
        won = [(j, o) for j, o in zip(jobs, outs) if o.resp.status == 201]
        lost = [o for o in outs if o.resp.status != 201]
        self.assertEqual(len(won), 1, "exactly one 201 expected:\n  %s" % "\n  ".join(show(o) for o in outs))
        for o in lost:
            self.assert_error(o.resp, 409, "slug_taken", ctx=show(o))
        (_i, _c, family, url), o = won[0]
        self.assertEqual(self.created_slug(family, o.resp), slug)
        rows = self.stack.mysql("SELECT url FROM links WHERE slug = '%s'" % slug)
        self.assertEqual(rows, [(url,)], "one row, the winner's")
        for c in (self.a, self.b):
            r = self.req("GET", "/r/" + slug, client=c)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))

    # -- 3. a generated slug that a custom slug already holds ----------------------------------

    def test_generated_slug_taken_by_custom_slug_skips_to_next_number(self):
        """Generated slugs are made of numbers from the sequence link_slug_numbers (sql/016).
        Learns the slugs of numbers N, N+1, N+2 by making links from a restart at N (no secret is
        computed), removes those rows and restarts the sequence at N again; then a custom link
        takes the slug of N, so the next generated link's number collides: it must still get a
        201, with the slug of N+1, and the custom link must be left alone."""
        n = 8_000_000 + random.randrange(1_000_000)
        self.stack.mysql("ALTER SEQUENCE link_slug_numbers RESTART WITH %d" % n)
        made = [self.shorten("https://example.org/ahead/%d?%s" % (i, rand_token())).json["slug"]
                for i in range(3)]
        self.assertEqual(len(set(made)), 3)
        s_n, s_n1 = made[0], made[1]
        # Nobody asked for these slugs, so nothing about them is in memcached.
        self.stack.mysql("DELETE FROM links WHERE slug IN (%s)" % sql_list(made))
        self.stack.mysql("ALTER SEQUENCE link_slug_numbers RESTART WITH %d" % n)

        custom_url = "https://example.org/custom-holds-generated"
        r = self.shorten(custom_url, client=self.b, slug=s_n)
        self.assertEqual(r.json["slug"], s_n)

        gen_url = "https://example.org/generated-after-collision"
        r = self.v1_create(gen_url, client=self.a)
        rec = r.json["data"]
        self.assertNotEqual(rec["slug"], s_n, "a generated slug equal to an existing custom slug")
        self.assertEqual(rec["slug"], s_n1, "after the collision at N, N+1 (its slug) is taken")

        rows = self.stack.mysql("SELECT slug, url FROM links WHERE slug IN (%s) ORDER BY id"
                                % sql_list(made))
        self.assertEqual(rows, [(s_n, custom_url), (s_n1, gen_url)])
        for c in (self.a, self.b):
            for s, u in ((s_n, custom_url), (s_n1, gen_url)):
                r = self.req("GET", "/r/" + s, client=c)
                self.assertEqual((r.status, r.headers.get("location")), (302, u), s)

    # -- 4. redirect load, memcached going away halfway ----------------------------------------

    def test_redirect_load_memcached_stops_halfway(self):
        urls = self.make_links(20, "load-" + rand_token())
        slugs = list(urls)
        jobs = [(slugs[i % 20], self.a if i % 2 == 0 else self.b) for i in range(200)]

        def one(job):
            slug, client = job
            return call(client, "GET", "/r/" + slug, tag=(slug, client.port))

        def check(outs, phase):
            bad = [o for o in outs if o.exc is not None
                   or (o.resp.status, o.resp.headers.get("location")) != (302, urls[o.tag[0]])]
            slow = max(o.elapsed for o in outs)
            note("redirect load, %s: %r, slowest %.2fs" % (phase, status_counts(outs), slow))
            self.assertFalse(bad, "%s: %d of %d redirects wrong:\n  %s"
                             % (phase, len(bad), len(outs), "\n  ".join(show(o) for o in bad[:10])))

        check(run_all(one, jobs, 32), "memcached up")
        self.stack.stop_memcached()
        try:
            self.wait_memcached([self.a, self.b], "down")
            check(run_all(one, jobs, 32), "memcached down")
        finally:
            self.stack.start_memcached()
        self.wait_memcached([self.a, self.b], "up")
        check(run_all(one, jobs[:64], 32), "memcached back")

    # -- 6. MariaDB restart under load ---------------------------------------------------------

    def test_mysql_restart_under_load(self):
        urls = self.make_links(16, "dbload-" + rand_token())
        slugs = list(urls)
        # Half of them cached (asked once), half never asked before the restart.
        for s in slugs[:8]:
            self.assertEqual(self.req("GET", "/r/" + s).status, 302)
        tag = "dbload-new-" + rand_token()
        stop = threading.Event()
        lock = threading.Lock()
        outs = []
        restart = {}

        def loop(k):
            client = self.a if k % 2 == 0 else self.b
            i = 0
            while not stop.is_set():
                i += 1
                if i % 2 == 0:
                    family = "url" if (i // 2) % 2 == 0 else "v1"
                    u = "https://example.org/%s/%d-%d" % (tag, k, i)
                    o = self.create_call(client, family, u, tag=("create", family, u, client.port))
                else:
                    s = slugs[(k * 7 + i) % len(slugs)]
                    o = call(client, "GET", "/r/" + s, tag=("redirect", s, client.port))
                with lock:
                    outs.append(o)
                time.sleep(0.01)

        t_start = time.time()
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(loop, k) for k in range(8)]
            try:
                time.sleep(1.5)
                restart["begin"] = time.time()
                self.stack.restart_mysql()
                restart["end"] = time.time()
                # Load goes on after the restart: at least 1.5 s of it, ~6 s in all.
                time.sleep(max(1.5, 6.0 - (time.time() - t_start)))
            finally:
                stop.set()
                for f in futures:
                    f.result(timeout=2 * HTTP_TIMEOUT)

        during = [o for o in outs if o.started < restart["end"]]
        after = [o for o in outs if o.started >= restart["end"]]
        note("MariaDB restart took %.1fs; during: %r; after: %r" % (
            restart["end"] - restart["begin"], status_counts(during), status_counts(after)))

        def acceptable(o):
            if o.exc is not None:
                return False
            r = o.resp
            if is_unavailable(r):
                return True
            if o.tag[0] == "create":
                return r.status == 201 and self.created_slug(o.tag[1], r) is not None
            return (r.status, r.headers.get("location")) == (302, urls[o.tag[1]])

        bad = [o for o in outs if not acceptable(o)]
        self.assertFalse(bad, "answers other than 201/302 (right target) or 503 unavailable "
                         "(%d of %d):\n  %s" % (len(bad), len(outs), "\n  ".join(show(o) for o in bad[:10])))
        slow = [o for o in outs if o.elapsed >= HTTP_TIMEOUT - 0.5]
        self.assertFalse(slow, "hung: %s" % "\n  ".join(show(o) for o in slow[:5]))
        self.assertGreater(len(after), 8, "too little load after the restart to judge")
        failed_after = [o for o in after if o.resp.status not in (201, 302)]
        self.assertFalse(failed_after, "after the restart completed, requests failed (%d of %d):\n  %s"
                         % (len(failed_after), len(after), "\n  ".join(show(o) for o in failed_after[:10])))

        created = {self.created_slug(o.tag[1], o.resp): o.tag[2]
                   for o in outs if o.tag[0] == "create" and o.resp.status == 201}
        self.assertTrue(created)
        rows = dict(self.stack.mysql("SELECT slug, url FROM links WHERE slug IN (%s)" % sql_list(created)))
        lost = {s: u for s, u in created.items() if rows.get(s) != u}
        self.assertFalse(lost, "answered 201 but not in MariaDB (or another url): %d of %d: %r"
                         % (len(lost), len(created), sorted(lost.items())[:10]))


class GracefulStopTest(IntegrationTest):
    """SIGTERM to one worker of an instance of the test's own (2 workers, stopped afterwards)."""

    def setUp(self):
        self.c = Client(self.stack.start_instance(workers=2))
        self.addCleanup(self.stack.stop_instance, self.c.port)
        self.web_dir = os.path.join(self.stack.dir, "web-%d" % self.c.port)
        self.pids = self.stack.worker_pids(self.c.base)
        self.assertEqual(len(self.pids), 2, self.pids)
        self.assertTrue(all(pid_alive(p) for p in self.pids), self.pids)

    def sigterm_and_wait(self, pid, seconds=5.0):
        """SIGTERM to pid; (seconds it took to exit, None) or (None, what it was doing when
        still alive after `seconds`). A worker that outlives SIGTERM gets SIGKILL here, so the
        instance's stop (which would wait 15 s for it) stays quick."""
        t0 = time.time()
        os.kill(pid, signal.SIGTERM)
        while pid_alive(pid) and time.time() - t0 < seconds:
            time.sleep(0.02)
        if not pid_alive(pid):
            return time.time() - t0, None
        state = "%s; %s" % (where_is(pid), cpu_use(pid))
        os.kill(pid, signal.SIGKILL)
        deadline = time.time() + 5
        while pid_alive(pid) and time.time() < deadline:
            time.sleep(0.02)
        return None, state

    def test_sigterm_to_a_worker_under_load(self):
        urls = {}
        for i in range(6):
            u = "https://example.org/graceful/%d?%s" % (i, rand_token())
            urls[self.shorten(u, client=self.c).json["slug"]] = u
        slugs = list(urls)
        stop = threading.Event()
        lock = threading.Lock()
        outs = []

        def loop(k):
            mixed_load(self.c, slugs, "graceful-new", k, stop, outs, lock)

        victim = self.pids[0]
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(loop, k) for k in range(8)]
            try:
                time.sleep(1.0)
                t_kill = time.time()
                exited_after, stuck = self.sigterm_and_wait(victim)
                time.sleep(max(0.0, 3.0 - (time.time() - t_kill)))  # 3 s of load after the SIGTERM
            finally:
                stop.set()
                for f in futures:
                    f.result(timeout=2 * HTTP_TIMEOUT)

        before = [o for o in outs if o.started < t_kill]
        after = [o for o in outs if o.started >= t_kill]
        note("SIGTERM to worker %d under load: %s; before: %r; after: %r" % (
            victim, "exited after %.2fs" % exited_after if stuck is None else "STUCK: " + stuck,
            status_counts(before), status_counts(after)))
        self.assertIsNone(stuck, "worker %d still alive 5 s after SIGTERM (killed now): %s"
                          % (victim, stuck))
        self.assertTrue(pid_alive(self.pids[1]), "the other worker died too")

        def ok(o):
            if o.exc is not None:
                return False
            r = o.resp
            if o.tag[0] == "create":
                return r.status == 201
            return (r.status, r.headers.get("location")) == (302, urls[o.tag[1]])

        odd = [o for o in outs if not ok(o)]
        # lighttpd may answer 503 while it notices its pool shrank; nothing else is excused.
        lighttpd_503 = [o for o in odd if o.exc is None and o.resp.status == 503]
        if lighttpd_503:
            note("503s after the SIGTERM (%d): %s" % (len(lighttpd_503), "; ".join(
                show(o) for o in lighttpd_503[:5])))
        bad = [o for o in odd if o not in lighttpd_503]
        self.assertFalse(bad, "failed requests around the SIGTERM (%d of %d):\n  %s"
                         % (len(bad), len(outs), "\n  ".join(show(o) for o in bad[:10])))
        self.assertGreater(len(after), 20, "too little load after the SIGTERM to judge")

        # The instance keeps serving on the worker left, and the stopped one said goodbye.
        for s in slugs:
            r = self.req("GET", "/r/" + s, client=self.c)
            self.assertEqual((r.status, r.headers.get("location")), (302, urls[s]))
        with open(os.path.join(self.web_dir, "workers.log"), "rb") as f:
            self.assertIn(("shortener[%d] info: worker stopping" % victim).encode(), f.read())

    def test_sigterm_just_after_accept(self):
        """lighttpd connects to the FastCGI socket, then writes the request: in between, the
        worker that accepted waits (libfcgi: up to 2 s) for the first bytes. A SIGTERM landing
        in that wait must still stop the worker. Under load this window is hit now and then;
        here it is opened on purpose by connecting to the socket and sending nothing."""
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(conn.close)
        conn.settimeout(5)
        conn.connect(os.path.join(self.web_dir, "fcgi.sock"))
        # Seconds, not milliseconds, when the machine is busy: the accepting worker must be
        # scheduled first. libfcgi then waits up to 2 s for the first bytes, so there is time.
        deadline = time.time() + 1.9
        holder = None
        while time.time() < deadline and holder is None:
            holder = holder_of_peer(conn)
            if holder is None:
                time.sleep(0.01)
        self.assertIn(holder, self.pids, "no worker took the connection within 1.9 s (holder: %r)"
                      % holder)
        took = [holder]
        victim = took[0]
        time.sleep(0.05)  # into the wait for the request's first bytes
        exited_after, stuck = self.sigterm_and_wait(victim)
        note("SIGTERM to worker %d holding a connection with no request yet: %s" % (
            victim, "exited after %.2fs" % exited_after if stuck is None else "STUCK: " + stuck))
        self.assertIsNone(stuck, "worker %d, SIGTERMed while waiting for a new connection's "
                          "first bytes, still alive 5 s later (killed now): %s" % (victim, stuck))
        other = [p for p in self.pids if p != victim][0]
        self.assertTrue(pid_alive(other), "the other worker died too")
        r = self.req("GET", "/healthz", client=self.c)
        self.assertEqual(r.status, 200, r)


if __name__ == "__main__":
    unittest.main()
