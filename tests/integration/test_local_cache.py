"""The in-worker redirect cache (local_cache_ttl; API.md "A PATCH or DELETE is seen ...",
docs/configuration.md) on the real stack: three instances on one database and memcached, two of
them on "host 1" (they share a local_cache_change_file) and one on "host 2" (its own file).

Asserted is what the contract promises, nothing more: a change is seen at once by every worker
of the host it was made on, and within local_cache_ttl (plus slack for the clock's whole
seconds and the poll) on the other host; an expired link stops at its time; max_visits stays
exact and clicks are all counted. How long a copy may stay stale is not asserted (a copy may
always be dropped early)."""

import os
import time

from harness import Client, IntegrationTest, parse_iso, rand_token

TTL = 5  # local_cache_ttl of the three instances, seconds
EXPIRES_IN = 3  # the expiring link's lifetime: below TTL
SLACK = 2  # the clock's whole seconds, and the poll
REPEAT = 16  # redirects per check: over 2 workers, each is very likely asked several times


class LocalCacheTest(IntegrationTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

        def instance(host, workers):
            return cls.stack.start_instance(workers=workers, env={
                "SHORTENER_LOCAL_CACHE_TTL": str(TTL),
                "SHORTENER_LOCAL_CACHE_CHANGE_FILE": os.path.join(cls.stack.dir, host + ".changes"),
            })

        cls.host1 = Client(instance("host1", 2))
        cls.host1_other = Client(instance("host1", 1))  # another pool of host 1
        cls.host2 = Client(instance("host2", 2))

    @classmethod
    def tearDownClass(cls):
        for c in (cls.host1, cls.host1_other, cls.host2):
            cls.stack.stop_instance(c.port)
        super().tearDownClass()

    def targets(self, client, slug, n=REPEAT):
        """What n redirects of `slug` through `client` answered: Location, or the status."""
        seen = []
        for _ in range(n):
            r = self.req("GET", "/r/" + slug, client=client)
            seen.append(r.headers.get("location") if r.status in (301, 302, 307, 308) else r.status)
        return seen

    def link(self, tag, **fields):
        url = "https://example.org/local/%s/%s" % (tag, rand_token())
        return self.v1_create(url, client=self.host1, **fields).json["data"]["slug"], url

    def warm(self, slug, url):
        """Every worker of both hosts has had the link (its copy kept from a memcached hit)."""
        for c in (self.host1, self.host1_other, self.host2):
            self.assertEqual(self.targets(c, slug), [url] * REPEAT)

    def patch(self, client, slug, url):
        r = self.req("PATCH", "/api/v1/url-shorteners/" + slug, client=client,
                     json_body={"original_url": url})
        self.assertEqual(r.status, 200, self.describe("PATCH", slug, r))

    def assert_seen_within_ttl(self, client, slug, expected, since):
        """Polls `slug` on `client` until it answers `expected`; fails past TTL + SLACK."""
        while True:
            answers = self.targets(client, slug, n=2 * REPEAT)
            if answers == [expected] * len(answers):
                return
            self.assertLess(time.time() - since, TTL + SLACK,
                            "still %r %.1f s after the change (local_cache_ttl %d)"
                            % (answers, time.time() - since, TTL))
            time.sleep(0.2)

    def local_hits(self, client):
        """The pool's shortener_local_cache_hits_total (GET /metrics sums every worker)."""
        r = self.req("GET", "/metrics", client=client)
        for line in r.body.decode().splitlines():
            if line.startswith("shortener_local_cache_hits_total "):
                return float(line.split()[1])
        self.fail("no shortener_local_cache_hits_total in /metrics: %r" % r.body[:300])

    def test_a_kept_link_is_answered_from_memory(self):
        # docs/configuration.md: a link a worker holds costs no memcached get. Of REPEAT
        # redirects over 2 workers, only each worker's first can have needed one.
        slug, url = self.link("memory")
        before = self.local_hits(self.host1)
        self.assertEqual(self.targets(self.host1, slug), [url] * REPEAT)
        self.assertGreaterEqual(self.local_hits(self.host1) - before, REPEAT - 2)

    def test_a_patch_is_seen_at_once_on_its_host_and_within_the_ttl_elsewhere(self):
        slug, old = self.link("patch")
        self.warm(slug, old)
        new = old + "/changed"
        self.patch(self.host1_other, slug, new)
        changed = time.time()
        # Host 1: the pool that made the change and the other pool, every worker, at once.
        self.assertEqual(self.targets(self.host1, slug), [new] * REPEAT)
        self.assertEqual(self.targets(self.host1_other, slug), [new] * REPEAT)
        self.assert_seen_within_ttl(self.host2, slug, new, changed)
        # And the other way round: a change made on host 2 reaches host 1 within the TTL.
        newer = old + "/changed-again"
        self.warm(slug, new)
        self.patch(self.host2, slug, newer)
        changed = time.time()
        self.assertEqual(self.targets(self.host2, slug), [newer] * REPEAT)
        self.assert_seen_within_ttl(self.host1, slug, newer, changed)
        self.assert_seen_within_ttl(self.host1_other, slug, newer, changed)

    def test_a_delete_is_seen_at_once_by_every_worker_of_its_host(self):
        slug, url = self.link("delete")
        self.warm(slug, url)
        r = self.req("DELETE", "/api/v1/url-shorteners/" + slug, client=self.host1)
        self.assertEqual(r.status, 204, self.describe("DELETE", slug, r))
        deleted = time.time()
        for c in (self.host1, self.host1_other):
            self.assertEqual(self.targets(c, slug), [404] * REPEAT)
        self.assert_seen_within_ttl(self.host2, slug, 404, deleted)

    def test_a_change_behind_the_service_is_seen_within_the_ttl(self):
        # Straight into MariaDB, and its memcached entry deleted: no host's counters are told, as
        # when the change was made on another host.
        slug, old = self.link("behind")
        self.warm(slug, old)
        new = old + "/behind"
        self.stack.mysql("UPDATE links SET url = '%s' WHERE slug = '%s'" % (new, slug))
        self.stack.forget_cached([slug])
        changed = time.time()
        for c in (self.host1, self.host1_other, self.host2):
            self.assert_seen_within_ttl(c, slug, new, changed)

    def test_an_expired_link_stops_at_its_time(self):
        # Its copies are made now and kept TTL seconds; it expires before that.
        url = "https://example.org/local/expiry/" + rand_token()
        data = self.v1_create(url, client=self.host1, expires_in=EXPIRES_IN).json["data"]
        expires_at = parse_iso(data["expiration_date"])
        self.warm(data["slug"], url)
        self.assertLess(time.time(), expires_at, "too slow to warm before the expiry")
        time.sleep(max(0, expires_at - time.time()) + 0.1)
        for c in (self.host1, self.host1_other, self.host2):
            self.assertEqual(self.targets(c, data["slug"]), [404] * REPEAT)

    def test_max_visits_stays_exact(self):
        slug, url = self.link("limited", max_visits=5)
        answers = []
        for c in (self.host1, self.host2, self.host1_other) * 4:
            answers += self.targets(c, slug, n=1)
        self.assertEqual(answers.count(url), 5, answers)
        self.assertEqual(answers.count(404), len(answers) - 5, answers)

    def test_every_click_is_counted(self):
        slug, url = self.link("clicks")
        link_id = int(self.req("GET", "/api/v1/url-shorteners/" + slug, client=self.host1)
                      .json["data"]["_id"])
        self.warm(slug, url)  # 3 x REPEAT, most of them from memory
        expected = 3 * REPEAT
        deadline = time.time() + 20
        while True:
            clicks = int(self.stack.mysql_value(
                "SELECT COALESCE(SUM(clicks), 0) FROM link_clicks_daily WHERE link_id = %d"
                % link_id))
            if clicks >= expected or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(clicks, expected)
