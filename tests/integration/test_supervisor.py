"""The supervised pool (`shortener --workers N`): a killed worker is replaced under load, SIGHUP
re-reads the config, SIGTERM stops the pool, a dead supervisor takes its workers along, and
/metrics sums the counters of every worker.

Each class runs its own instance (the development lighttpd in front); load is bounded in count
and time.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

from harness import (REPO, Client, IntegrationTest, children, free_port, pid_alive, pool_pids,
                     rand_token, read_pids, wait_for)
from test_concurrency import mixed_load, note, show, status_counts


def read_text(path):
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "replace")


SAMPLE = re.compile(r"^([a-z_]+)(\{.*\})? ([0-9.e+-]+|\+Inf)$")


def parse_metrics(text):
    """{(name, labels): value} of a Prometheus text exposition; checks every line's form."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


class PoolInstance:
    """An instance of the test's own: lighttpd + `shortener --workers N` (pool "supervisor") or
    N single workers forked by spawn-fcgi (pool None)."""

    def __init__(self, stack, workers, env=None, pool="supervisor"):
        self.stack = stack
        self.workers = workers
        self.base = stack.start_instance(workers=workers, env=env, pool=pool)
        self.client = Client(self.base)
        self.dir = stack.web_dir(self.base)
        with open(os.path.join(self.dir, "workers.pid")) as f:
            self.master = int(f.read().split()[0])

    def stop(self):
        self.stack.stop_instance(self.client.port)

    def log(self):
        return read_text(os.path.join(self.dir, "workers.log"))

    def metrics(self):
        r = self.client.req("GET", "/metrics")
        assert r.status == 200, r
        return r, parse_metrics(r.body.decode())


def check_metrics_sum_the_pool(test, pool):
    """Whichever worker answers a scrape, it reports the whole pool's numbers."""
    slug = test.shorten("https://example.org/metrics/" + rand_token(), client=pool.client).json["slug"]
    # The pool answers once one worker is up; the others join the shared counters as they
    # finish starting (a loaded machine takes a while), so wait, bounded, until all have.
    slots = ("shortener_worker_slots", "")
    deadline = time.time() + 15
    while pool.metrics()[1].get(slots) != pool.workers and time.time() < deadline:
        time.sleep(0.2)
    r, before = pool.metrics()
    test.assertTrue(r.headers["content-type"].startswith("text/plain; version=0.0.4"), r.headers)
    test.assertEqual(r.headers.get("x-content-type-options"), "nosniff")
    key = ("shortener_http_requests_total", '{route="/r/{slug}",status="302"}')
    none_key = ("shortener_http_requests_total", '{route="none",status="404"}')
    hits = ("shortener_cache_hits_total", "")
    misses = ("shortener_cache_misses_total", "")
    for _ in range(30):
        test.assertEqual(test.req("GET", "/r/" + slug, client=pool.client).status, 302)
    test.assertEqual(test.req("GET", "/no/such/path", client=pool.client).status, 404)
    # A creation publishes its link's cache entry, so the miss comes from an unknown slug.
    test.assertEqual(test.req("GET", "/r/none" + rand_token(), client=pool.client).status, 404)
    # Scrapes land on any of the workers: each must report the whole pool's numbers.
    for _ in range(8):
        _, m = pool.metrics()
        test.assertEqual(m.get(key, 0), before.get(key, 0) + 30, m)
        test.assertEqual(m.get(none_key, 0), before.get(none_key, 0) + 1)
        test.assertGreaterEqual(m[hits] - before[hits], 25)
        test.assertGreaterEqual(m[misses] - before[misses], 1)
        test.assertEqual(m[("shortener_worker_slots", "")], pool.workers)
        test.assertIn(("shortener_database_errors_total", ""), m)
        route = '{route="/r/{slug}"'
        count = m[("shortener_http_request_duration_seconds_count", route + "}")]
        # One observation per answered request of the route, whatever its status.
        test.assertEqual(count, sum(v for (n, lab), v in m.items()
                                    if n == "shortener_http_requests_total" and lab.startswith(route + ",")))
        test.assertEqual(m[("shortener_http_request_duration_seconds_bucket",
                            route + ',le="+Inf"}')], count)
        buckets = [v for (n, lab), v in m.items()
                   if n == "shortener_http_request_duration_seconds_bucket" and lab.startswith(route)]
        test.assertEqual(len(buckets), 14)
        test.assertGreater(m[("shortener_http_request_duration_seconds_sum", route + "}")], 0)


class SupervisedPoolTest(IntegrationTest):
    """Three workers under one supervisor; the config comes from a file, so SIGHUP can change it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = os.path.join(cls.stack.dir, "supervised-%s.conf" % rand_token())
        with open(cls.config, "w") as f:
            f.write("log_level = warn\n")
        cls.pool = PoolInstance(cls.stack, 3, env={"SHORTENER_CONFIG": cls.config})
        cls.c = cls.pool.client

    @classmethod
    def tearDownClass(cls):
        cls.pool.stop()
        super().tearDownClass()

    def test_pool_runs_n_workers_on_one_socket(self):
        kids = children(self.pool.master)
        self.assertEqual(len(kids), 3, kids)
        sock = os.readlink("/proc/%d/fd/0" % self.pool.master)
        for k in kids:
            self.assertEqual(os.readlink("/proc/%d/fd/0" % k), sock)
        # log_level = warn from the file: the supervisor's info line about starting is not there.
        self.assertNotIn("workers started", self.pool.log())

    def test_killed_worker_is_replaced_under_load(self):
        urls = {}
        for i in range(6):
            u = "https://example.org/supervised/%d?%s" % (i, rand_token())
            urls[self.shorten(u, client=self.c).json["slug"]] = u
        slugs = list(urls)
        _, before = self.pool.metrics()
        restarts_before = before[("shortener_worker_restarts_total", "")]
        stop = threading.Event()
        lock = threading.Lock()
        outs = []

        def loop(k):
            mixed_load(self.c, slugs, "supervised-new", k, stop, outs, lock, max_requests=2000)

        kids = children(self.pool.master)
        victim = kids[0]
        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(loop, k) for k in range(6)]
            try:
                time.sleep(1.0)
                t_kill = time.time()
                os.kill(victim, signal.SIGKILL)
                replaced = wait_for(lambda: len(children(self.pool.master)) == 3
                                    and victim not in children(self.pool.master), 5)
                time.sleep(max(0.0, 2.0 - (time.time() - t_kill)))
            finally:
                stop.set()
                for f in futures:
                    f.result(timeout=30)

        def ok(o):
            if o.exc is not None:
                return False
            if o.tag[0] == "create":
                return o.resp.status == 201
            return (o.resp.status, o.resp.headers.get("location")) == (302, urls[o.tag[1]])

        bad = [o for o in outs if not ok(o)]
        after = [o for o in outs if o.started >= t_kill]
        note("SIGKILL to worker %d under load: %s; after: %r; odd: %s" % (
            victim, status_counts(outs), status_counts(after), "; ".join(show(o) for o in bad[:5])))
        self.assertTrue(replaced, "pool not back to 3 workers: %r" % children(self.pool.master))
        # At most the request the killed worker was serving fails.
        self.assertLessEqual(len(bad), 1, "failed requests around the kill (%d of %d):\n  %s"
                             % (len(bad), len(outs), "\n  ".join(show(o) for o in bad[:10])))
        self.assertGreater(len(after), 20, "too little load after the kill to judge")
        self.assertIn("worker %d (slot " % victim, self.pool.log())
        self.assertIn("killed by signal 9; replacing it", self.pool.log())
        _, m = self.pool.metrics()
        self.assertEqual(m[("shortener_worker_restarts_total", "")], restarts_before + 1)

    def test_metrics_sum_every_worker(self):
        check_metrics_sum_the_pool(self, self.pool)

    def test_sighup_rereads_the_config(self):
        master = self.pool.master
        kids = children(master)
        with open(self.config, "w") as f:
            f.write("log_level = debug\n")
        os.kill(master, signal.SIGHUP)

        def all_reloaded():
            # An idle worker waiting in poll reloads at once; one that lost the race for the
            # last connection sits in accept and reloads before its next request: keep asking.
            self.c.req("GET", "/healthz")
            return all("shortener[%d] debug: reload: configuration re-read" % k in self.pool.log()
                       for k in kids)

        self.assertTrue(wait_for(all_reloaded, 5, step=0.02), self.pool.log()[-2000:])
        self.assertIn("shortener[%d] info: reload: configuration re-read" % master, self.pool.log())
        # A config that no longer loads: reported, the running one stays, nobody restarts.
        with open(self.config, "w") as f:
            f.write("log_levle = debug\n")
        os.kill(master, signal.SIGHUP)
        self.assertTrue(wait_for(lambda: "keeping the running configuration" in self.pool.log(), 5))
        self.assertIn("log_levle", self.pool.log())
        self.assertEqual(children(master), kids)
        self.assertEqual(self.req("GET", "/healthz", client=self.c).status, 200)
        with open(self.config, "w") as f:
            f.write("log_level = warn\n")
        os.kill(master, signal.SIGHUP)


class PoolStopTest(IntegrationTest):
    """Stopping a supervised pool: SIGTERM, and the supervisor's own death."""

    def setUp(self):
        self.pool = PoolInstance(self.stack, 2)
        self.addCleanup(self.pool.stop)

    def test_sigterm_stops_every_worker(self):
        kids = children(self.pool.master)
        self.assertEqual(len(kids), 2)
        for _ in range(5):
            self.assertEqual(self.req("GET", "/healthz", client=self.pool.client).status, 200)
        os.kill(self.pool.master, signal.SIGTERM)
        gone = wait_for(lambda: not any(pid_alive(p) for p in kids + [self.pool.master]), 5)
        self.assertTrue(gone, "still alive 5 s after SIGTERM: %r"
                        % [p for p in kids + [self.pool.master] if pid_alive(p)])
        log = self.pool.log()
        for k in kids:
            self.assertIn("shortener[%d] info: worker stopping" % k, log)
        self.assertIn("shortener[%d] info: supervisor: all workers stopped" % self.pool.master, log)
        self.assertNotIn("replacing it", log)

    def test_workers_follow_a_killed_supervisor(self):
        kids = children(self.pool.master)
        self.assertEqual(len(kids), 2)
        os.kill(self.pool.master, signal.SIGKILL)
        gone = wait_for(lambda: not any(pid_alive(p) for p in kids), 5)
        self.assertTrue(gone, "workers outlived their supervisor: %r" % [p for p in kids if pid_alive(p)])


class SpawnFcgiPoolTest(IntegrationTest):
    """spawn-fcgi stays a supported way to run the pool (docs/operations.md): N workers forked
    by spawn-fcgi on one socket, no supervisor."""

    def test_spawn_fcgi_pool_serves_and_stops(self):
        base = self.stack.start_instance(workers=2, pool="spawn-fcgi")
        c = Client(base)
        try:
            pids = self.stack.worker_pids(base)
            self.assertEqual(len(pids), 2, pids)
            for p in pids:
                self.assertEqual(children(p), [], "a spawn-fcgi worker has children")
            url = "https://example.org/spawn-fcgi?" + rand_token()
            slug = self.shorten(url, client=c).json["slug"]
            r = c.req("GET", "/r/" + slug)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))
            status = self.stack.sh("status", self.stack.dir).stdout.decode()
            self.assertRegex(status, r"web %d +running, .*, 2 workers: %d %d\n" % ((c.port,) + tuple(pids)))
        finally:
            self.stack.stop_instance(c.port)
        self.assertFalse([p for p in pids if pid_alive(p)])


class MakeRunTest(unittest.TestCase):
    """`make run` on a stack directory of its own (STACK_DIR): SIGTERM to make, or Ctrl-C (SIGINT
    to its process group), returns only once everything it started is gone, so a second
    `make run` right after starts at once; `stack.sh status` counts a supervisor pool right."""

    def start(self, d, port, out):
        build = os.path.relpath(os.path.dirname(os.environ.get(
            "STACK_WORKER_BIN", os.path.join(REPO, "build", "shortener"))), REPO)
        if build.startswith(".."):
            self.skipTest("the worker under test is not built inside the checkout")
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHORTENER_")}
        env.update(STACK_DIR=d, MAKEFLAGS="")
        p = subprocess.Popen(["make", "--no-print-directory", "-C", REPO, "run", "BUILD=" + build,
                              "PORT=%d" % port, "WORKERS=2"], env=env, stdin=subprocess.DEVNULL,
                             stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        c = Client("http://127.0.0.1:%d" % port, auth=None)

        def up():
            try:
                return c.req("GET", "/healthz").status == 200
            except OSError:
                return p.poll() is not None
        self.assertTrue(wait_for(up, 150, step=0.2), "make run did not come up")
        self.assertIsNone(p.poll(), "make run exited")
        return p

    def stack_pids(self, d, port):
        w = os.path.join(d, "web-%d" % port)
        own = [read_pids(os.path.join(d, n)) for n in ("mysql.pid", "memcached.pid", "run.pid")]
        own += [read_pids(os.path.join(w, n)) for n in ("lighttpd.pid", "workers.pid")]
        pids = [x[0] for x in own if x]
        return pids + pool_pids(w)

    def test_make_run_returns_only_when_all_is_stopped(self):
        d = tempfile.mkdtemp(prefix="mr-", dir="/tmp")
        port = free_port()
        out = open(os.path.join(d, "make-run.out"), "wb")
        passed = False
        try:
            for stop in ("SIGTERM to make", "Ctrl-C"):
                p = self.start(d, port, out)
                status = subprocess.run([os.path.join(REPO, "scripts", "stack.sh"), "status", d],
                                        stdout=subprocess.PIPE, text=True, timeout=30).stdout
                self.assertRegex(status, r"supervisor pid \d+, 2 workers: \d+ \d+\n")
                pids = self.stack_pids(d, port)
                self.assertEqual(len(pids), 7, (pids, status))  # db, mc, run.sh, web, 1+2 pool
                if stop == "Ctrl-C":
                    os.killpg(p.pid, signal.SIGINT)
                else:
                    p.send_signal(signal.SIGTERM)
                p.wait(timeout=90)
                left = [(x, read_text("/proc/%d/cmdline" % x)) for x in pids if pid_alive(x)]
                self.assertFalse(left, "%s: make returned with these still running" % stop)
            passed = True
        finally:
            out.close()
            subprocess.run([os.path.join(REPO, "scripts", "stack.sh"), "down", d], timeout=120,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if passed:
                shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()


class SpawnFcgiPoolMetricsTest(IntegrationTest):
    """Three single workers forked by spawn-fcgi (no supervisor, no common parent of ours): they
    share their counters through a shared-memory object keyed by their socket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pool = PoolInstance(cls.stack, 3, pool="spawn-fcgi")

    @classmethod
    def tearDownClass(cls):
        cls.pool.stop()
        super().tearDownClass()

    def test_metrics_sum_every_worker(self):
        with open(os.path.join(self.pool.dir, "workers.pid")) as f:
            self.assertEqual(len(f.read().split()), 3)
        check_metrics_sum_the_pool(self, self.pool)
        self.assertNotIn("this worker's counters only", self.pool.log())
