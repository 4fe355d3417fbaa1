"""Click counting on the real stack: exact under concurrency over two instances and both redirect
paths, per-day counts, HEAD and failed redirects count nothing, a graceful stop writes what a
worker still held, deleting a link deletes its days.

Workers write their clicks once per click_flush_interval (1 s by default), so counts are polled
for a few seconds; each poll reads MariaDB, never a cache.
"""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

from harness import Client, TwoInstancesTest, pid_alive, rand_token

# Longest wait for counts to arrive once the last click was answered: the 1 s interval, the
# idle worker's alarm (whole seconds) and a loaded machine's delays.
SETTLE_SECONDS = 8.0


class ClicksTest(TwoInstancesTest):

    def make_link(self, tag):
        r = self.v1_create("https://example.org/clicks/%s/%s" % (tag, rand_token()))
        data = r.json["data"]
        return data["slug"], int(data["_id"])

    def record(self, slug):
        r = self.req("GET", "/api/v1/url-shorteners/" + slug)
        self.assertEqual(r.status, 200, self.describe("GET", slug, r))
        return r.json["data"]

    def db_clicks(self, link_id):
        """(the link's total as the service reads it, sum of link_clicks_daily) from MariaDB."""
        total = int(self.stack.mysql_value(
            "SELECT (SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d "
            "WHERE d.link_id = links.id) FROM links WHERE id = %d" % link_id))
        days = self.stack.mysql_value(
            "SELECT COALESCE(SUM(clicks), 0) FROM link_clicks_daily WHERE link_id = %d" % link_id)
        return total, int(days)

    def wait_for_clicks(self, link_id, expected):
        """Polls until the link's total reaches `expected` (or the time is up); returns what it saw."""
        deadline = time.time() + SETTLE_SECONDS
        seen = self.db_clicks(link_id)
        while seen[0] < expected and time.time() < deadline:
            time.sleep(0.2)
            seen = self.db_clicks(link_id)
        return seen

    def all_clicks(self):
        return (int(self.stack.mysql_value("SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d "
                                           "JOIN links ON links.id = d.link_id")),
                int(self.stack.mysql_value("SELECT COALESCE(SUM(clicks), 0) FROM link_clicks_daily")))

    def test_one_batch_of_many_links_is_written_whole(self):
        # 300 links clicked once each through one worker within one interval: one batch of 300
        # rows, sent as prepared chunks of 256, 32, 8 and 4 rows.
        base = self.stack.start_instance(workers=1, env={"SHORTENER_CLICK_FLUSH_INTERVAL": "4"})
        self.addCleanup(self.stack.stop_instance, Client(base).port)
        c = Client(base)
        links = [self.make_link("many") for _ in range(300)]
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda l: c.req("GET", "/r/" + l[0]).status, links))
        self.assertEqual(statuses, [302] * 300)
        ids = ",".join(str(l[1]) for l in links)
        deadline = time.time() + SETTLE_SECONDS + 4
        while time.time() < deadline:
            rows = self.stack.mysql("SELECT SUM(clicks) FROM link_clicks_daily WHERE link_id IN (%s) "
                                    "GROUP BY link_id" % ids)
            if len(rows) == 300 and all(r[0] == "1" for r in rows):
                break
            time.sleep(0.3)
        self.assertEqual(sorted(r[0] for r in rows), ["1"] * 300)
        days = self.stack.mysql_value(
            "SELECT COALESCE(SUM(clicks), 0) FROM link_clicks_daily WHERE link_id IN (%s)" % ids)
        self.assertEqual(days, "300")

    def test_400_concurrent_redirects_over_two_instances_and_both_paths_count_exactly(self):
        slug, link_id = self.make_link("exact")
        # 100 each: /r/{slug} and /{slug} (as a browser: 302; as an API client: JSON 200) on a and b.
        plan = []
        for i in range(400):
            client = self.a if i % 2 == 0 else self.b
            kind = (i // 2) % 4
            if kind < 2:
                plan.append((client, "/r/" + slug, {}, 302))
            elif kind == 2:
                plan.append((client, "/" + slug, {"Accept": "text/html"}, 302))
            else:
                plan.append((client, "/" + slug, {}, 200))

        def hit(item):
            client, path, headers, expected = item
            r = client.req("GET", path, headers=headers)
            return r.status == expected, "%s %s -> %d %r" % (client.base, path, r.status, r.body[:200])

        with ThreadPoolExecutor(max_workers=32) as pool:
            results = list(pool.map(hit, plan))
        bad = [what for ok, what in results if not ok]
        self.assertFalse(bad, "%d of 400 redirects failed: %r" % (len(bad), bad[:5]))

        total, days = self.wait_for_clicks(link_id, 400)
        self.assertEqual(total, 400, "the total after %ss" % SETTLE_SECONDS)
        self.assertEqual(days, 400, "link_clicks_daily sums to %d" % days)
        # No late double count either.
        time.sleep(1.5)
        self.assertEqual(self.db_clicks(link_id), (400, 400))

        record = self.record(slug)
        self.assertEqual(record["clicks"], 400)
        by_day = record["clicks_by_day"]
        self.assertIsInstance(by_day, list)
        self.assertEqual(sum(d["clicks"] for d in by_day), 400, by_day)
        today = time.strftime("%Y-%m-%d", time.gmtime())
        for d in by_day:
            self.assertRegex(d["date"], r"^\d{4}-\d{2}-\d{2}$")
            self.assertLessEqual(d["date"], today)
        # The same numbers through the other instance and in the list.
        r = self.req("GET", "/api/v1/url-shorteners/" + slug, client=self.b)
        self.assertEqual(r.json["data"]["clicks"], 400)
        listed = self.req("GET", "/api/v1/url-shorteners?limit=50").json["data"]["url_shorteners"]
        self.assertEqual([x["clicks"] for x in listed if x["slug"] == slug], [400])

        # Deleting the link deletes its days with it.
        self.assertEqual(self.req("DELETE", "/api/v1/url-shorteners/" + slug).status, 204)
        left = self.stack.mysql_value(
            "SELECT COUNT(*) FROM link_clicks_daily WHERE link_id = %d" % link_id)
        self.assertEqual(int(left), 0)

    def test_head_counts_nothing(self):
        slug, link_id = self.make_link("head")
        for client in (self.a, self.b):
            self.assertEqual(self.req("GET", "/r/" + slug, client=client).status, 302)
        self.assertEqual(self.wait_for_clicks(link_id, 2), (2, 2))
        for client in (self.a, self.b):
            for path in ("/r/" + slug, "/" + slug):
                for _ in range(5):
                    status, _, rest = client.head_raw(path)
                    self.assertIn(status, (200, 302), path)
                    self.assertEqual(rest, b"")
        time.sleep(2.5)  # more than an interval: anything counted would be written by now
        self.assertEqual(self.db_clicks(link_id), (2, 2))
        self.assertEqual(self.record(slug)["clicks"], 2)

    def test_redirects_that_fail_count_nothing(self):
        gone, gone_id = self.make_link("deleted")
        self.assertEqual(self.req("DELETE", "/api/v1/url-shorteners/" + gone).status, 204)
        soon = self.shorten("https://example.org/clicks/expiring", expires_in=1).json["slug"]
        time.sleep(2.2)  # soon has expired, and the clicks of earlier tests are written
        before = self.all_clicks()
        for client in (self.a, self.b):
            for slug in ("nOsUcH" + rand_token(), gone, soon):
                for path in ("/r/" + slug, "/" + slug):
                    r = client.req("GET", path)
                    self.assertEqual(r.status, 404, self.describe("GET", path, r))
        time.sleep(2.5)
        self.assertEqual(self.all_clicks(), before)
        self.assertEqual(int(self.stack.mysql_value(
            "SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d JOIN links "
            "ON links.id = d.link_id WHERE links.slug = '%s'" % soon)), 0)

    def test_an_idle_worker_writes_its_clicks_without_further_requests(self):
        # One worker and a 2 s interval: the first click may be written at once (the interval
        # since the worker started has passed), the ones right after it wait for the next
        # interval, and no request comes to write them: the worker's own alarm must.
        c = Client(self.stack.start_instance(workers=1, env={"SHORTENER_CLICK_FLUSH_INTERVAL": "2"}))
        self.addCleanup(self.stack.stop_instance, c.port)
        slug, link_id = self.make_link("idle")
        for _ in range(5):
            self.assertEqual(c.req("GET", "/r/" + slug).status, 302)
        self.assertEqual(self.wait_for_clicks(link_id, 5), (5, 5))

    def test_sigterm_writes_the_pending_clicks(self):
        # A long interval: a worker writes on its own at most once while the test runs. Its
        # first write comes at a random moment of the first interval (flushes are spread), so
        # a round of clicks may be written by it; the clicks of the next round then wait a
        # whole interval, in memory.
        c = Client(self.stack.start_instance(workers=2, env={"SHORTENER_CLICK_FLUSH_INTERVAL": "30"}))
        self.addCleanup(self.stack.stop_instance, c.port)
        pids = self.stack.worker_pids(c.base)
        self.assertEqual(len(pids), 2, pids)
        slug, link_id = self.make_link("sigterm")
        doomed, doomed_id = self.make_link("doomed")
        self.assertEqual(c.req("GET", "/r/" + doomed).status, 302)

        def hit(i):
            path = ("/r/" if i % 2 else "/") + slug
            return c.req("GET", path, headers={"Accept": "text/html"}).status

        sent = 0
        for _ in range(3):
            with ThreadPoolExecutor(max_workers=8) as pool:
                statuses = list(pool.map(hit, range(60)))
            self.assertEqual(statuses, [302] * 60)
            sent += 60
            written, _ = self.db_clicks(link_id)
            if written < sent:
                break
        self.assertLess(written, sent, "every round of clicks was written before the SIGTERM")
        # A link deleted while its clicks are pending: they are dropped, the others still written.
        self.assertEqual(self.req("DELETE", "/api/v1/url-shorteners/" + doomed).status, 204)

        for pid in pids:
            os.kill(pid, signal.SIGTERM)
        deadline = time.time() + 10
        while any(pid_alive(p) for p in pids) and time.time() < deadline:
            time.sleep(0.05)
        self.assertFalse([p for p in pids if pid_alive(p)], "workers still alive 10 s after SIGTERM")
        self.assertEqual(self.db_clicks(link_id), (sent, sent), "clicks lost by a graceful stop")
        self.assertEqual(self.stack.mysql_value(
            "SELECT COUNT(*) FROM link_clicks_daily WHERE link_id = %d" % doomed_id), "0")
        log = os.path.join(self.stack.dir, "web-%d" % c.port, "workers.log")
        with open(log) as f:
            self.assertNotIn("not written", f.read())
