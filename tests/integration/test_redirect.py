"""GET/HEAD /r/{slug} and GET /{slug}: exact targets, headers, Accept negotiation, expiry."""

import time
import unittest

from harness import IntegrationTest, rand_token

NOT_FOUND_MSG = "URL Shortener not found."

# Targets that must come back in Location byte for byte.
EXACT_TARGETS = [
    "https://example.org/",
    "https://example.org",
    "http://example.org:8080/p?q=1",
    "https://example.org/a%20b/c%2Fd?x=%E2%9C%93&y=a+b&z=%25#frag%21ment",
    "https://example.org/path;params?q=a%0D%0Ab#",
    "https://EXAMPLE.org/Case/../Sensitive/./Path?Q=UPPER#Frag",
    "https://example.org/?",
    "https://example.org/#",
    "https://xn--bcher-kva.example/%C3%BC?%C3%A4=%C3%B6",
    "http://[2001:db8::1]:8443/v6?x=1",
    "http://192.0.2.10/ip",
    "https://example.org/~user/it's(ok)!*,;=:@/?k=v&k2=v2#a/b?c",
]

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class RedirectTest(IntegrationTest):
    def test_redirect_exact_location(self):
        for url in EXACT_TARGETS:
            with self.subTest(url=url):
                slug = self.shorten(url).json["slug"]
                # Twice: the first fills the cache, the second is served from it.
                for attempt in ("miss", "hit"):
                    r = self.req("GET", "/r/" + slug)
                    self.assertEqual(r.status, 302, (attempt, r))
                    self.assertEqual(r.headers.get("location"), url, attempt)
                    self.assertEqual(r.headers.get("cache-control"), "private, max-age=0", attempt)

    def test_redirect_location_raw_bytes(self):
        # Read the Location line off the wire: nothing between us and the bytes.
        url = "https://example.org/raw%2F%2e%2E?a=%20&b=%c3%a9#%F0%9F%98%80"
        slug = self.shorten(url).json["slug"]
        data = self.client.raw(("GET /r/%s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                                % slug).encode())
        head = data.partition(b"\r\n\r\n")[0]
        lines = head.split(b"\r\n")
        self.assertIn(b" 302", lines[0])
        locs = [l for l in lines if l.lower().startswith(b"location:")]
        self.assertEqual(len(locs), 1, lines)
        self.assertEqual(locs[0].split(b":", 1)[1].strip(), url.encode())

    def test_head_redirect_has_no_body(self):
        url = "https://example.org/head?x=1"
        slug = self.shorten(url).json["slug"]
        status, hdrs, rest = self.client.head_raw("/r/" + slug)
        self.assertEqual(status, 302)
        self.assertEqual(hdrs.get("location"), url)
        self.assertEqual(hdrs.get("cache-control"), "private, max-age=0")
        self.assertEqual(rest, b"")

    def test_query_string_on_the_short_link_is_ignored(self):
        url = "https://example.org/q-ignored?a=1"
        slug = self.shorten(url).json["slug"]
        r = self.req("GET", "/r/%s?utm_source=x&a=2" % slug)
        self.assertEqual((r.status, r.headers.get("location")), (302, url))
        r = self.req("GET", "/%s?x=1" % slug)
        self.assertEqual((r.status, r.json), (200, {"ok": True, "original_url": url}))

    def test_unknown_slug_404(self):
        for path in ("/r/nOsUcH" + rand_token(), "/r/zz", "/r/" + "x" * 65, "/r/bad%20slug",
                     "/r/a.b"):
            with self.subTest(path=path):
                r = self.req("GET", path)
                self.assert_error(r, 404, "not_found", ctx=path)
                self.assertEqual(r.json["message"], NOT_FOUND_MSG, path)

    def test_head_unknown_slug_404_without_body(self):
        status, hdrs, rest = self.client.head_raw("/r/nOsUcH" + rand_token())
        self.assertEqual(status, 404)
        self.assertEqual(rest, b"")

    def test_trailing_slash_on_slug_is_404(self):
        slug = self.shorten("https://example.org/slash").json["slug"]
        self.assertEqual(self.req("GET", "/r/" + slug).status, 302)
        for path in ("/r/" + slug + "/", "/" + slug + "/"):
            with self.subTest(path=path):
                self.assert_error(self.req("GET", path), 404, "not_found", ctx=path)
                r = self.req("GET", path, headers={"Accept": "text/html"})
                self.assert_error(r, 404, "not_found", ctx=path + " (html)")

    def test_lookup_json(self):
        url = "https://example.org/lookup?q=%41#f"
        slug = self.v1_create(url).json["data"]["slug"]
        for accept in (None, "*/*", "application/json", "text/html;q=0, */*",
                       "application/json, text/html;q=0", "text/html; q=0.0",
                       "application/xhtml+xml, */*"):
            with self.subTest(accept=accept):
                hdrs = {"Accept": accept} if accept else {}
                r = self.req("GET", "/" + slug, headers=hdrs)
                self.assertEqual(r.status, 200, r)
                self.assert_json(r, "lookup")
                self.assertEqual(r.json, {"ok": True, "original_url": url})
                self.assertEqual(r.headers.get("cache-control"), "no-store")
                self.assertIn("accept", [v.strip().lower() for v in r.headers.get("vary", "").split(",")],
                              r.headers)
                self.assertNotIn("location", r.headers)

    def test_lookup_browser_redirects(self):
        url = "https://example.org/browser?x=%20y#z"
        slug = self.v1_create(url).json["data"]["slug"]
        for accept in (BROWSER_ACCEPT, "text/html", "TEXT/HTML", "text/html;q=0.1",
                       "application/json;q=0.9, text/html;q=0.5"):
            with self.subTest(accept=accept):
                r = self.req("GET", "/" + slug, headers={"Accept": accept})
                self.assertEqual(r.status, 302, r)
                self.assertEqual(r.headers.get("location"), url)
                self.assertEqual(r.headers.get("cache-control"), "private, max-age=0")
                self.assertIn("accept", [v.strip().lower() for v in r.headers.get("vary", "").split(",")],
                              r.headers)

    def test_lookup_404_carries_vary(self):
        r = self.req("GET", "/nOsUcH" + rand_token())
        self.assert_error(r, 404, "not_found")
        self.assertEqual(r.json["message"], NOT_FOUND_MSG)
        self.assertIn("accept", r.headers.get("vary", "").lower())
        browser = {"Accept": BROWSER_ACCEPT}
        r = self.req("GET", "/nOsUcH" + rand_token(), headers=browser)
        self.assert_link_404(r, browser, ctx="browser")
        self.assertIn("accept", r.headers.get("vary", "").lower())

    def test_head_lookup(self):
        url = "https://example.org/head-lookup"
        slug = self.v1_create(url).json["data"]["slug"]
        status, hdrs, rest = self.client.head_raw("/" + slug)
        self.assertEqual(status, 200)
        self.assertTrue(hdrs.get("content-type", "").startswith("application/json"), hdrs)
        self.assertEqual(rest, b"")
        status, hdrs, rest = self.client.head_raw("/" + slug, extra="Accept: text/html\r\n")
        self.assertEqual(status, 302)
        self.assertEqual(hdrs.get("location"), url)
        self.assertEqual(rest, b"")

    def test_link_from_one_family_visible_in_the_other(self):
        url1 = "https://example.org/made-by-shorten?a=1"
        slug1 = self.shorten(url1).json["slug"]
        r = self.req("GET", "/" + slug1)
        self.assertEqual(r.json, {"ok": True, "original_url": url1})
        url2 = "https://example.org/made-by-v1?b=2"
        slug2 = self.v1_create(url2).json["data"]["slug"]
        r = self.req("GET", "/r/" + slug2)
        self.assertEqual((r.status, r.headers.get("location")), (302, url2))
        listed = self.req("GET", "/api/v1/url-shorteners?limit=5").json["data"]["url_shorteners"]
        by_slug = {rec["slug"]: rec for rec in listed}
        self.assertIn(slug1, by_slug)
        self.assertEqual(by_slug[slug1]["original_url"], url1)
        self.assertEqual(by_slug[slug1]["short_url"], self.public + "/" + slug1)
        self.assertIn(slug2, by_slug)


class ExpiryTest(IntegrationTest):
    def test_expired_links_404_everywhere_even_when_cached(self):
        t0 = time.time()
        url = "https://example.org/short-lived"
        s1 = self.shorten(url, expires_in=2).json["slug"]
        s2 = self.v1_create(url, expires_in=2).json["data"]["slug"]
        # Served (and cached) while alive; several times to reach both workers.
        for _ in range(3):
            for s in (s1, s2):
                self.assertEqual(self.req("GET", "/r/" + s).status, 302)
                self.assertEqual(self.req("GET", "/" + s).status, 200)
                self.assertEqual(self.req("GET", "/" + s, headers={"Accept": "text/html"}).status, 302)
        self.assertLess(time.time() - t0, 1.5, "the stack is too slow for a 2 s expiry test")
        time.sleep(max(0.0, t0 + 3.2 - time.time()))
        for s in (s1, s2):
            for _ in range(3):
                for path, hdrs in (("/r/" + s, {}), ("/" + s, {}), ("/" + s, {"Accept": "text/html"})):
                    r = self.req("GET", path, headers=hdrs)
                    self.assert_link_404(r, hdrs, ctx="expired " + path)
            status, _, _ = self.client.head_raw("/r/" + s)
            self.assertEqual(status, 404)

    def test_expired_slug_stays_taken(self):
        slug = "exp" + rand_token()
        self.shorten("https://example.org/x", slug=slug, expires_in=1)
        time.sleep(2.1)
        self.assert_error(self.req("GET", "/r/" + slug), 404, "not_found")
        r = self.shorten("https://example.org/y", slug=slug, expect=409)
        self.assert_error(r, 409, "slug_taken")


if __name__ == "__main__":
    unittest.main()
