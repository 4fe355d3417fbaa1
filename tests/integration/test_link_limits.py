"""max_visits and redirect_code (issue 13; API.md's link fields) on the real stack: both API
families, both redirect paths, two instances, and max_visits exact under 64 concurrent clients
spread over both instances."""

import threading
import time

from harness import Client, TwoInstancesTest, rand_token

ONE = "/api/v1/url-shorteners/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
WHATSAPP = "WhatsApp/2.23.20.0 A"


class LinkLimitsTest(TwoInstancesTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anon_a = Client(cls.base, auth=None)
        cls.anon_b = Client(cls.b_base, auth=None)

    def visits(self, slug):
        return int(self.stack.mysql_value("SELECT visits FROM links WHERE slug = '%s'" % slug))

    def get(self, client, path, ua=None, accept=None):
        headers = {}
        if ua is not None:
            headers["User-Agent"] = ua
        if accept:
            headers["Accept"] = accept
        return client.req("GET", path, headers=headers)

    def v1(self, url, **fields):
        return self.v1_create(url, **fields).json["data"]

    # -- records ---------------------------------------------------------------------------------

    def test_both_fields_on_records_create_list_get_and_patch(self):
        data = self.v1("https://example.org/rec", max_visits=5, redirect_code=308)
        self.assertEqual((data["max_visits"], data["redirect_code"]), (5, 308))
        plain = self.v1("https://example.org/plain")
        self.assertEqual((plain["max_visits"], plain["redirect_code"]), (None, 302))
        slug = data["slug"]
        r = self.req("GET", ONE + slug)
        self.assertEqual((r.json["data"]["max_visits"], r.json["data"]["redirect_code"]), (5, 308))
        listed = self.req("GET", "/api/v1/url-shorteners", ).json["data"]["url_shorteners"]
        row = [x for x in listed if x["slug"] == slug][0]
        self.assertEqual((row["max_visits"], row["redirect_code"]), (5, 308))
        r = self.req("PATCH", ONE + slug, json_body={"max_visits": None, "redirect_code": 307})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.json["data"]["max_visits"], r.json["data"]["redirect_code"]), (None, 307))
        r = self.req("PATCH", ONE + slug, json_body={"max_visits": 9})
        self.assertEqual((r.json["data"]["max_visits"], r.json["data"]["redirect_code"]), (9, 307))
        # /url/shorten takes both too; its answer keeps API.md's fields.
        r = self.shorten("https://example.org/short", max_visits=2, redirect_code=301)
        self.assertNotIn("max_visits", r.json)
        rec = self.req("GET", ONE + r.json["slug"]).json["data"]
        self.assertEqual((rec["max_visits"], rec["redirect_code"]), (2, 301))

    def test_every_bad_value_is_a_422_naming_its_field_and_stores_nothing(self):
        slug = self.v1("https://example.org/bad")["slug"]
        before = self.stack.link_count()
        bad = [("max_visits", 0), ("max_visits", -3), ("max_visits", "5"), ("max_visits", 1.5),
               ("max_visits", True), ("max_visits", [1]), ("max_visits", 2 ** 64),
               ("redirect_code", 300), ("redirect_code", 303), ("redirect_code", 304),
               ("redirect_code", "301"), ("redirect_code", None), ("redirect_code", 301.5),
               ("redirect_code", 0), ("redirect_code", {})]
        for field, value in bad:
            with self.subTest(field=field, value=value):
                r = self.req("POST", "/url/shorten",
                             json_body={"url": "https://example.org/x", field: value})
                self.assert_error(r, 422, "validation", field=field)
                r = self.req("POST", "/api/v1/url-shortener",
                             json_body={"original_url": "https://example.org/x", field: value})
                self.assert_error(r, 422, "validation", field=field)
                r = self.req("PATCH", ONE + slug, json_body={field: value})
                self.assert_error(r, 422, "validation", field=field)
        self.assertEqual(self.stack.link_count(), before)
        rec = self.req("GET", ONE + slug).json["data"]
        self.assertEqual((rec["max_visits"], rec["redirect_code"]), (None, 302))

    # -- redirect codes --------------------------------------------------------------------------

    def test_redirect_codes_on_both_paths_and_instances(self):
        expected = {301: "public, max-age=3600", 302: "private, max-age=0",
                    307: "private, max-age=0", 308: "public, max-age=3600"}
        for code, caching in expected.items():
            with self.subTest(code=code):
                target = "https://example.org/code/%d" % code
                slug = self.v1(target, redirect_code=code)["slug"]
                for client in (self.anon_a, self.anon_b):
                    for path, accept in (("/r/" + slug, None), ("/" + slug, "text/html")):
                        r = self.get(client, path, accept=accept)
                        self.assertEqual(r.status, code, (client.base, path))
                        self.assertEqual(r.headers.get("location"), target)
                        self.assertEqual(r.headers.get("cache-control"), caching)
        # A change of code is seen by the other instance's next redirect.
        slug = self.v1("https://example.org/code/change", redirect_code=301)["slug"]
        self.assertEqual(self.get(self.anon_b, "/r/" + slug).status, 301)
        r = self.req("PATCH", ONE + slug, json_body={"redirect_code": 307})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.get(self.anon_b, "/r/" + slug).status, 307)
        # A short-lived link is not cacheable beyond its expiry.
        slug = self.v1("https://example.org/code/short", redirect_code=308, expires_in=120)["slug"]
        cc = self.get(self.anon_a, "/r/" + slug).headers.get("cache-control")
        self.assertRegex(cc, r"^public, max-age=(1[01]\d|120)$")

    # -- max_visits ------------------------------------------------------------------------------

    def test_max_visits_counts_people_and_scripts_not_head_or_preview_fetchers(self):
        slug = self.v1("https://example.org/lim", max_visits=3)["slug"]
        for client in (self.anon_a, self.anon_b):
            self.assertEqual(client.head_raw("/r/" + slug)[0], 302)
            for ua in (SLACK, WHATSAPP, "Mozilla/5.0 (compatible; Googlebot/2.1)"):
                self.assertEqual(self.get(client, "/r/" + slug, ua=ua).status, 302, ua)
        self.assertEqual(self.visits(slug), 0)
        self.assertEqual(self.get(self.anon_a, "/r/" + slug, ua=FIREFOX).status, 302)
        self.assertEqual(self.get(self.anon_b, "/r/" + slug, ua="curl/8.5.0").status, 302)
        r = self.get(self.anon_a, "/" + slug, ua="")  # the JSON lookup, no User-Agent
        self.assertEqual(r.status, 200)
        self.assertEqual(self.visits(slug), 3)
        for client in (self.anon_a, self.anon_b):
            for path, accept in (("/r/" + slug, None), ("/" + slug, "text/html"), ("/" + slug, None)):
                r = self.get(client, path, ua=FIREFOX, accept=accept)
                self.assertEqual(r.status, 404, path)
                if accept is None:  # a browser gets the HTML page of a 404 instead
                    self.assert_error(r, 404, "not_found", ctx=path)
                    self.assertEqual(r.json["message"], "URL Shortener not found.")
            self.assertEqual(client.head_raw("/r/" + slug)[0], 404)
            self.assertEqual(self.get(client, "/r/" + slug, ua=SLACK).status, 404)
        self.assertEqual(self.visits(slug), 3)
        # The owner still sees it, and can raise the limit or lift it.
        r = self.req("PATCH", ONE + slug, json_body={"max_visits": 4})
        self.assertEqual(r.status, 200)
        self.assertEqual(self.get(self.anon_b, "/r/" + slug, ua=FIREFOX).status, 302)
        self.assertEqual(self.get(self.anon_a, "/r/" + slug, ua=FIREFOX).status, 404)
        self.req("PATCH", ONE + slug, json_body={"max_visits": None})
        for _ in range(3):
            self.assertEqual(self.get(self.anon_a, "/r/" + slug, ua=FIREFOX).status, 302)
        self.assertEqual(self.visits(slug), 4)  # no limit: no visit written
        # A limit set again counts from 0 (one made on 4 old visits once allowed 1 more of 5).
        r = self.req("PATCH", ONE + slug, json_body={"max_visits": 2})
        self.assertEqual((r.status, self.visits(slug)), (200, 0))
        for status in (302, 302, 404):
            self.assertEqual(self.get(self.anon_a, "/r/" + slug, ua=FIREFOX).status, status)

    def test_a_limit_given_to_an_old_link_counts_from_then(self):
        """A review: a limit of 3 set on a link with 5 clicks allowed 3 more, but a limit set
        again after one was lifted counted the visits of the first; the rule is one: a limit
        counts from when it was set, and changing it keeps the count."""
        slug = self.v1("https://example.org/old")["slug"]
        for _ in range(5):
            self.assertEqual(self.get(self.anon_a, "/r/" + slug, ua=FIREFOX).status, 302)
        self.assertEqual(self.req("PATCH", ONE + slug, json_body={"max_visits": 3}).status, 200)
        for client in (self.anon_a, self.anon_b, self.anon_a):
            self.assertEqual(self.get(client, "/r/" + slug, ua=FIREFOX).status, 302)
        self.assertEqual(self.get(self.anon_b, "/r/" + slug, ua=FIREFOX).status, 404)
        # Changed, not set anew: the 3 visits still count.
        self.assertEqual(self.req("PATCH", ONE + slug, json_body={"max_visits": 4}).status, 200)
        self.assertEqual(self.visits(slug), 3)
        self.assertEqual(self.get(self.anon_a, "/r/" + slug, ua=FIREFOX).status, 302)
        self.assertEqual(self.get(self.anon_a, "/r/" + slug, ua=FIREFOX).status, 404)
        # A PATCH of something else keeps both.
        r = self.req("PATCH", ONE + slug, json_body={"metadata": {"k": 1}})
        self.assertEqual((r.status, r.json["data"]["max_visits"], self.visits(slug)), (200, 4, 4))

    def test_links_without_a_limit_write_no_visits(self):
        slug = self.v1("https://example.org/free")["slug"]
        for client in (self.anon_a, self.anon_b):
            for _ in range(5):
                self.assertEqual(self.get(client, "/r/" + slug, ua=FIREFOX).status, 302)
        self.assertEqual(self.visits(slug), 0)

    def test_max_visits_exact_under_64_concurrent_clients_on_two_instances(self):
        allowed, clients, each = 50, 64, 4
        slug = self.v1("https://example.org/race-" + rand_token(), max_visits=allowed)["slug"]
        # Cached on both instances first: the race is on the visits, not the cache fill.
        for client in (self.anon_a, self.anon_b):
            self.assertEqual(client.head_raw("/r/" + slug)[0], 302)
        statuses = []
        lock = threading.Lock()
        start = threading.Barrier(clients)

        def visitor(i):
            client = Client(self.base if i % 2 == 0 else self.b_base, auth=None)
            start.wait(30)
            for _ in range(each):
                path = "/r/" + slug if i % 4 < 2 else "/" + slug
                r = client.req("GET", path, headers={"User-Agent": FIREFOX, "Accept": "text/html"})
                with lock:
                    statuses.append(r.status)

        threads = [threading.Thread(target=visitor, args=(i,)) for i in range(clients)]
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertFalse(any(t.is_alive() for t in threads), "visitors still running after %.0fs"
                         % (time.time() - t0))
        self.assertEqual(len(statuses), clients * each)
        self.assertEqual(statuses.count(302), allowed, sorted(set(statuses)))
        self.assertEqual(statuses.count(404), clients * each - allowed, sorted(set(statuses)))
        self.assertEqual(self.visits(slug), allowed)


if __name__ == "__main__":
    import unittest
    unittest.main()
