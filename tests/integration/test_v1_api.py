"""The v1 API: POST /api/v1/url-shortener and GET /api/v1/url-shorteners (authenticated as the harness user)."""

import json
import threading
import time
import unittest

from harness import BASE62_SLUG, ISO_Z, IntegrationTest, parse_iso, rand_token

RECORD_KEYS = {"_id", "original_url", "short_url", "slug", "created_at", "updated_at", "clicks",
               "expiration_date", "metadata", "max_visits", "redirect_code"}


class V1CreateTest(IntegrationTest):
    def check_record(self, rec, url, now, ttl, metadata=None):
        self.assertEqual(set(rec), RECORD_KEYS, rec)
        self.assertIsInstance(rec["_id"], str)
        self.assertRegex(rec["_id"], r"^\S+$")
        self.assertEqual(rec["original_url"], url)
        self.assertRegex(rec["slug"], r"^[A-Za-z0-9_-]{3,64}$")
        self.assertEqual(rec["short_url"], self.public + "/" + rec["slug"])
        self.assertIsInstance(rec["clicks"], int)
        self.assertNotIsInstance(rec["clicks"], bool)
        self.assertEqual(rec["clicks"], 0)
        self.assert_iso_near(rec["created_at"], now, ctx="created_at")
        self.assert_iso_near(rec["updated_at"], now, ctx="updated_at")
        self.assert_iso_near(rec["expiration_date"], now + ttl, ctx="expiration_date")
        self.assertEqual(parse_iso(rec["expiration_date"]) - parse_iso(rec["created_at"]), ttl)
        self.assertEqual(rec["metadata"], {} if metadata is None else metadata)

    def test_create_201_shape(self):
        url = "https://example.org/v1?x=1#y"
        now = time.time()
        r = self.v1_create(url)
        self.assert_json(r, "v1 create")
        self.assertEqual(set(r.json), {"ok", "message", "data"}, r.json)
        self.assertIs(r.json["ok"], True)
        self.assertEqual(r.json["message"], "URL Shortener created successfully")
        rec = r.json["data"]
        # v1_default_ttl = 432000 (5 days)
        self.check_record(rec, url, now, 432000)
        self.assertRegex(rec["slug"], BASE62_SLUG)
        rows = self.stack.mysql("SELECT id, url FROM links WHERE slug = '%s'" % rec["slug"])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][1], url)

    def test_create_with_slug_expiry_metadata(self):
        url = "https://example.org/v1-full"
        slug = "v1-" + rand_token()
        meta = {"campaign": "spring", "n": 3, "nested": {"list": [1, "two", None, True]},
                "unicode": "caf\u00e9 \u2713"}
        now = time.time()
        rec = self.v1_create(url, slug=slug, expires_in=60, metadata=meta).json["data"]
        self.check_record(rec, url, now, 60, metadata=meta)
        self.assertEqual(rec["slug"], slug)

    def test_metadata_shows_in_list(self):
        meta = {"k": "v-" + rand_token()}
        slug = self.v1_create("https://example.org/meta-list", metadata=meta).json["data"]["slug"]
        recs = self.req("GET", "/api/v1/url-shorteners?limit=3").json["data"]["url_shorteners"]
        rec = [x for x in recs if x["slug"] == slug]
        self.assertEqual(len(rec), 1, recs)
        self.assertEqual(rec[0]["metadata"], meta)

    def test_metadata_of_exactly_4k_accepted(self):
        meta = {"pad": ""}
        meta["pad"] = "m" * (4096 - len(json.dumps(meta, separators=(",", ":"))))
        self.assertEqual(len(json.dumps(meta, separators=(",", ":"))), 4096)
        rec = self.v1_create("https://example.org/meta-4k", metadata=meta).json["data"]
        self.assertEqual(rec["metadata"], meta)

    def test_trailing_slash_tolerated(self):
        r = self.req("POST", "/api/v1/url-shortener/",
                     json_body={"original_url": "https://example.org/v1-slash"})
        self.assertEqual(r.status, 201, r)
        r = self.req("POST", "/url/shorten/", json_body={"url": "https://example.org/url-slash"})
        self.assertEqual(r.status, 201, r)
        r = self.req("GET", "/api/v1/url-shorteners/?limit=2")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(len(r.json["data"]["url_shorteners"]), 2)

    def test_unknown_body_fields_are_ignored(self):
        r = self.req("POST", "/api/v1/url-shortener", json_body={
            "original_url": "https://example.org/v1-unknown", "_id": "999999", "clicks": 5,
            "short_url": "https://evil.example/x", "whatever": [1]})
        self.assertEqual(r.status, 201, r)
        rec = r.json["data"]
        self.assertEqual(rec["clicks"], 0)
        self.assertNotEqual(rec["_id"], "999999")
        self.assertEqual(rec["short_url"], self.public + "/" + rec["slug"])


class V1ListTest(IntegrationTest):
    def list(self, query=""):
        r = self.req("GET", "/api/v1/url-shorteners" + query)
        self.assertEqual(r.status, 200, r)
        self.assert_json(r, "list")
        js = r.json
        self.assertEqual(set(js), {"ok", "data"}, js)
        self.assertIs(js["ok"], True)
        self.assertEqual(set(js["data"]), {"url_shorteners", "next_cursor"}, js["data"])
        nc = js["data"]["next_cursor"]
        self.assertTrue(nc is None or (isinstance(nc, str) and nc), nc)
        return js["data"]["url_shorteners"], nc

    def test_newest_first_and_limit(self):
        made = [self.v1_create("https://example.org/order/%d" % i).json["data"]["slug"]
                for i in range(3)]
        made.append(self.shorten("https://example.org/order/3").json["slug"])
        recs, nc = self.list("?limit=4")
        self.assertEqual([r["slug"] for r in recs], list(reversed(made)))
        self.assertIsNotNone(nc)
        for rec in recs:
            self.assertEqual(set(rec), RECORD_KEYS)
            self.assertRegex(rec["created_at"], ISO_Z)
        recs, _ = self.list("?limit=1")
        self.assertEqual([r["slug"] for r in recs], [made[-1]])

    def test_default_limit_is_100(self):
        total = self.stack.own_link_count()
        if total < 101:
            for i in range(101 - total):
                self.shorten("https://example.org/fill/%d" % i)
        recs, nc = self.list()
        self.assertEqual(len(recs), 100)
        self.assertIsNotNone(nc)
        recs, _ = self.list("?limit=1000")
        self.assertEqual(len(recs), min(1000, self.stack.own_link_count()))

    def expected_order(self, max_id):
        """Slugs of the caller's links with id <= max_id, newest first, as MySQL sees them."""
        return [row[0] for row in self.stack.mysql(
            "SELECT slug FROM links WHERE id <= %d AND slug IS NOT NULL AND owner_id = %d "
            "ORDER BY id DESC" % (max_id, self.stack.default_user_id()))]

    def check_pages(self, seen, expected):
        self.assertEqual(len(seen), len(set(seen)), "a link was listed twice")
        missing = set(expected) - set(seen)
        self.assertFalse(missing, "links missing from the pages: %r" % sorted(missing)[:20])
        extra = set(seen) - set(expected)
        self.assertFalse(extra, "links that should not be in these pages: %r" % sorted(extra)[:20])
        self.assertEqual(seen, expected, "not newest first across pages")

    def test_cursor_pages_through_everything_while_links_are_added(self):
        for i in range(12):
            self.v1_create("https://example.org/page/%d" % i)
        max_id = int(self.stack.mysql_value("SELECT MAX(id) FROM links"))
        expected = self.expected_order(max_id)
        seen = []
        recs, nc = self.list("?limit=7")
        pages = 1
        while True:
            seen.extend(r["slug"] for r in recs)
            # New links arrive between pages; being newer than the first page, they are not in
            # this listing, and they must not shift it (no gaps, no repeats).
            self.v1_create("https://example.org/added/%d" % pages)
            self.shorten("https://example.org/added-s/%d" % pages)
            if nc is None:
                break
            self.assertLess(pages, 2000, "cursor never ends")
            recs, nc = self.list("?limit=7&cursor=" + nc)
            pages += 1
        self.assertGreater(pages, 2)
        self.check_pages(seen, expected)

    def test_cursor_pages_with_concurrent_writer(self):
        stop = threading.Event()
        errors = []

        def writer():
            i = 0
            while not stop.is_set():
                try:
                    r = self.client.req("POST", "/api/v1/url-shortener",
                                        json_body={"original_url": "https://example.org/bg/%d" % i})
                    if r.status != 201:
                        errors.append(r)
                except Exception as e:  # noqa: BLE001
                    errors.append(e)
                i += 1
                time.sleep(0.01)

        t = threading.Thread(target=writer, daemon=True)
        t.start()
        try:
            time.sleep(0.1)
            seen = []
            recs, nc = self.list("?limit=25")
            first_slug = recs[0]["slug"]
            n = 0
            while True:
                seen.extend(r["slug"] for r in recs)
                if nc is None:
                    break
                n += 1
                self.assertLess(n, 2000)
                recs, nc = self.list("?limit=25&cursor=" + nc)
        finally:
            stop.set()
            t.join(15)
        self.assertFalse(errors, errors[:3])
        first_id = int(self.stack.mysql_value("SELECT id FROM links WHERE slug = '%s'" % first_slug))
        self.check_pages(seen, self.expected_order(first_id))

if __name__ == "__main__":
    unittest.main()
