"""API.md "Web interface", the worker's part: the HTML 404 page browsers get for a short link
that is not there (JSON for API clients), and the public QR codes at /qr/{slug}.svg|.png."""

import subprocess
import tempfile
import unittest

from harness import Client, IntegrationTest, rand_token

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ONE = "/api/v1/url-shorteners/"


class HtmlNotFoundTest(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anon = Client(cls.base, auth=None)

    def assert_page(self, r, ctx):
        self.assert_link_404(r, BROWSER, ctx=ctx)
        self.assertEqual(r.headers.get("referrer-policy"), "same-origin", ctx)
        self.assertEqual(r.headers.get("x-frame-options"), "DENY", ctx)
        self.assertEqual(r.headers.get("x-content-type-options"), "nosniff", ctx)
        self.assertNotIn("unsafe-inline", r.headers.get("content-security-policy", ""), ctx)
        self.assertIn("accept", r.headers.get("vary", "").lower(), ctx)
        self.assertIn(b"<!DOCTYPE html>", r.body, ctx)

    def gone_slugs(self):
        """An unknown slug, an expired link's, a deleted link's."""
        unknown = "nOsUcH" + rand_token()
        expired = self.stack.insert_link("https://example.org/expired-page", days=-1)
        deleted = self.v1_create("https://example.org/deleted-page").json["data"]["slug"]
        self.assertEqual(self.req("DELETE", ONE + deleted).status, 204)
        return {"unknown": unknown, "expired": expired, "deleted": deleted}

    def test_browser_gets_html_api_client_gets_json(self):
        for what, slug in self.gone_slugs().items():
            for path in ("/r/" + slug, "/" + slug):
                ctx = "%s %s" % (what, path)
                with self.subTest(ctx=ctx):
                    self.assert_page(self.req("GET", path, client=self.anon, headers=BROWSER), ctx)
                    for accept in (None, "*/*", "application/json", "text/html;q=0"):
                        hdrs = {"Accept": accept} if accept else {}
                        r = self.req("GET", path, client=self.anon, headers=hdrs)
                        self.assert_link_404(r, {}, ctx="%s Accept %r" % (ctx, accept))

    def test_head_of_a_dead_link_for_a_browser_has_no_body(self):
        status, hdrs, rest = self.client.head_raw("/r/nOsUcH" + rand_token(),
                                                   extra="Accept: text/html\r\n")
        self.assertEqual(status, 404)
        self.assertTrue(hdrs.get("content-type", "").startswith("text/html"), hdrs)
        self.assertEqual(rest, b"")

    def test_live_links_still_redirect_browsers(self):
        url = "https://example.org/alive?" + rand_token()
        slug = self.v1_create(url).json["data"]["slug"]
        for path in ("/r/" + slug, "/" + slug):
            r = self.req("GET", path, client=self.anon, headers=BROWSER)
            self.assertEqual((r.status, r.headers.get("location")), (302, url), path)


class UiNotFoundTest(IntegrationTest):
    """The web interface's static files come from the web server itself, but a path under /ui/
    that names none (a folder too) is API.md's unknown path: 404 with the JSON error body, on
    every front (test_fronts), as the workers answer any other unknown path."""

    def test_missing_files_and_folders_are_404_json(self):
        anon = Client(self.base, auth=None)
        for path in ("/ui/", "/ui/v1/", "/ui/v1/js/", "/ui/no-such-page.html",
                     "/ui/v1/js/no-such.js", "/ui/v1/css/nope/", "/ui/links.html/x"):
            for headers in ({}, BROWSER):
                with self.subTest(path=path, browser=bool(headers)):
                    r = self.req("GET", path, client=anon, headers=headers)
                    self.assert_error(r, 404, "not_found")
                    self.assertEqual(r.headers.get("x-content-type-options"), "nosniff")
                    # Not the assets' year: a file added there later must be fetched.
                    self.assertNotIn("immutable", r.headers.get("cache-control", ""))
        # What is there is still served, by the web server.
        for path, kind in (("/", "text/html"), ("/ui/links.html", "text/html"),
                           ("/ui/v1/js/api.js", "text/javascript")):
            with self.subTest(path=path):
                r = self.req("GET", path, client=anon)
                self.assertEqual(r.status, 200, r)
                self.assertTrue(r.headers.get("content-type", "").startswith(kind), r.headers)


class QrCodeTest(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anon = Client(cls.base, auth=None)

    def assert_cacheable(self, r, content_type, ctx, least=86400, most=86400):
        """A public image kept a day, or less (from `least` to `most` seconds) for a link that
        expires sooner."""
        self.assertEqual(r.status, 200, self.describe("GET", ctx, r))
        self.assertEqual(r.headers.get("content-type"), content_type, ctx)
        cache = r.headers.get("cache-control", "")
        self.assertRegex(cache, r"^public, max-age=\d+$", ctx)
        self.assertTrue(least <= int(cache.split("=")[1]) <= most, (cache, ctx))
        self.assertNotIn("set-cookie", r.headers, ctx)

    def test_png_decodes_to_the_short_url(self):
        slug = self.v1_create("https://example.org/qr?" + rand_token()).json["data"]["slug"]
        r = self.req("GET", "/qr/%s.png" % slug, client=self.anon)
        self.assert_cacheable(r, "image/png", "png")
        with tempfile.NamedTemporaryFile(suffix=".png") as f:
            f.write(r.body)
            f.flush()
            out = subprocess.run(["zbarimg", "--quiet", "--raw", f.name], capture_output=True,
                                 timeout=30)
        self.assertEqual(out.stdout.decode().strip(), self.public + "/" + slug, out.stderr)

    def test_svg_and_its_sizes(self):
        # A /url/shorten link lives shorten_default_ttl, an hour: its images are kept that long.
        slug = self.shorten("https://example.org/qr-svg").json["slug"]
        hour = {"least": 3500, "most": 3600}
        r = self.req("GET", "/qr/%s.svg" % slug, client=self.anon)
        self.assert_cacheable(r, "image/svg+xml", "svg", **hour)
        self.assertIn(b"<svg", r.body)
        default_width = r.body.split(b'width="')[1].split(b'"')[0]
        r1 = self.req("GET", "/qr/%s.svg?size=1" % slug, client=self.anon)
        self.assert_cacheable(r1, "image/svg+xml", "size=1", **hour)
        one_width = r1.body.split(b'width="')[1].split(b'"')[0]
        self.assertEqual(int(default_width), 8 * int(one_width))
        small = self.req("GET", "/qr/%s.png?size=1" % slug, client=self.anon)
        large = self.req("GET", "/qr/%s.png?size=40" % slug, client=self.anon)
        self.assert_cacheable(small, "image/png", "png size=1", **hour)
        self.assert_cacheable(large, "image/png", "png size=40", **hour)
        # IHDR's width, bytes 16-19 of a PNG.
        self.assertEqual(int.from_bytes(large.body[16:20], "big"),
                         40 * int.from_bytes(small.body[16:20], "big"))
        status, hdrs, rest = self.client.head_raw("/qr/%s.svg" % slug)
        self.assertEqual((status, rest), (200, b""))

    def test_a_link_expiring_sooner_caps_the_images_cache_time(self):
        """A QR code kept for a day after its link expired would stand for a 404 (a review)."""
        slug = self.v1_create("https://example.org/qr-soon", expires_in=100).json["data"]["slug"]
        for ext in ("png", "svg"):
            r = self.req("GET", "/qr/%s.%s" % (slug, ext), client=self.anon)
            self.assert_cacheable(r, "image/png" if ext == "png" else "image/svg+xml", ext,
                                  least=90, most=100)

    def test_bad_sizes_are_422(self):
        slug = self.v1_create("https://example.org/qr-size").json["data"]["slug"]
        for size in ("0", "41", "-1", "abc", "", "1.5", "99999999999"):
            with self.subTest(size=size):
                r = self.req("GET", "/qr/%s.png?size=%s" % (slug, size), client=self.anon)
                self.assert_error(r, 422, "validation", field="size")

    def test_gone_or_malformed_is_404(self):
        expired = self.stack.insert_link("https://example.org/qr-expired", days=-1)
        slug = self.v1_create("https://example.org/qr-ext").json["data"]["slug"]
        for path in ("/qr/nOsUcH%s.svg" % rand_token(), "/qr/%s.png" % expired,
                     "/qr/%s.gif" % slug, "/qr/%s" % slug, "/qr/.svg", "/qr/a%20b.png",
                     "/qr/%s.svg/" % slug):
            with self.subTest(path=path):
                self.assert_error(self.req("GET", path, client=self.anon), 404, "not_found")

    def test_other_methods_are_405(self):
        slug = self.v1_create("https://example.org/qr-405").json["data"]["slug"]
        r = self.req("POST", "/qr/%s.svg" % slug, client=self.anon, body=b"",
                     headers={"Content-Length": "0"})
        self.assert_error(r, 405, "method_not_allowed")
        self.assertIn("GET", r.headers.get("allow", ""))


if __name__ == "__main__":
    unittest.main()
