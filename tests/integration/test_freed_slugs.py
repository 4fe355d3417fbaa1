"""Freed slugs are held (issue 10 #11, API.md freed_slug_hold): after a DELETE or a purge, another
user cannot re-create the slug until the hold has passed; its owner can; no generated slug lands
on a held one; purge-expired forgets holds older than the hold."""

import random
import re
import time

from harness import Client, IntegrationTest, rand_token

ONE = "/api/v1/url-shorteners/"


class FreedSlugTest(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        name, _ = cls.stack.make_user("other")
        cls.other = Client(cls.base, auth={"X-API-Key": cls.stack.make_api_key(name)})

    def delete(self, slug, client=None):
        self.assertEqual(self.req("DELETE", ONE + slug, client=client).status, 204)

    def test_takeover_after_delete_is_409_and_the_owner_may_recreate(self):
        slug = "held-" + rand_token()
        self.shorten("https://example.org/genuine", slug=slug)
        self.delete(slug)
        # The attack: another user re-creates the slug, pointing elsewhere.
        for path, field in (("/url/shorten", "url"), ("/api/v1/url-shortener", "original_url")):
            with self.subTest(path=path):
                r = self.req("POST", path, client=self.other,
                             json_body={field: "https://phish.example.net/", "slug": slug})
                self.assert_error(r, 409, "slug_taken")
        self.assertIsNone(self.stack.mysql_value("SELECT id FROM links WHERE slug = '%s'" % slug))
        self.assert_error(self.req("GET", "/r/" + slug), 404, "not_found")
        # Its owner may take it back (it is their link), and delete it again.
        r = self.shorten("https://example.org/genuine-again", slug=slug)
        self.assertEqual(r.json["slug"], slug)
        self.assertEqual(self.req("GET", "/r/" + slug).headers.get("location"),
                         "https://example.org/genuine-again")
        self.delete(slug)
        r = self.req("POST", "/url/shorten", client=self.other,
                     json_body={"url": "https://phish.example.net/", "slug": slug})
        self.assert_error(r, 409, "slug_taken")

    def test_takeover_after_purge_is_409(self):
        slug = "purged-" + rand_token()
        self.shorten("https://example.org/expiring", slug=slug)
        self.stack.mysql("UPDATE links SET expires_at = UTC_TIMESTAMP() - INTERVAL 60 SECOND "
                         "WHERE slug = '%s'" % slug)
        self.stack.admin("purge-expired")
        self.assertIsNone(self.stack.mysql_value("SELECT id FROM links WHERE slug = '%s'" % slug))
        self.assertEqual(self.stack.mysql_value(
            "SELECT owner_id FROM freed_slugs WHERE slug = '%s'" % slug),
            str(self.stack.default_user_id()))
        r = self.req("POST", "/url/shorten", client=self.other,
                     json_body={"url": "https://phish.example.net/", "slug": slug})
        self.assert_error(r, 409, "slug_taken")
        self.assertEqual(self.shorten("https://example.org/renewed", slug=slug).json["slug"], slug)

    def test_a_generated_slug_never_lands_on_a_held_one(self):
        # Generated slugs are made of numbers from the sequence link_slug_numbers (sql/016):
        # restarting it at a number makes the next creation draw that number, and so its slug,
        # again. Learn the slugs of numbers N and N+1; N's is held once its link is deleted (even
        # from the same owner), N+1's row goes without a hold (straight from the table).
        number = 7_000_000 + random.randrange(1_000_000)
        self.stack.mysql("ALTER SEQUENCE link_slug_numbers RESTART WITH %d" % number)
        held = self.v1_create("https://example.org/wind-back").json["data"]["slug"]
        free = self.v1_create("https://example.org/wind-back-2").json["data"]["slug"]
        self.delete(held)
        self.stack.mysql("DELETE FROM links WHERE slug = '%s'" % free)
        self.stack.mysql("ALTER SEQUENCE link_slug_numbers RESTART WITH %d" % number)
        r = self.v1_create("https://example.org/after-wind-back")
        self.assertEqual(r.json["data"]["slug"], free, "N's held slug was not passed for N+1's")
        self.assertIsNone(self.stack.mysql_value("SELECT id FROM links WHERE slug = '%s'" % held))

    def test_purge_forgets_holds_older_than_the_hold(self):
        old, recent = "old-hold-" + rand_token(), "new-hold-" + rand_token()
        for slug in (old, recent):
            self.shorten("https://example.org/h", slug=slug)
            self.delete(slug)
        self.stack.mysql("UPDATE freed_slugs SET freed_at = UTC_TIMESTAMP() - INTERVAL 91 DAY "
                         "WHERE slug = '%s'" % old)
        out = self.stack.admin("purge-expired").stdout
        self.assertRegex(out, re.compile(r"^forgot \d+ slug holds older than 7776000 s$", re.M))
        held = {r[0] for r in self.stack.mysql(
            "SELECT slug FROM freed_slugs WHERE slug IN ('%s', '%s')" % (old, recent))}
        self.assertEqual(held, {recent})
        # The old one is free for anybody now; the recent one is not.
        r = self.req("POST", "/url/shorten", client=self.other,
                     json_body={"url": "https://example.net/", "slug": old})
        self.assertEqual(r.status, 201, r)
        r = self.req("POST", "/url/shorten", client=self.other,
                     json_body={"url": "https://example.net/", "slug": recent})
        self.assert_error(r, 409, "slug_taken")


class ShortHoldTest(IntegrationTest):
    """An instance with freed_slug_hold = 2: the hold ends, and then anybody may take the slug."""

    HOLD = 2

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        base = cls.stack.start_instance(workers=1,
                                        env={"SHORTENER_FREED_SLUG_HOLD": str(cls.HOLD)})
        cls.a = Client(base)
        name, _ = cls.stack.make_user("later")
        cls.b = Client(base, auth={"X-API-Key": cls.stack.make_api_key(name)})

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop_instance(cls.a.port)
        super().tearDownClass()

    def test_another_user_gets_the_slug_after_the_hold(self):
        slug = "short-hold-" + rand_token()
        self.shorten("https://example.org/first", client=self.a, slug=slug)
        self.assertEqual(self.req("DELETE", ONE + slug, client=self.a).status, 204)
        freed = time.time()
        r = self.req("POST", "/url/shorten", client=self.b,
                     json_body={"url": "https://example.net/second", "slug": slug})
        self.assert_error(r, 409, "slug_taken")
        time.sleep(max(0.0, freed + self.HOLD + 1.2 - time.time()))
        r = self.shorten("https://example.net/second", client=self.b, slug=slug)
        self.assertEqual(r.json["slug"], slug)
        self.assertEqual(self.req("GET", "/r/" + slug, client=self.b).headers.get("location"),
                         "https://example.net/second")
