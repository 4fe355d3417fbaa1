"""POST /url/shorten: the account/short-link API's creation (authenticated as the harness user)."""

import json
import time
import unittest

from harness import BASE62_SLUG, IntegrationTest, iso, parse_iso, rand_token

SHORTEN_KEYS = {"ok", "short_url", "slug", "url", "created_at", "expires_at"}


class ShortenTest(IntegrationTest):
    def test_shorten_201_shape_and_location(self):
        url = "https://example.org/a/b?c=1&d=%20x#frag"
        now = time.time()
        r = self.shorten(url)
        self.assert_json(r, "shorten")
        js = r.json
        self.assertEqual(set(js), SHORTEN_KEYS, js)
        self.assertIs(js["ok"], True)
        self.assertEqual(js["url"], url)
        self.assertRegex(js["slug"], BASE62_SLUG)
        self.assertEqual(js["short_url"], self.public + "/r/" + js["slug"])
        self.assertEqual(r.headers.get("location"), js["short_url"])
        self.assert_iso_near(js["created_at"], now, ctx="created_at")
        # shorten_default_ttl = 3600
        self.assert_iso_near(js["expires_at"], now + 3600, ctx="expires_at")
        self.assertEqual(parse_iso(js["expires_at"]) - parse_iso(js["created_at"]), 3600)

    def test_shorten_row_is_stored(self):
        url = "https://example.org/stored/" + rand_token()
        js = self.shorten(url).json
        rows = self.stack.mysql("SELECT url, owner_id FROM links WHERE slug = '%s'" % js["slug"])
        self.assertEqual(rows, [(url, str(self.stack.default_user_id()))])

    def test_expires_in(self):
        now = time.time()
        js = self.shorten("https://example.org/ttl", expires_in=120).json
        self.assert_iso_near(js["expires_at"], now + 120, ctx="expires_at")
        self.assertEqual(parse_iso(js["expires_at"]) - parse_iso(js["created_at"]), 120)

    def test_expires_in_max_ttl_is_accepted(self):
        now = time.time()
        js = self.shorten("https://example.org/maxttl", expires_in=315360000).json
        self.assert_iso_near(js["expires_at"], now + 315360000, ctx="expires_at")

    def test_expires_at_with_z(self):
        target = int(time.time()) + 7200
        js = self.shorten("https://example.org/at-z", expires_at=iso(target)).json
        self.assertEqual(js["expires_at"], iso(target))

    def test_expires_at_with_positive_offset(self):
        target = int(time.time()) + 7200
        # The same instant written in +02:00.
        local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(target + 7200)) + "+02:00"
        js = self.shorten("https://example.org/at-plus", expires_at=local).json
        self.assertEqual(js["expires_at"], iso(target), local)

    def test_expires_at_with_negative_offset(self):
        target = int(time.time()) + 86400
        local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(target - 5 * 3600 - 1800)) + "-05:30"
        js = self.shorten("https://example.org/at-minus", expires_at=local).json
        self.assertEqual(js["expires_at"], iso(target), local)

    def test_custom_slug(self):
        slug = "My-Link_" + rand_token()
        js = self.shorten("https://example.org/custom", slug=slug).json
        self.assertEqual(js["slug"], slug)
        self.assertTrue(js["short_url"].endswith("/r/" + slug))

    def test_custom_slug_min_and_max_length(self):
        s3 = rand_token(3, "ABCDEFGHJKLMNPQRSTUVWXYZ")
        self.assertEqual(self.shorten("https://example.org/s3", slug=s3).json["slug"], s3)
        s64 = "L" + rand_token(63)
        self.assertEqual(self.shorten("https://example.org/s64", slug=s64).json["slug"], s64)

    def test_custom_slugs_are_case_sensitive(self):
        suffix = rand_token()
        upper, lower = "AbcX" + suffix, "abcx" + suffix
        a = self.shorten("https://example.org/upper", slug=upper).json
        b = self.shorten("https://example.org/lower", slug=lower).json
        self.assertEqual((a["slug"], b["slug"]), (upper, lower))
        r1 = self.req("GET", "/r/" + upper)
        r2 = self.req("GET", "/r/" + lower)
        self.assertEqual((r1.status, r1.headers.get("location")), (302, "https://example.org/upper"))
        self.assertEqual((r2.status, r2.headers.get("location")), (302, "https://example.org/lower"))
        # Neither spelling can be taken a second time.
        count = self.stack.link_count()
        self.assert_error(self.shorten("https://example.org/again", slug=upper, expect=409),
                          409, "slug_taken", ctx="repeat upper")
        self.assert_error(self.shorten("https://example.org/again", slug=lower, expect=409),
                          409, "slug_taken", ctx="repeat lower")
        self.assertEqual(self.stack.link_count(), count)
        # The refused requests did not touch the existing links.
        r1 = self.req("GET", "/r/" + upper)
        self.assertEqual(r1.headers.get("location"), "https://example.org/upper")

    def test_slug_taken_across_families(self):
        slug = "cross" + rand_token()
        self.shorten("https://example.org/first", slug=slug)
        count = self.stack.link_count()
        r = self.v1_create("https://example.org/second", slug=slug, expect=409)
        self.assert_error(r, 409, "slug_taken", ctx="v1 with a /url/ slug")
        slug2 = "cross" + rand_token()
        self.v1_create("https://example.org/first", slug=slug2)
        count = self.stack.link_count()
        r = self.shorten("https://example.org/second", slug=slug2, expect=409)
        self.assert_error(r, 409, "slug_taken", ctx="/url/ with a v1 slug")
        self.assertEqual(self.stack.link_count(), count)

    def test_generated_slugs_base62_unique_not_sequential(self):
        slugs = [self.shorten("https://example.org/gen/%d" % i).json["slug"] for i in range(20)]
        for s in slugs:
            self.assertRegex(s, BASE62_SLUG)
        self.assertEqual(len(set(slugs)), len(slugs), slugs)
        self.assertNotEqual(slugs, sorted(slugs), "generated slugs come out sorted: %r" % slugs)
        self.assertNotEqual(slugs, sorted(slugs, reverse=True), slugs)
        for a, b in zip(slugs, slugs[1:]):
            same_len = len(a) == len(b)
            diff = sum(1 for x, y in zip(a, b) if x != y) + abs(len(a) - len(b))
            # A keyed permutation changes about every character; a counter changes one or two.
            self.assertTrue(not same_len or diff >= 3,
                            "consecutive slugs %s, %s look sequential (all: %r)" % (a, b, slugs))
            self.assertNotEqual(a[:4], b[:4], "consecutive slugs share a prefix: %r" % slugs)

    def test_unknown_body_fields_are_ignored(self):
        r = self.req("POST", "/url/shorten", json_body={
            "url": "https://example.org/unknown-fields", "foo": 1, "owner_id": 99,
            "nested": {"a": [1, 2]}, "clicks": 1000})
        self.assertEqual(r.status, 201, r.body)
        rows = self.stack.mysql("SELECT (SELECT COUNT(*) FROM link_clicks_daily WHERE link_id = links.id), "
                                "owner_id FROM links WHERE slug = '%s'" % r.json["slug"])
        self.assertEqual(rows, [("0", str(self.stack.default_user_id()))])

    def test_metadata_accepted(self):
        r = self.shorten("https://example.org/meta", metadata={"campaign": "x", "n": [1, 2]})
        self.assertEqual(r.status, 201)

    def test_content_type_with_charset(self):
        r = self.req("POST", "/url/shorten", body=json.dumps({"url": "https://example.org/cs"}),
                     headers={"Content-Type": "application/json; charset=utf-8"})
        self.assertEqual(r.status, 201, r.body)

    def test_content_type_case_insensitive(self):
        # RFC 9110 8.3.1: type, subtype and parameter names are case-insensitive.
        r = self.req("POST", "/url/shorten", body=json.dumps({"url": "https://example.org/ci"}),
                     headers={"Content-Type": "Application/JSON; Charset=UTF-8"})
        self.assertEqual(r.status, 201, r.body)

    def test_body_exactly_max_body_bytes_is_not_413(self):
        limit = 65536
        body = {"url": "https://example.org/exact-limit", "pad": ""}
        pad = limit - len(json.dumps(body))
        body["pad"] = "p" * pad
        data = json.dumps(body).encode()
        self.assertEqual(len(data), limit)
        r = self.req("POST", "/url/shorten", body=data, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 201, self.describe("POST", "/url/shorten (64 KiB)", r))

    def test_url_exactly_max_url_length_is_accepted(self):
        prefix = "https://example.org/"
        url = prefix + "a" * (2048 - len(prefix))
        self.assertEqual(len(url), 2048)
        js = self.shorten(url).json
        self.assertEqual(js["url"], url)
        r = self.req("GET", "/r/" + js["slug"])
        self.assertEqual(r.headers.get("location"), url)


if __name__ == "__main__":
    unittest.main()
