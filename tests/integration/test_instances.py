"""Several instances on one database and one memcached; per-instance configuration."""

import json
import re
import unittest

from harness import Client, IntegrationTest, TwoInstancesTest, rand_token

LOWER6 = re.compile(r"^[a-z]{6}$")
C_PUBLIC = "https://sho.example"


class InstancesShareDataTest(TwoInstancesTest):
    def test_created_on_a_redirects_from_b_at_once(self):
        url = "https://example.org/from-a?" + rand_token()
        slug = self.shorten(url, client=self.a).json["slug"]
        for _ in range(3):
            r = self.req("GET", "/r/" + slug, client=self.b)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))
            r = self.req("GET", "/" + slug, client=self.b)
            self.assertEqual((r.status, r.json), (200, {"ok": True, "original_url": url}))

    def test_created_on_b_redirects_from_a_at_once(self):
        url = "https://example.org/from-b?" + rand_token()
        rec = self.v1_create(url, client=self.b).json["data"]
        self.assertEqual(rec["short_url"], self.b_public + "/" + rec["slug"])
        r = self.req("GET", "/r/" + rec["slug"], client=self.a)
        self.assertEqual((r.status, r.headers.get("location")), (302, url))
        js = self.shorten(url, client=self.b).json
        self.assertEqual(js["short_url"], self.b_public + "/r/" + js["slug"])
        r = self.req("GET", "/" + js["slug"], client=self.a, headers={"Accept": "text/html"})
        self.assertEqual((r.status, r.headers.get("location")), (302, url))

    def test_404_on_b_then_created_on_a_is_seen_at_once(self):
        slug = "late" + rand_token()
        for c in (self.a, self.b):
            for _ in range(2):
                self.assert_error(self.req("GET", "/r/" + slug, client=c), 404, "not_found")
                self.assert_error(self.req("GET", "/" + slug, client=c), 404, "not_found")
        url = "https://example.org/late"
        self.shorten(url, client=self.a, slug=slug)
        for c in (self.b, self.a, self.b):
            r = self.req("GET", "/r/" + slug, client=c)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))

    def test_slug_taken_across_instances(self):
        slug = "both" + rand_token()
        self.shorten("https://example.org/one", client=self.a, slug=slug)
        r = self.shorten("https://example.org/two", client=self.b, slug=slug, expect=409)
        self.assert_error(r, 409, "slug_taken")
        r = self.v1_create("https://example.org/two", client=self.b, slug=slug, expect=409)
        self.assert_error(r, 409, "slug_taken")

    def test_same_list_on_both(self):
        self.v1_create("https://example.org/list-both", client=self.b)
        ra = self.req("GET", "/api/v1/url-shorteners?limit=5", client=self.a).json["data"]
        rb = self.req("GET", "/api/v1/url-shorteners?limit=5", client=self.b).json["data"]
        self.assertEqual([x["slug"] for x in ra["url_shorteners"]],
                         [x["slug"] for x in rb["url_shorteners"]])
        # A cursor issued by one instance works on the other (same secret, same database).
        nxt = self.req("GET", "/api/v1/url-shorteners?limit=5&cursor=" + ra["next_cursor"], client=self.b)
        self.assertEqual(nxt.status, 200, nxt)


class ConfiguredInstanceTest(IntegrationTest):
    """An instance with its own slug alphabet, public_base_url and smaller limits."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c_base = cls.stack.start_instance(workers=2, env={
            "SHORTENER_SLUG_ALPHABET": "abcdefghijklmnopqrstuvwxyz",
            "SHORTENER_PUBLIC_BASE_URL": C_PUBLIC,
            "SHORTENER_MAX_URL_LENGTH": "100",
            "SHORTENER_MAX_BODY_BYTES": "1024",
        })
        cls.c = Client(cls.c_base)

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop_instance(cls.c.port)
        super().tearDownClass()

    def test_lowercase_alphabet_gives_six_lowercase_letters(self):
        slugs = []
        for i in range(10):
            slugs.append(self.shorten("https://example.org/lc/%d" % i, client=self.c).json["slug"])
            slugs.append(self.v1_create("https://example.org/lc1/%d" % i, client=self.c).json["data"]["slug"])
        for s in slugs:
            self.assertRegex(s, LOWER6)
        self.assertEqual(len(set(slugs)), len(slugs))
        self.assertNotEqual(slugs, sorted(slugs))
        # The links are the shared database's: the default instance redirects them.
        r = self.req("GET", "/r/" + slugs[0])
        self.assertEqual((r.status, r.headers.get("location")), (302, "https://example.org/lc/0"))

    def test_public_base_url(self):
        js = self.shorten("https://example.org/pb", client=self.c).json
        self.assertEqual(js["short_url"], C_PUBLIC + "/r/" + js["slug"])
        rec = self.v1_create("https://example.org/pb", client=self.c).json["data"]
        self.assertEqual(rec["short_url"], C_PUBLIC + "/" + rec["slug"])

    def test_loop_to_configured_public_host(self):
        before = self.stack.link_count()
        for url in (C_PUBLIC + "/r/abcdef", "http://sho.example/x"):
            r = self.req("POST", "/url/shorten", client=self.c, json_body={"url": url})
            self.assert_error(r, 422, "validation", field="url", ctx=url)
        self.assertEqual(self.stack.link_count(), before)
        # Not a loop for an instance with another public host.
        self.shorten(C_PUBLIC + "/r/abcdef")

    def test_max_url_length(self):
        prefix = "https://example.org/"
        ok = prefix + "u" * (100 - len(prefix))
        self.assertEqual(self.shorten(ok, client=self.c).json["url"], ok)
        before = self.stack.link_count()
        r = self.req("POST", "/url/shorten", client=self.c, json_body={"url": ok + "u"})
        self.assert_error(r, 422, "validation", field="url")
        r = self.req("POST", "/api/v1/url-shortener", client=self.c, json_body={"original_url": ok + "u"})
        self.assert_error(r, 422, "validation", field="original_url")
        self.assertEqual(self.stack.link_count(), before)

    def test_max_body_bytes(self):
        body = {"url": "https://example.org/mb", "pad": ""}
        body["pad"] = "p" * (1024 - len(json.dumps(body)))
        data = json.dumps(body).encode()
        self.assertEqual(len(data), 1024)
        r = self.req("POST", "/url/shorten", client=self.c, body=data,
                     headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 201, r)
        before = self.stack.link_count()
        body["pad"] += "p"
        r = self.req("POST", "/url/shorten", client=self.c, body=json.dumps(body),
                     headers={"Content-Type": "application/json"})
        self.assert_error(r, 413, "payload_too_large")
        self.assertEqual(self.stack.link_count(), before)


if __name__ == "__main__":
    unittest.main()
