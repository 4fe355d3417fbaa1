"""GET /api/v1/url-shorteners?q=: the links list's search by slug or URL text, owner-scoped,
with cursor pagination; and its bounded work for a user with 100,000 links (timings printed,
not asserted)."""

import time
import urllib.parse

from harness import Client, IntegrationTest, log, rand_token

LIST = "/api/v1/url-shorteners"
PASSWORD = "search-pass-" + rand_token(6)
WINDOW = 5000  # links_api.cc kSearchWindow


class SearchTest(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anon = Client(cls.base, auth=None)

    def user(self):
        """A fresh user: (id, headers with its bearer token)."""
        name = "srch_" + rand_token(8)
        r = self.req("POST", "/url/signup", client=self.anon,
                     json_body={"username": name, "email": name + "@example.org",
                                "password": PASSWORD})
        self.assertEqual(r.status, 201, r)
        token = self.req("POST", "/url/login", client=self.anon,
                         json_body={"username": name, "password": PASSWORD}).json["access_token"]
        return r.json["user"]["id"], {"Authorization": "Bearer " + token}

    def search(self, auth, q, **params):
        params["q"] = q
        r = self.req("GET", LIST + "?" + urllib.parse.urlencode(params), client=self.anon,
                     headers=auth)
        self.assertEqual(r.status, 200, r)
        return r.json["data"]

    def all_matches(self, auth, q, limit=100):
        """Every match, following next_cursor; and the number of requests it took."""
        slugs, cursor, requests = [], None, 0
        while True:
            params = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            data = self.search(auth, q, **params)
            requests += 1
            slugs += [rec["slug"] for rec in data["url_shorteners"]]
            cursor = data["next_cursor"]
            if cursor is None:
                return slugs, requests
            self.assertLess(requests, 1000, "the cursor never ran out")

    def create(self, auth, url, slug=None):
        body = {"original_url": url}
        if slug:
            body["slug"] = slug
        r = self.req("POST", "/api/v1/url-shortener", client=self.anon, headers=auth,
                     json_body=body)
        self.assertEqual(r.status, 201, r)
        return r.json["data"]["slug"]

    def test_by_slug_or_url_text_newest_first_owner_only(self):
        _, alice = self.user()
        _, bob = self.user()
        tag = rand_token(6)
        s1 = self.create(alice, "https://docs.example/%s/Intro" % tag)
        s2 = self.create(alice, "https://other.example/x", slug="Promo-%s" % tag)
        s3 = self.create(alice, "https://example.org/wiki/K%C3%B6ln?" + tag)
        s4 = self.create(alice, "https://pct.example/100%25_" + tag)
        self.create(alice, "https://unrelated.example/")
        self.create(bob, "https://docs.example/%s/bob" % tag)
        self.assertEqual(self.all_matches(alice, tag)[0], [s4, s3, s2, s1])
        self.assertEqual(self.all_matches(alice, tag.upper())[0], [s4, s3, s2, s1])
        self.assertEqual(self.all_matches(alice, "promo-" + tag)[0], [s2])
        self.assertEqual(self.all_matches(alice, "/intro")[0], [s1])
        # Typed as people type it: the stored form of an IRI is percent-encoded.
        self.assertEqual(self.all_matches(alice, "wiki/köln?" + tag)[0], [s3])
        # LIKE's wildcards are plain text here (a stored '%' is an escape's, "%25").
        self.assertEqual(self.all_matches(alice, "100%25_" + tag)[0], [s4])
        self.assertEqual(self.all_matches(alice, "%")[0], [s4, s3])
        self.assertEqual(self.all_matches(alice, "_%s" % tag)[0], [s4])
        self.assertEqual(self.all_matches(alice, "1_0")[0], [])
        self.assertEqual(self.all_matches(alice, "nothing-" + tag)[0], [])
        # One a page: the same four, in order, then no cursor.
        self.assertEqual(self.all_matches(alice, tag, limit=1), ([s4, s3, s2, s1], 4))
        # Bob sees only his own.
        self.assertEqual(len(self.all_matches(bob, tag)[0]), 1)

    def test_bad_search_text_is_422(self):
        _, alice = self.user()
        # Control characters are refused by lighttpd itself (400) before a worker sees them;
        # the worker's own 422 for them is held by the unit tests.
        for q in ("x" * 201, "é" * 101):
            with self.subTest(q=q[:10]):
                r = self.req("GET", LIST + "?" + urllib.parse.urlencode({"q": q}),
                             client=self.anon, headers=alice)
                self.assert_error(r, 422, "validation", field="q")
        r = self.req("GET", LIST + "?q=x&cursor=forged", client=self.anon, headers=alice)
        self.assert_error(r, 422, "validation", field="cursor")
        r = self.req("GET", LIST + "?q=x", client=self.anon)
        self.assert_error(r, 401, "unauthorized")

    def test_a_user_with_100000_links(self):
        """Each request looks through at most WINDOW links, so a rare term costs the same per
        request for any history; the whole history takes 100000 / WINDOW requests."""
        uid, heavy = self.user()
        tag = rand_token(6)
        count = 100000
        t0 = time.monotonic()
        self.stack.mysql(
            "SET time_zone = '+00:00'; INSERT INTO links (slug, url, owner_id, created_at, "
            "updated_at, expires_at, metadata) SELECT CONCAT('bk%s', seq), IF(seq IN (7, %d), "
            "CONCAT('https://rare.example/needle-%s-', seq), CONCAT('https://bulk.example/', seq)), "
            "%d, UTC_TIMESTAMP(), UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 30 DAY, '{}' "
            "FROM seq_1_to_%d" % (tag, count - 3, tag, uid, count), timeout=300)
        log("search: inserted %d links in %.1f s" % (count, time.monotonic() - t0))
        timings = []
        slugs, cursor = [], None
        while True:
            params = {"limit": 20, "q": "needle-" + tag}
            if cursor:
                params["cursor"] = cursor
            t = time.monotonic()
            r = self.req("GET", LIST + "?" + urllib.parse.urlencode(params), client=self.anon,
                         headers=heavy)
            timings.append(time.monotonic() - t)
            self.assertEqual(r.status, 200, r)
            slugs += [rec["slug"] for rec in r.json["data"]["url_shorteners"]]
            cursor = r.json["data"]["next_cursor"]
            if cursor is None:
                break
            self.assertLessEqual(len(timings), count // WINDOW + 1)
        self.assertEqual(slugs, ["bk%s%d" % (tag, count - 3), "bk%s7" % (tag)])
        # count / WINDOW full windows, and one more request that finds the history's end.
        self.assertEqual(len(timings), count // WINDOW + 1)
        log("search: %d requests over %d links; per request min %.1f ms, median %.1f ms, "
            "max %.1f ms" % (len(timings), count, 1000 * min(timings),
                             1000 * sorted(timings)[len(timings) // 2], 1000 * max(timings)))
        # A common term fills its page from the newest links at once.
        data = self.search(heavy, "bulk.example", limit=50)
        self.assertEqual(len(data["url_shorteners"]), 50)
        self.assertEqual(data["url_shorteners"][0]["slug"], "bk%s%d" % (tag, count))
        self.deep_pages_read_their_own_rows(uid, heavy, count)
        self.stack.mysql("DELETE FROM links WHERE owner_id = %d" % uid, timeout=300)

    def rows_read(self):
        """MariaDB's rows read through indexes so far (the stack is this suite's alone)."""
        rows = self.stack.mysql("SHOW GLOBAL STATUS WHERE Variable_name IN ('Handler_read_key', "
                                "'Handler_read_next', 'Handler_read_prev', 'Handler_read_first', "
                                "'Handler_read_last', 'Handler_read_rnd_next')")
        return sum(int(v) for _, v in rows)

    def deep_pages_read_their_own_rows(self, uid, auth, count):
        """The list's page a third of the way down a user's `count` links, the search window there
        and the user's export read about their own rows, not every newer (older) link again:
        MariaDB once chose a lookup by owner alone for a user owning most of the table, and page
        N of the list read N pages of rows."""
        # Fresh statistics, as a table this size has once InnoDB has counted it again: the plan
        # that read too much is chosen on true figures.
        self.stack.mysql("ANALYZE TABLE links", timeout=120)
        # A third of the way down: the rows below the cursor are most of the user's, which is
        # when a lookup by owner alone looked cheaper to MariaDB than the range.
        cursor, depth = None, count // 3000 * 1000
        for _ in range(depth // 1000):
            params = {"limit": 1000}
            if cursor:
                params["cursor"] = cursor
            r = self.req("GET", LIST + "?" + urllib.parse.urlencode(params), client=self.anon,
                         headers=auth)
            self.assertEqual(r.status, 200, r)
            cursor = r.json["data"]["next_cursor"]
        for what, params, bound in (
                ("list page of 100", {"limit": 100}, 5000),
                ("search window", {"limit": 100, "q": "no-such-text"}, 4 * WINDOW)):
            before = self.rows_read()
            r = self.req("GET", LIST + "?" + urllib.parse.urlencode(dict(params, cursor=cursor)),
                         client=self.anon, headers=auth)
            read = self.rows_read() - before
            self.assertEqual(r.status, 200, r)
            log("search: %s below %d of %d links read %d rows" % (what, depth, count, read))
            self.assertLess(read, bound, "%s a third of the way down read %d rows" % (what, read))
        name = self.stack.mysql("SELECT username FROM users WHERE id = %d" % uid)[0][0]
        before = self.rows_read()
        t0 = time.monotonic()
        out = self.stack.admin("export", "--owner", name, timeout=300)
        read = self.rows_read() - before
        self.assertEqual(out.stdout.count("\n"), count, out.stderr)
        log("search: export --owner of %d links read %d rows in %.1f s"
            % (count, read, time.monotonic() - t0))
        self.assertLess(read, 10 * count, "the export read %d rows" % read)
