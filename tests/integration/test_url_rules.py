"""Target URL rules and the redirect cache against the real stack (issue 10 points 4, 9, 10, 15):
IRIs converted through both create endpoints and redirected as URIs, redirect loops through other
names of the service refused, forged memcached entries never answered, unknown slugs cached briefly
and limited per client address."""

import random
import socket
import time
import urllib.parse

from harness import Client, IntegrationTest, rand_token

NOT_FOUND_MSG = "URL Shortener not found."

# IRI as pasted -> the URI stored, answered and redirected to.
IRIS = [
    ("https://de.wikipedia.org/wiki/K\u00f6ln", "https://de.wikipedia.org/wiki/K%C3%B6ln"),
    ("https://m\u00fcnchen.de/", "https://xn--mnchen-3ya.de/"),
    ("https://M\u00dcNCHEN.de/K\u00f6ln?q=\u2713#\u00e4",
     "https://xn--mnchen-3ya.de/K%C3%B6ln?q=%E2%9C%93#%C3%A4"),
    ("https://\u4f8b\u3048.jp/\u30c6\u30b9\u30c8",
     "https://xn--r8jz45g.jp/%E3%83%86%E3%82%B9%E3%83%88"),
]

LOOP_SPELLINGS = ["http://127.1/", "http://2130706433/", "http://0x7f.1/", "http://017700000001/",
                  "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/", "http://[::]/",
                  "http://127.0.0.1:%d/r/abcdef"]


def memcached_set(stack, key, value, ttl=3600):
    """Writes `value` under the instance's `key` straight into the stack's memcached, as another
    local user could: the service's key prefix is its database name and a colon."""
    host, port = stack.env["SHORTENER_MEMCACHED_SERVERS"].rsplit(":", 1)
    full = "%s:%s" % (stack.env["SHORTENER_MYSQL_DATABASE"], key)
    data = value.encode()
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"set %s 0 %d %d\r\n%s\r\n" % (full.encode(), ttl, len(data), data))
        reply = s.recv(100)
    assert reply.startswith(b"STORED"), reply


class IriTest(IntegrationTest):
    def test_iris_through_both_endpoints_and_the_redirect(self):
        for iri, uri in IRIS:
            with self.subTest(iri=iri):
                r = self.shorten(iri)
                self.assertEqual(r.json["url"], uri)
                v1 = self.v1_create(iri)
                self.assertEqual(v1.json["data"]["original_url"], uri)
                for slug in (r.json["slug"], v1.json["data"]["slug"]):
                    for attempt in ("miss", "hit"):
                        got = self.req("GET", "/r/" + slug)
                        self.assertEqual((got.status, got.headers.get("location")), (302, uri),
                                         attempt)
                    got = self.req("GET", "/" + slug)
                    self.assertEqual(got.json, {"ok": True, "original_url": uri})
                rows = self.stack.mysql("SELECT url FROM links WHERE slug = '%s'" % r.json["slug"])
                self.assertEqual(rows, [(uri,)])

    def test_false_a_labels_refused_everywhere_a_url_comes_in(self):
        """A host label that claims to be an IDNA A-label ("xn--") must be one, as the IRI host
        it stands for would have to be: refused with 422 on both create endpoints, PATCH and the
        YOURLS API, and nothing is stored. Real A-labels pass, byte for byte."""
        slug = self.v1_create("https://example.org/kept").json["data"]["slug"]
        for host in ("xn--zz.de", "xn--a.de", "a.xn--", "www.XN--ZZ.de", "xn--ls8h.la"):
            url = "https://%s/" % host
            before = self.stack.link_count()
            for path, field in (("/url/shorten", "url"), ("/api/v1/url-shortener", "original_url")):
                with self.subTest(url=url, path=path):
                    r = self.req("POST", path, json_body={field: url})
                    self.assert_error(r, 422, "validation", field=field)
                    self.assertIn("internationalized domain name", r.json["message"])
            with self.subTest(url=url, path="PATCH"):
                r = self.req("PATCH", "/api/v1/url-shorteners/" + slug,
                             json_body={"original_url": url})
                self.assert_error(r, 422, "validation", field="original_url")
            with self.subTest(url=url, path="yourls"):
                query = urllib.parse.urlencode({
                    "action": "shorturl", "url": url, "format": "json",
                    "signature": self.stack.default_auth()["X-API-Key"]})
                r = self.req("GET", "/yourls-api.php?" + query, client=Client(self.base, auth=None))
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json.get("status"), "fail", r)
            self.assertEqual(self.stack.link_count(), before)
        got = self.req("GET", "/r/" + slug)
        self.assertEqual(got.headers.get("location"), "https://example.org/kept")
        for uri in ("https://xn--mnchen-3ya.de/", "https://www.XN--R8JZ45G.jp/"):
            with self.subTest(uri=uri):
                self.assertEqual(self.v1_create(uri).json["data"]["original_url"], uri)

    def test_patch_converts_too(self):
        slug = self.v1_create("https://example.org/before").json["data"]["slug"]
        r = self.req("PATCH", "/api/v1/url-shorteners/" + slug,
                     json_body={"original_url": "https://m\u00fcnchen.de/\u00e4"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["data"]["original_url"], "https://xn--mnchen-3ya.de/%C3%A4")
        got = self.req("GET", "/r/" + slug)
        self.assertEqual(got.headers.get("location"), "https://xn--mnchen-3ya.de/%C3%A4")


class LoopTest(IntegrationTest):
    def test_loopback_spellings_refused_on_both_endpoints(self):
        for url in LOOP_SPELLINGS:
            if "%d" in url:
                url = url % self.client.port
            for path, field in (("/url/shorten", "url"), ("/api/v1/url-shortener", "original_url")):
                with self.subTest(url=url, path=path):
                    before = self.stack.link_count()
                    r = self.req("POST", path, json_body={field: url})
                    self.assert_error(r, 422, "validation", field=field)
                    self.assertEqual(self.stack.link_count(), before)


class LimitedInstanceTest(IntegrationTest):
    """An instance of its own: alias_hosts set and a small 404 limit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.limited_base = cls.stack.start_instance(workers=2, env={
            "SHORTENER_ALIAS_HOSTS": "short-alias.example, 192.0.2.80",
            "SHORTENER_RATE_LIMIT_NOT_FOUND": "5/60",
            # Limits are shared through memcached by every instance, keyed by client address:
            # the flood comes from an address of its own, named by a trusted proxy.
            "SHORTENER_TRUSTED_PROXIES": "127.0.0.1",
        })
        cls.limited = Client(cls.limited_base)

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop_instance(cls.limited.port)
        super().tearDownClass()

    def test_alias_hosts_refused_in_any_spelling(self):
        for url in ("https://short-alias.example/r/abc", "http://SHORT-ALIAS.example.:8080/",
                    "http://192.0.2.80/", "http://3221226064/", "http://0xc0.0.2.80/"):
            with self.subTest(url=url):
                r = self.req("POST", "/url/shorten", client=self.limited, json_body={"url": url})
                self.assert_error(r, 422, "validation", field="url")
        # Not aliases: the default instance takes them; so does this one.
        self.shorten("https://other-alias.example/", client=self.limited)

    def test_not_found_flood_gets_429(self):
        client = {"X-Forwarded-For": "10.%d.%d.%d" % (random.randint(0, 255),
                                                      random.randint(0, 255), random.randint(1, 254))}
        statuses = []
        for i in range(5):
            r = self.limited.req("GET", "/r/flood%s%d" % (rand_token(6), i), headers=client)
            statuses.append(r.status)
            self.assertEqual(r.headers.get("ratelimit-limit"), "5", r)
            self.assertEqual(r.headers.get("ratelimit-remaining"), str(4 - i), r)
        self.assertEqual(statuses, [404] * 5)
        for path in ("/r/flood" + rand_token(6), "/flood" + rand_token(6)):
            r = self.limited.req("GET", path, headers=client)
            self.assert_error(r, 429, "rate_limited", ctx=path)
            self.assertGreater(int(r.headers.get("retry-after", "0")), 0, r)
            self.assertEqual(r.headers.get("ratelimit-remaining"), "0", r)
        # A link in the cache (creation put it there) keeps redirecting for this client.
        slug = self.shorten("https://example.org/limited", client=self.limited).json["slug"]
        r = self.limited.req("GET", "/r/" + slug, headers=client)
        self.assertEqual((r.status, r.headers.get("location")), (302, "https://example.org/limited"))
        # Another address is not limited by this one's 404s.
        r = self.limited.req("GET", "/r/flood" + rand_token(6), headers={"X-Forwarded-For": "10.0.0.1"})
        self.assert_error(r, 404, "not_found")


class ForgedCacheTest(IntegrationTest):
    """Issue 10 point 9: a local user who can write to memcached tries to redirect a slug."""

    def forged_values(self, slug):
        far = int(time.time()) + 3600
        return [
            "%d 1 javascript:alert(document.cookie)" % far,          # the format before MACs
            "%d 1 https://phish.example/login" % far,
            "mAAAAAAAAAAAAAAAAAAAAAA %d 1 javascript:alert(1)" % far,  # a made-up MAC
            "mAAAAAAAAAAAAAAAAAAAAAA %d 1 https://phish.example/" % far,
        ]

    def test_forged_entry_for_an_existing_link_is_not_answered(self):
        slug = self.shorten("https://example.org/real-target").json["slug"]
        self.assertEqual(self.req("GET", "/r/" + slug).status, 302)
        for value in self.forged_values(slug):
            with self.subTest(value=value):
                memcached_set(self.stack, "r2:" + slug, value)
                for path in ("/r/" + slug, "/" + slug):
                    r = self.req("GET", path, headers={"Accept": "text/html"})
                    self.assertEqual((r.status, r.headers.get("location")),
                                     (302, "https://example.org/real-target"), (path, r))
                # The forged value was replaced by the service's own.
                self.assertNotEqual(self.stack.memcached_get("r2:" + slug), value)

    def test_forged_entry_for_an_unknown_slug_is_404(self):
        for value in self.forged_values("x"):
            slug = "forged" + rand_token(8)
            with self.subTest(value=value):
                memcached_set(self.stack, "r2:" + slug, value)
                for path in ("/r/" + slug, "/" + slug):
                    r = self.req("GET", path)
                    self.assert_error(r, 404, "not_found", ctx=path)
                    self.assertIsNone(r.headers.get("location"))

    def test_forgery_is_logged_once(self):
        slug = "forgedlog" + rand_token(6)
        for _ in range(6):
            memcached_set(self.stack, "r2:" + slug, self.forged_values(slug)[2])
            self.assertEqual(self.req("GET", "/r/" + slug).status, 404)
        log_path = "%s/workers.log" % self.stack.web_dir(self.base)
        with open(log_path, errors="replace") as f:
            lines = [l for l in f if "failed its MAC check" in l]
        # Two workers: at most one line each, however many forged entries they met.
        self.assertGreaterEqual(len(lines), 1)
        self.assertLessEqual(len(lines), 2)


class NegativeCacheTest(IntegrationTest):
    def test_probed_slug_created_then_redirected_at_once(self):
        for create in (self.shorten, self.v1_create):
            slug = "probed" + rand_token(8)
            with self.subTest(create=create.__name__):
                for path in ("/r/" + slug, "/" + slug):
                    self.assert_error(self.req("GET", path), 404, "not_found", ctx=path)
                create("https://example.org/probed-then-made", slug=slug)
                r = self.req("GET", "/r/" + slug)
                self.assertEqual((r.status, r.headers.get("location")),
                                 (302, "https://example.org/probed-then-made"), r)
                r = self.req("GET", "/" + slug)
                self.assertEqual(r.json, {"ok": True, "original_url": "https://example.org/probed-then-made"})

    def test_a_miss_fills_memcached_and_the_next_redirects_read_it(self):
        # The miss path's fill must land, and the next redirects, whichever worker answers
        # them, must be served from it, not from MariaDB.
        slug = self.stack.insert_link("https://example.org/filled")
        self.assertIsNone(self.stack.memcached_get("r2:" + slug))
        r = self.req("GET", "/r/" + slug)
        self.assertEqual((r.status, r.headers.get("location")), (302, "https://example.org/filled"))
        value = self.stack.memcached_get("r2:" + slug)
        self.assertIsNotNone(value, "the miss did not fill the cache")
        self.assertIn("https://example.org/filled", value)
        # Behind the service's back: only a redirect served from the cache keeps the old target.
        self.stack.mysql("UPDATE links SET url = 'https://example.org/changed' WHERE slug = '%s'"
                         % slug)
        for _ in range(4):  # every worker: each reads the one shared entry
            r = self.req("GET", "/r/" + slug)
            self.assertEqual(r.headers.get("location"), "https://example.org/filled")
        self.stack.forget_cached([slug])
        r = self.req("GET", "/r/" + slug)
        self.assertEqual(r.headers.get("location"), "https://example.org/changed")

    def test_unknown_slug_is_remembered_in_memcached(self):
        slug = "absent" + rand_token(8)
        self.assert_error(self.req("GET", "/r/" + slug), 404, "not_found")
        value = self.stack.memcached_get("r2:" + slug)
        self.assertIsNotNone(value, "no negative entry cached")
        self.assertRegex(value, r"^m[A-Za-z0-9_-]{22} - \d+$")
