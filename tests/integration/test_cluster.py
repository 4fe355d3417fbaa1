"""The service on a three-node MariaDB Galera cluster with a pool of two memcached servers, all on
loopback (scripts/stack/cluster.sh, as `make run-cluster` starts it), and faults under load.

Two instances: A prefers node 1 (then 2, 3), B prefers node 2 (then 3, 1). Under a steady mix of
creations and redirects over both: first, while every node is up, one memcached is killed, then
both, then both restarted; then node 2 is killed (SIGKILL) and restarted (it rejoins by IST), and
node 1 is stopped cleanly and restarted. Afterwards every link answered 201 exists on every node
and redirects through both instances, and the clicks counted equal the redirects answered. 5xx
answers are counted and printed; the only ones allowed are requests in flight at the moment a
node is killed or stopped: none while memcached fails, while Galera notices the killed node, or
while a node rejoins. Also: the same custom slug created through two nodes at the same moment,
100 times: one 201 and one 409 each time, never two 201s.
"""

import os
import random
import signal
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

import harness
from harness import Client, IntegrationTest, change_link, rand_token, wait_for
from test_concurrency import note


class ClusterStack(harness.Stack):
    """harness.Stack on three Galera nodes and a memcached pool instead of one of each."""

    def start_db(self):
        self.sh("cluster-up", self.dir, 3, timeout=400)
        self.db_up = True
        self.load_env()

    def start_memcached(self):
        self.sh("memcached-pool-up", self.dir, 2)
        self.load_env()

    def node_socket(self, n):
        return os.path.join(self.dir, "galera-%d" % n, "mysql.sock")

    def pool_port(self, k):
        with open(os.path.join(self.dir, "memcached-%d" % k, "memcached.port")) as f:
            return int(f.read())

    def memcached_holds(self, k, slug):
        """Whether memcached k holds a redirect entry (or change marker) for `slug`."""
        return self.memcached_get("r2:" + slug, port=self.pool_port(k)) is not None

    def memcached_pid(self, k):
        with open(os.path.join(self.dir, "memcached-%d" % k, "memcached.pid")) as f:
            return int(f.read().split()[0])


class Load:
    """Creations and redirects through both instances from 4 threads until stopped (or 6000
    requests each); every answer is kept as (start, end, thread, method, path, status)."""

    def __init__(self, clients):
        self.clients = clients
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.answers = []
        self.links = {}  # slug -> url, every creation answered 201
        self.clicks = {}  # slug -> redirects answered 302

    def record(self, t0, who, method, path, status):
        with self.lock:
            self.answers.append((t0, time.time(), who, method, path, status))

    def creator(self, k):
        c = self.clients[k % 2]
        for i in range(6000):
            if self.stop.is_set():
                return
            url = "https://example.org/cluster/%d/%d/%s" % (k, i, rand_token())
            t0 = time.time()
            try:
                r = c.req("POST", "/url/shorten", json_body={"url": url, "expires_in": None})
            except OSError as e:
                self.record(t0, k, "POST", "/url/shorten", repr(e))
                continue
            self.record(t0, k, "POST", "/url/shorten", r.status)
            if r.status == 201:
                with self.lock:
                    self.links[r.json["slug"]] = url
            time.sleep(0.02)

    def redirector(self, k):
        rng = random.Random(k)
        for _ in range(6000):
            if self.stop.is_set():
                return
            with self.lock:
                slugs = list(self.links)
            if not slugs:
                time.sleep(0.05)
                continue
            slug = rng.choice(slugs)
            c = self.clients[rng.randrange(2)]
            t0 = time.time()
            try:
                r = c.req("GET", "/r/" + slug)
            except OSError as e:
                self.record(t0, k, "GET", "/r/" + slug, repr(e))
                continue
            self.record(t0, k, "GET", "/r/" + slug, r.status)
            if r.status == 302:
                with self.lock:
                    self.clicks[slug] = self.clicks.get(slug, 0) + 1
            time.sleep(0.01)

    def __enter__(self):
        self.pool = ThreadPoolExecutor(4)
        self.running = [self.pool.submit(self.creator, k) for k in (0, 1)]
        self.running += [self.pool.submit(self.redirector, k) for k in (2, 3)]
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for f in self.running:
            f.result(timeout=30)  # a thread's exception fails the test here
        self.pool.shutdown()


class ClusterTest(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        t0 = time.time()
        cls.stack = ClusterStack()
        try:
            cls.stack.start_db()
            cls.stack.start_memcached()
            note("cluster: three nodes and two memcached up in %.0fs" % (time.time() - t0))
            user, _ = cls.stack.make_user("cluster")
            cls.auth = {"X-API-Key": cls.stack.make_api_key(user)}
            socks = [cls.stack.node_socket(n) for n in (1, 2, 3)]
            cls.a = Client(cls.stack.start_instance(workers=2, env={
                "SHORTENER_MYSQL_SERVERS": ",".join(socks),
                "SHORTENER_MYSQL_FAILBACK_INTERVAL": "3"}), auth=cls.auth)
            cls.b = Client(cls.stack.start_instance(workers=2, env={
                "SHORTENER_MYSQL_SERVERS": ",".join(socks[1:] + socks[:1]),
                "SHORTENER_MYSQL_FAILBACK_INTERVAL": "3"}), auth=cls.auth)
        except BaseException:
            cls.stack.failed = True
            cls.stack.teardown()
            raise
        cls.client = cls.a
        cls.base = cls.a.base
        cls.public = cls.stack.public_base(cls.base)

    @classmethod
    def tearDownClass(cls):
        cls.stack.teardown()

    def run(self, result=None):
        before = (len(result.failures), len(result.errors)) if result is not None else None
        out = super().run(result)
        if result is not None and (len(result.failures), len(result.errors)) != before:
            self.stack.failed = True
        return out

    def on_every_node(self, slugs):
        """For each node, the subset of `slugs` it holds."""
        held = []
        for n in (1, 2, 3):
            found = set()
            chunk = sorted(slugs)
            for i in range(0, len(chunk), 500):
                quoted = ",".join("'%s'" % s for s in chunk[i:i + 500])
                # A causal read: a node that has just rejoined may still be applying what
                # the others committed (certified everywhere, applied asynchronously).
                rows = self.stack.mysql("SET SESSION wsrep_sync_wait = 1; "
                                        "SELECT slug FROM links WHERE slug IN (%s)" % quoted,
                                        socket=self.stack.node_socket(n))
                found.update(r[0] for r in rows)
            held.append(found)
        return held

    def test_1_the_same_custom_slug_through_two_nodes_gets_one_201(self):
        outcomes = {}
        for i in range(100):
            slug = "race-%s-%d" % (rand_token(6), i)
            barrier = threading.Barrier(2)
            got = [None, None]

            def create(k):
                barrier.wait()
                r = (self.a, self.b)[k].req("POST", "/url/shorten", json_body={
                    "url": "https://example.org/race/%d/%d" % (i, k), "slug": slug})
                got[k] = (r.status, (r.json or {}).get("error"))
                bodies[k] = r.body
            bodies = [None, None]
            threads = [threading.Thread(target=create, args=(k,)) for k in (0, 1)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            key = tuple(sorted(got, key=str))
            outcomes[key] = outcomes.get(key, 0) + 1
            if [g[0] for g in got] == [201, 201]:
                rows = [self.stack.mysql("SET SESSION wsrep_sync_wait = 1; SELECT id, url FROM "
                                         "links WHERE slug = '%s'" % slug,
                                         socket=self.stack.node_socket(n)) for n in (1, 2, 3)]
                self.fail("two 201s for %s (try %d): %r; rows on nodes 1-3: %r" % (
                    slug, i, bodies, rows))
            self.assertEqual(sorted(g[0] for g in got), [201, 409], (slug, got))
            self.assertIn((409, "slug_taken"), got)
        note("cluster: same custom slug through nodes 1 and 2 at once, 100 times: %r" % outcomes)

    def test_2_faults_under_load(self):
        events = []  # (what, start, end)

        def fault(what, fn):
            t0 = time.time()
            fn()
            events.append((what, t0, time.time()))
            note("cluster: %s (%.1fs)" % (what, time.time() - t0))

        with Load((self.a, self.b)) as load:
            time.sleep(3)
            fault("memcached 1 killed", lambda: os.kill(self.stack.memcached_pid(1), signal.SIGKILL))
            time.sleep(3)
            fault("memcached 2 killed too", lambda: os.kill(self.stack.memcached_pid(2), signal.SIGKILL))
            time.sleep(3)
            fault("memcached 1 and 2 restarted", lambda: [
                self.stack.sh("memcached-up", os.path.join(self.stack.dir, "memcached-%d" % k))
                for k in (1, 2)])
            time.sleep(3)
            fault("node 2 killed (SIGKILL)", lambda: self.stack.sh("node-kill", self.stack.dir, 2))
            time.sleep(14)  # after its eviction, some seconds on two nodes: no 5xx then
            fault("node 2 restarted, rejoined", lambda: self.stack.sh("node-up", self.stack.dir, 2))
            time.sleep(2)
            fault("node 1 stopped cleanly", lambda: self.stack.sh("node-down", self.stack.dir, 1))
            time.sleep(10)
            fault("node 1 restarted, rejoined", lambda: self.stack.sh("node-up", self.stack.dir, 1))
            time.sleep(2)

        answers = sorted(load.answers)
        failing = [a for a in answers if not isinstance(a[5], int) or a[5] >= 500]
        # The only 5xx allowed: a request in flight on a node at the moment it was killed or
        # stopped (its connection went away mid-statement; a write's outcome is then unknown).
        # Galera notices a killed node in well under the worker's 1 s database timeout
        # (cluster.sh: evs.suspect_timeout), so the requests that wait for that answer in time,
        # and a rejoin (view change, IST) must cost none.
        moments = [(start, end) for what, start, end in events
                   if what.startswith("node") and ("killed" in what or "stopped" in what)]

        def excused(a):
            return any(a[0] <= end and a[1] >= start for start, end in moments)
        t_start = answers[0][0] if answers else time.time()
        in_flight = [a for a in failing if excused(a)]
        unexcused = [a for a in failing if not excused(a)]
        by_status, by_second = {}, {}
        for a in answers:
            key = "%s %s" % (a[3], a[5])
            by_status[key] = by_status.get(key, 0) + 1
        for a in failing:
            key = int(a[0] - t_start)
            by_second[key] = by_second.get(key, 0) + 1

        def show(a):
            return "+%.2fs..+%.2fs %s %s -> %s" % (a[0] - t_start, a[1] - t_start, a[3], a[4], a[5])
        # Everything a reader of a failure needs, in one line: it goes into every assertion's
        # message, since CI may show only the traceback.
        summary = ("%d requests under faults %r; 5xx per second since the start %r; "
                   "events %s; in flight at a kill or stop: %s; not excused: %s" % (
                       len(answers), by_status, by_second,
                       ["%s at +%.1fs..+%.1fs" % (w, t0 - t_start, t1 - t_start)
                        for w, t0, t1 in events],
                       [show(a) for a in in_flight], [show(a) for a in unexcused[:20]]))
        note("cluster: " + summary)
        self.assertGreater(len(load.links), 50, "too few links made under load; " + summary)
        # Both restarted nodes came back with the write sets they missed (IST), not a full copy:
        # the killed one too, whose position the stack recovers from InnoDB before it starts.
        for n in (1, 2):
            with open(os.path.join(self.stack.dir, "galera-%d" % n, "mysql.log")) as f:
                self.assertIn("rsync IST completed on joiner", f.read(),
                              "node %d rejoined without IST" % n)

        # Every link answered 201 is on every node and redirects through both instances.
        slugs = set(load.links)
        for n, held in zip((1, 2, 3), self.on_every_node(slugs)):
            self.assertEqual(sorted(slugs - held), [], "links missing on node %d; %s" % (n, summary))
        clicks = dict(load.clicks)
        for slug, url in sorted(load.links.items()):
            for c in (self.a, self.b):
                r = c.req("GET", "/r/" + slug)
                self.assertEqual((r.status, r.headers.get("location")), (302, url), slug)
                clicks[slug] = clicks.get(slug, 0) + 1

        # Clicks: every redirect answered is counted once, whichever node its worker's batch
        # went to (and however often a batch was retried after a node went away).
        sent = sum(clicks.values())
        quoted = ",".join("'%s'" % s for s in slugs)
        sql = ("SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d JOIN links l "
               "ON l.id = d.link_id WHERE l.slug IN (%s)" % quoted)
        counted = [None]

        def all_counted():
            counted[0] = int(self.stack.mysql(sql, socket=self.stack.node_socket(3))[0][0])
            return counted[0] >= sent
        wait_for(all_counted, 60, step=0.5)
        note("cluster: %d links, %d redirects answered, %d clicks counted" % (
            len(slugs), sent, counted[0]))
        if counted[0] != sent:
            # Lost, doubled, or late (a worker still retrying a batch), and where: each node's
            # sum (causal reads), and the slugs off.
            per_node = [self.stack.mysql("SET SESSION wsrep_sync_wait = 1; " + sql,
                                         socket=self.stack.node_socket(n))[0][0] for n in (1, 2, 3)]
            rows = self.stack.mysql(
                "SELECT l.slug, SUM(d.clicks) FROM link_clicks_daily d JOIN links l ON "
                "l.id = d.link_id WHERE l.slug IN (%s) GROUP BY l.slug" % quoted,
                socket=self.stack.node_socket(3))
            got = {slug: int(n) for slug, n in rows}
            off = sorted((slug, clicks[slug], got.get(slug, 0)) for slug in slugs
                         if got.get(slug, 0) != clicks.get(slug, 0))
            summary += "; per node %s; slugs off (sent, counted): %s" % (per_node, off[:15])
        self.assertEqual(counted[0], sent, "clicks counted != redirects answered; " + summary)
        # No 5xx but the requests in flight at a node's kill or stop.
        self.assertEqual(unexcused, [], summary)

    def test_3_a_change_reaches_a_worker_that_moved_a_dead_servers_keys(self):
        # Two instances of one worker each, so that which worker has noticed what is known:
        # `reader` redirects a link until it has taken the link's dead memcached out of its ring
        # and filled the entry on the other server; `writer` has not touched memcached since the
        # death when it changes the link. Its change marker must reach the server `reader` now
        # reads, or `reader` keeps redirecting to the old target for cache_ttl.
        socks = ",".join(self.stack.node_socket(n) for n in (1, 2, 3))
        writer, reader = (Client(self.stack.start_instance(
            workers=1, env={"SHORTENER_MYSQL_SERVERS": socks}), auth=self.auth) for _ in range(2))
        for change in ("PATCH", "DELETE"):
            # A creation publishes the link's entry, best effort. The writer's first use of a
            # connection to the memcached restarted after the first round finds that socket
            # dead only by failing on it, so that publish is lost (the link's first redirect
            # fills the entry instead): create again until one entry is on one server.
            for _ in range(5):
                old_url = "https://example.org/moved/%s" % rand_token()
                r = writer.req("POST", "/url/shorten",
                               json_body={"url": old_url, "expires_in": None})
                self.assertEqual(r.status, 201, r.body)
                slug = r.json["slug"]
                homes = [k for k in (1, 2) if self.stack.memcached_holds(k, slug)]
                if homes:
                    break
            self.assertEqual(len(homes), 1, "the created link's entry on exactly one server")
            home, other = homes[0], 3 - homes[0]
            os.kill(self.stack.memcached_pid(home), signal.SIGKILL)
            try:
                # A 503 is not this test's subject (a node may still be catching up after
                # test 2's faults, and a sanitized worker is slow): such a redirect is asked
                # again. Only a wrong target fails.
                def redirect():
                    got = None
                    for _ in range(10):
                        got = reader.req("GET", "/r/" + slug)
                        if got.status != 503:
                            break
                        time.sleep(0.5)
                    return (got.status, got.headers.get("location"))

                def refilled_elsewhere():
                    self.assertEqual(redirect(), (302, old_url))
                    return self.stack.memcached_holds(other, slug)
                self.assertTrue(wait_for(refilled_elsewhere, 15, step=0.2),
                                "the reader never refilled %s on memcached %d" % (slug, other))
                want = change_link(self, writer, change, slug, old_url)
                self.assertEqual(redirect(), want,
                                 "%s through a worker that has not noticed memcached %d die, "
                                 "then a redirect through one that has" % (change, home))
            finally:
                self.stack.sh("memcached-up", os.path.join(self.stack.dir, "memcached-%d" % home))
            time.sleep(3)  # both rings whole again (a server out is retried after 2 s)

    def test_4_max_visits_exact_through_two_nodes(self):
        # Instances A and B write through nodes 1 and 2: every visit of a limited link is an
        # UPDATE of the same row on two nodes at once, which Galera certifies one at a time.
        url = "https://example.org/limited/%s" % rand_token()
        r = self.a.req("POST", "/url/shorten",
                       json_body={"url": url, "expires_in": None, "max_visits": 30})
        self.assertEqual(r.status, 201, r.body)
        slug = r.json["slug"]
        statuses = []
        lock = threading.Lock()

        def visit(c):
            for _ in range(20):
                got = c.req("GET", "/r/" + slug).status
                with lock:
                    statuses.append(got)
        with ThreadPoolExecutor(4) as pool:
            for f in [pool.submit(visit, c) for c in (self.a, self.a, self.b, self.b)]:
                f.result(timeout=120)
        by_status = {s: statuses.count(s) for s in set(statuses)}
        self.assertEqual(by_status, {302: 30, 404: 50}, "80 visits of a link with max_visits 30")

        def clicks():
            got = self.b.req("GET", "/api/v1/url-shorteners/" + slug)
            return got.status == 200 and got.json["data"]["clicks"] == 30
        wait_for(clicks, 30, step=0.5)

    def test_5_a_rate_limit_is_shared_by_instances_on_two_nodes(self):
        user, _ = self.stack.make_user("limited")
        auth = {"X-API-Key": self.stack.make_api_key(user)}
        socks = [self.stack.node_socket(n) for n in (1, 2, 3)]
        limited = [Client(self.stack.start_instance(workers=2, env={
            "SHORTENER_MYSQL_SERVERS": ",".join(socks[k:] + socks[:k]),
            "SHORTENER_RATE_LIMIT_CREATE": "12/3600"}), auth=auth) for k in (0, 1)]
        statuses = []
        lock = threading.Lock()

        def create(c, k):
            for i in range(10):
                got = c.req("POST", "/url/shorten", json_body={
                    "url": "https://example.org/rate/%d/%d/%s" % (k, i, rand_token())})
                with lock:
                    statuses.append(got.status)
        with ThreadPoolExecutor(4) as pool:
            for f in [pool.submit(create, limited[k % 2], k) for k in range(4)]:
                f.result(timeout=120)
        by_status = {s: statuses.count(s) for s in set(statuses)}
        self.assertEqual(by_status, {201: 12, 429: 28},
                         "40 creations over two instances, 12 allowed an hour")

    def test_6_purges_run_on_two_nodes_at_once(self):
        # 300 expired links and 10 live ones, written on node 1; purge-expired on nodes 1 and 2
        # at the same moment, in small batches so that their transactions interleave.
        tag = rand_token(8)
        values = ",".join(
            "('px%s%03d', 'https://example.org/expired', UTC_TIMESTAMP() - INTERVAL 2 DAY, "
            "UTC_TIMESTAMP() - INTERVAL 2 DAY, UTC_TIMESTAMP() - INTERVAL %d %s, '{}')" % (
                tag, i, 1 if i < 300 else -30, "HOUR" if i < 300 else "DAY")
            for i in range(310))
        self.stack.mysql("SET time_zone = '+00:00'; INSERT INTO links (slug, url, created_at, "
                         "updated_at, expires_at, metadata) VALUES " + values,
                         socket=self.stack.node_socket(1))
        runs = []
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(self.stack.admin, "purge-expired", "--batch", "25", check=False,
                                   env={"SHORTENER_MYSQL_SERVERS": self.stack.node_socket(n)})
                       for n in (1, 2)]
            runs = [f.result(timeout=300) for f in futures]
        for p in runs:
            self.assertEqual(p.returncode, 0, p.stderr)
        for n in (1, 2, 3):
            left = self.stack.mysql(
                "SET SESSION wsrep_sync_wait = 1; SELECT SUM(expires_at < UTC_TIMESTAMP()), "
                "COUNT(*) FROM links WHERE slug LIKE 'px%s%%'" % tag,
                socket=self.stack.node_socket(n))[0]
            self.assertEqual(left, ("0", "10"), "node %d: expired left, links left" % n)
            held = self.stack.mysql(
                "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*), COUNT(DISTINCT slug) FROM "
                "freed_slugs WHERE slug LIKE 'px%s%%'" % tag, socket=self.stack.node_socket(n))[0]
            self.assertEqual(held, ("300", "300"), "node %d: one hold per purged slug" % n)

    def test_7_a_creation_waits_for_the_cluster_once(self):
        # Causal reads (wsrep_sync_wait): the API key's read waits for the node to catch up (a
        # key revoked through another node must fail at once); the slug's number (NEXTVAL)
        # does not: each node draws its own. Counted by the nodes' wsrep_causal_reads.
        def causal_reads():
            return sum(int(self.stack.mysql("SHOW GLOBAL STATUS LIKE 'wsrep_causal_reads'",
                                            socket=self.stack.node_socket(n))[0][1])
                       for n in (1, 2, 3))
        count = 30
        before = causal_reads()
        for i in range(count):
            r = self.a.req("POST", "/url/shorten",
                           json_body={"url": "https://example.org/causal/%d" % i})
            self.assertEqual(r.status, 201, r.body)
        waits = causal_reads() - before
        note("cluster: %d creations, %d causal reads" % (count, waits))
        self.assertGreaterEqual(waits, count, "each creation's API key read waits")
        # Two waits a creation would be 60; the margin is for other workers' reads meanwhile.
        self.assertLessEqual(waits, count + count // 3, "NEXTVAL does not wait")


if __name__ == "__main__":
    unittest.main()
