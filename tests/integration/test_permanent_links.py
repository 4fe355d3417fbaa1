"""Permanent links (a null expiry) on both API families, PATCH both ways, and
allow_permanent_links = false."""

import time

from harness import Client, IntegrationTest, rand_token

V1 = "/api/v1/url-shortener"
ONE = "/api/v1/url-shorteners/"


class PermanentLinksTest(IntegrationTest):
    def stored_expiry(self, slug):
        """links.expires_at of `slug` as MariaDB prints it ("NULL" for a permanent link)."""
        return self.stack.mysql_value("SELECT expires_at FROM links WHERE slug = '%s'" % slug)

    def record(self, slug):
        r = self.req("GET", ONE + slug)
        self.assertEqual(r.status, 200, r)
        return r.json["data"]

    def check_permanent(self, slug, url):
        self.assertEqual(self.stored_expiry(slug), "NULL")
        self.assertIsNone(self.record(slug)["expiration_date"])
        # Redirects, twice: the second is served from memcached, which holds the entry too.
        for path in ("/r/" + slug, "/r/" + slug, "/" + slug):
            r = self.req("GET", path, headers={"Accept": "text/html"})
            self.assertEqual((r.status, r.headers.get("location")), (302, url), path)
        # The list shows null as well.
        r = self.req("GET", "/api/v1/url-shorteners?limit=50")
        recs = [x for x in r.json["data"]["url_shorteners"] if x["slug"] == slug]
        self.assertEqual(len(recs), 1, r.json)
        self.assertIsNone(recs[0]["expiration_date"])

    def test_shorten_with_a_null_expiry_makes_a_permanent_link(self):
        for field in ("expires_in", "expires_at"):
            with self.subTest(field=field):
                url = "https://example.org/forever/%s?%s" % (field, rand_token())
                r = self.shorten(url, **{field: None})
                self.assertIn("expires_at", r.json)
                self.assertIsNone(r.json["expires_at"], r.json)
                self.check_permanent(r.json["slug"], url)

    def test_v1_create_with_a_null_expiry_makes_a_permanent_link(self):
        for field in ("expires_in", "expiration_date"):
            with self.subTest(field=field):
                url = "https://example.org/v1-forever/%s?%s" % (field, rand_token())
                r = self.v1_create(url, **{field: None})
                self.assertIsNone(r.json["data"]["expiration_date"], r.json)
                self.check_permanent(r.json["data"]["slug"], url)

    def test_defaults_are_unchanged(self):
        now = time.time()
        r = self.shorten("https://example.org/default-" + rand_token())
        self.assert_iso_near(r.json["expires_at"], now + 3600)
        r = self.v1_create("https://example.org/default-" + rand_token())
        self.assert_iso_near(r.json["data"]["expiration_date"], now + 432000)

    def test_patch_both_ways(self):
        url = "https://example.org/patch-forever?" + rand_token()
        slug = self.v1_create(url, expires_in=60).json["data"]["slug"]
        self.assertNotEqual(self.stored_expiry(slug), "NULL")
        # Expiring -> permanent, by either field.
        for field in ("expiration_date", "expires_in"):
            with self.subTest(to="permanent", field=field):
                r = self.req("PATCH", ONE + slug, json_body={"expires_in": 60})
                self.assertEqual(r.status, 200, r)
                self.assertIsNotNone(r.json["data"]["expiration_date"])
                r = self.req("PATCH", ONE + slug, json_body={field: None})
                self.assertEqual(r.status, 200, r)
                self.assertIsNone(r.json["data"]["expiration_date"], r.json)
                self.check_permanent(slug, url)
        # Permanent -> expiring, by either field; the redirect sees the expiry at once.
        now = time.time()
        r = self.req("PATCH", ONE + slug, json_body={"expires_in": 2})
        self.assertEqual(r.status, 200, r)
        self.assert_iso_near(r.json["data"]["expiration_date"], now + 2)
        self.assertNotEqual(self.stored_expiry(slug), "NULL")
        self.assertEqual(self.req("GET", "/r/" + slug).status, 302)
        time.sleep(max(0.0, now + 3.2 - time.time()))
        self.assert_error(self.req("GET", "/r/" + slug), 404, "not_found")
        # An expired link can be made permanent again by its owner.
        r = self.req("PATCH", ONE + slug, json_body={"expiration_date": None})
        self.assertEqual(r.status, 200, r)
        self.assertIsNone(r.json["data"]["expiration_date"])
        self.assertEqual(self.req("GET", "/r/" + slug).status, 302)
        when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 7200))
        r = self.req("PATCH", ONE + slug, json_body={"expiration_date": when})
        self.assertEqual((r.status, r.json["data"]["expiration_date"]), (200, when))

    def test_null_together_with_a_time_is_422(self):
        for body in ({"expires_in": None, "expires_at": None},
                     {"expires_in": 60, "expires_at": None},
                     {"expires_in": None, "expires_at": "2099-01-01T00:00:00Z"}):
            with self.subTest(body=body):
                before = self.stack.own_link_count()
                body = dict(body, url="https://example.org/both-" + rand_token())
                r = self.req("POST", "/url/shorten", json_body=body)
                self.assert_error(r, 422, "validation", field="expires_at")
                self.assertEqual(self.stack.own_link_count(), before)


class PermanentLinksOffTest(IntegrationTest):
    """An instance with allow_permanent_links = false."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.off_base = cls.stack.start_instance(
            workers=1, env={"SHORTENER_ALLOW_PERMANENT_LINKS": "false"})
        cls.off = Client(cls.off_base)

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop_instance(cls.off.port)
        super().tearDownClass()

    def test_a_null_expiry_is_422_naming_the_field(self):
        cases = [("/url/shorten", "url", "expires_in"), ("/url/shorten", "url", "expires_at"),
                 (V1, "original_url", "expires_in"), (V1, "original_url", "expiration_date")]
        for path, url_field, field in cases:
            with self.subTest(path=path, field=field):
                before = self.stack.own_link_count()
                body = {url_field: "https://example.org/off-" + rand_token(), field: None}
                r = self.req("POST", path, client=self.off, json_body=body)
                self.assert_error(r, 422, "validation", field=field)
                self.assertEqual(self.stack.own_link_count(), before)
        # PATCH cannot make a link permanent either; a time still works.
        slug = self.v1_create("https://example.org/off-patch", client=self.off).json["data"]["slug"]
        for field in ("expires_in", "expiration_date"):
            with self.subTest(patch=field):
                r = self.req("PATCH", ONE + slug, client=self.off, json_body={field: None})
                self.assert_error(r, 422, "validation", field=field)
        self.assertNotEqual(
            self.stack.mysql_value("SELECT expires_at FROM links WHERE slug = '%s'" % slug), "NULL")
        r = self.req("PATCH", ONE + slug, client=self.off, json_body={"expires_in": 600})
        self.assertEqual(r.status, 200, r)
        # Defaults and explicit times are untouched by the switch.
        r = self.shorten("https://example.org/off-default", client=self.off)
        self.assertIsNotNone(r.json["expires_at"])
