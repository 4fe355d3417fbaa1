"""Every bad input of API.md: status, error code and field, never a 5xx, and no row stored.

Each case is its own test method (generated from the tables below), so a failure names its input.
"""

import json
import time
import unittest

from harness import IntegrationTest, iso, rand_token

SHORTEN = "/url/shorten"
V1 = "/api/v1/url-shortener"
LIST = "/api/v1/url-shorteners"
GOOD_URL = "https://example.org/fine"
RESERVED = ["api", "url", "r", "static", "healthz", "metrics", "admin", "login", "signup",
            "favicon.ico", "robots.txt", "index.html"]


class RefusalMixin:
    def refused(self, method, path, status, code, field=None, fields=None, **kw):
        """Sends a request that must be refused; checks the answer and that no row appeared."""
        before = self.stack.link_count()
        r = self.client.req(method, path, **kw)
        desc = "%s %s %s" % (method, path, _short(kw))
        self.assertLess(r.status, 500, "%s -> %d %r" % (desc, r.status, r.body[:300]))
        self.assert_error(r, status, code, field=field, fields=fields, ctx=desc)
        self.assertEqual(self.stack.link_count(), before, "%s stored a row" % desc)
        return r


def _short(kw):
    text = repr(kw.get("json_body", kw.get("body")))
    return text if len(text) < 200 else text[:200] + "...(%d)" % len(text)


def _name(text):
    out = "".join(c if c.isalnum() else "_" for c in text)
    return out.strip("_")[:60] or "empty"


# ---------------------------------------------------------------------------------------------
# Body-level refusals, for both creation endpoints.

BODY_415 = {
    "text_plain": ("text/plain", json.dumps({"url": GOOD_URL})),
    "no_content_type": (None, json.dumps({"url": GOOD_URL})),
    "form_encoded": ("application/x-www-form-urlencoded", "url=https%3A%2F%2Fexample.org%2F"),
    "multipart": ("multipart/form-data; boundary=xyz",
                  '--xyz\r\nContent-Disposition: form-data; name="url"\r\n\r\n%s\r\n--xyz--\r\n' % GOOD_URL),
    "json_lookalike": ("application/jsonx", json.dumps({"url": GOOD_URL})),
}

BODY_400 = {
    "invalid": b"{not json}",
    "truncated": b'{"url": "https://example.org/',
    "array": b'[{"url": "https://example.org/"}]',
    "string": b'"https://example.org/"',
    "number": b"42",
    "null": b"null",
    "true": b"true",
    "empty": b"",
    "trailing_garbage": b'{"url": "https://example.org/"} x',
    "two_objects": b'{"url": "https://example.org/"}{}',
    "single_quotes": b"{'url': 'https://example.org/'}",
}


class BodyRefusalTest(RefusalMixin, IntegrationTest):
    def test_body_over_max_body_bytes_413(self):
        for path, field in ((SHORTEN, "url"), (V1, "original_url")):
            body = {field: GOOD_URL, "pad": ""}
            body["pad"] = "p" * (65537 - len(json.dumps(body)))
            data = json.dumps(body).encode()
            self.assertEqual(len(data), 65537)
            self.refused("POST", path, 413, "payload_too_large", body=data,
                         headers={"Content-Type": "application/json"})

    def test_body_of_one_mib_413(self):
        # Far over the limit, lighttpd refuses the body itself from its Content-Length, with the
        # JSON error file of conf/lighttpd-errors/ (and nosniff from error-headers.lua there).
        data = b'{"url": "https://example.org/", "pad": "' + b"x" * (1 << 20) + b'"}'
        before = self.stack.link_count()
        r = self.client.req("POST", SHORTEN, body=data, headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 413, r.body[:300])
        self.assertTrue(r.headers.get("content-type", "").startswith("application/json"), r.headers)
        self.assertEqual(r.json, {"ok": False, "error": "payload_too_large",
                                  "message": "The request body is too large."})
        self.assertEqual(r.headers.get("x-content-type-options"), "nosniff", r.headers)
        self.assertEqual(self.stack.link_count(), before)

    def test_huge_content_length_answered_without_reading_it_all(self):
        # 50 MB announced, 64 KiB sent: the answer must come without waiting for the rest.
        before = self.stack.link_count()
        creds = "".join("%s: %s\r\n" % kv for kv in self.client.auth_headers().items())
        head = ("POST /url/shorten HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                "%sContent-Length: 50000000\r\nConnection: close\r\n\r\n" % creds).encode()
        t0 = time.time()
        data = self.client.raw(head + b"{" + b" " * 65536, read_timeout=8)
        took = time.time() - t0
        self.assertTrue(data, "no answer within 8 s")
        status_line = data.split(b"\r\n", 1)[0]
        self.assertIn(b" 413", status_line, data[:500])
        self.assertLess(took, 8)
        body = data.partition(b"\r\n\r\n")[2]
        self.assertIn(b'"payload_too_large"', body, data[:800])
        self.assertEqual(self.stack.link_count(), before)

    def test_shorten_exactly_limit_not_413(self):
        # The other side of the 413 boundary, kept next to it (the row it stores is expected).
        body = {"url": GOOD_URL, "pad": ""}
        body["pad"] = "p" * (65536 - len(json.dumps(body)))
        r = self.req("POST", SHORTEN, body=json.dumps(body),
                     headers={"Content-Type": "application/json"})
        self.assertNotEqual(r.status, 413)
        self.assertEqual(r.status, 201, r)


def _add_body_cases():
    for path, url_field, tag in ((SHORTEN, "url", "shorten"), (V1, "original_url", "v1")):
        for name, (ctype, body) in BODY_415.items():
            def t(self, path=path, ctype=ctype, body=body, url_field=url_field):
                body = body.replace('"url"', '"%s"' % url_field)
                hdrs = {"Content-Type": ctype} if ctype else {}
                self.refused("POST", path, 415, "unsupported_media_type", body=body, headers=hdrs)
            setattr(BodyRefusalTest, "test_%s_415_%s" % (tag, name), t)
        for name, body in BODY_400.items():
            def t(self, path=path, body=body, url_field=url_field):
                body = body.replace(b'"url"', b'"%s"' % url_field.encode())
                self.refused("POST", path, 400, "bad_json", body=body,
                             headers={"Content-Type": "application/json"})
            setattr(BodyRefusalTest, "test_%s_400_%s" % (tag, name), t)


_add_body_cases()


# ---------------------------------------------------------------------------------------------
# 422 validation of fields.

PREFIX = "https://example.org/"
URL_CASES = {
    "number": 123,
    "true": True,
    "array": ["https://example.org/"],
    "object": {"href": "https://example.org/"},
    "empty": "",
    "javascript": "javascript:alert(1)",
    "javascript_upper": "JavaScript:alert(document.cookie)",
    "data": "data:text/html,<script>alert(1)</script>",
    "file": "file:///etc/passwd",
    "ftp": "ftp://ftp.example.org/pub/file",
    "mailto": "mailto:someone@example.org",
    "ws": "ws://example.org/socket",
    "relative": "/relative/path",
    "scheme_relative": "//example.org/path",
    "no_scheme": "example.org/path",
    "no_host": "http://",
    "empty_host": "https:///path",
    "no_slashes": "http:example.org",
    "userinfo": "https://bank.com@evil.example/",
    "userinfo_pass": "https://user:pass@example.org/",
    "space": "https://example.org/a b",
    "space_in_host": "https://exa mple.org/",
    "leading_space": " https://example.org/",
    "trailing_space": "https://example.org/ ",
    "tab": "https://example.org/\tx",
    "cr": "https://example.org/\rx",
    "lf": "https://example.org/\nx",
    "crlf_header_injection": "https://example.org/\r\nSet-Cookie: evil=1",
    "nul": "https://example.org/\u0000x",
    "del": "https://example.org/\u007fx",
    "nbsp": "https://example.org/\u00a0",
    "ideographic_space": "https://example.org/a\u3000b",
    "bidi_override": "https://example.org/\u202egnp.exe",
    "c1_control": "https://example.org/\u0085",
    "not_idna_host_zwj": "https://a\u200db.example/",
    "not_idna_host_disallowed": "https://\u2488.example/",
    "not_idna_host_bad_punycode": "https://xn--m\u00fcnchen.de/",
    "loop_127_1": "http://127.1/",
    "loop_127_0_0_1_port": "http://127.0.0.1:8000/r/abcdef",
    "loop_decimal": "http://2130706433/",
    "loop_hex": "http://0x7f.1/",
    "loop_octal": "http://017700000001/",
    "loop_v6": "http://[::1]/",
    "loop_v6_mapped": "http://[::ffff:127.0.0.1]/",
    "loop_unspecified": "http://0.0.0.0/",
    "loop_v6_unspecified": "http://[::]/",
    "host_five_numbers": "http://1.2.3.4.5/",
    "bad_percent": "https://example.org/%zz",
    "too_long_2049": PREFIX + "a" * (2049 - len(PREFIX)),
    "much_too_long": PREFIX + "a" * 10000,
}


def _loop_urls(self):
    """URLs whose host is the host of public_base_url (localhost:PORT by default)."""
    host = self.public.split("://", 1)[1]
    hostname = host.split(":")[0]
    return {
        "loop_short_url": self.public + "/r/abcdef",
        "loop_root": self.public + "/",
        "loop_other_port": "https://%s:1/x" % hostname,
        "loop_no_port": "http://%s/x" % hostname,
    }


SLUG_CASES = {
    "number": 123456,
    "true": True,
    "array": ["abcdef"],
    "object": {"slug": "abcdef"},
    "empty": "",
    "too_short_2": "ab",
    "too_long_65": "s" * 65,
    "space": "bad slug",
    "slash": "bad/slug",
    "dot": "bad.slug",
    "percent": "bad%20slug",
    "question": "bad?slug",
    "hash": "bad#slug",
    "plus": "bad+slug",
    "non_ascii": "caf\u00e9-slug",
    "newline": "slug\n",
    "tilde": "bad~slug",
}
for _w in RESERVED:
    SLUG_CASES["reserved_" + _name(_w)] = _w

EXPIRES_IN_CASES = {
    "zero": 0,
    "negative": -1,
    "fraction": 1.5,
    "string": "10",
    "true": True,
    "array": [10],
    "beyond_max_ttl": 315360001,
    "huge": 10 ** 20,
    "huge_negative": -(10 ** 20),
    "float_exponent_huge": 1e300,
    "int64_max": 2 ** 63 - 1,
    "uint64_max": 2 ** 64 - 1,
    "int64_min": -(2 ** 63),
}

EXPIRES_AT_CASES = {
    "past": "2000-01-01T00:00:00Z",
    "one_minute_ago": lambda: iso(int(time.time()) - 60),
    "malformed_word": "tomorrow",
    "malformed_month": "2030-13-45T00:00:00Z",
    "no_zone": "2030-01-01T00:00:00",
    "space_no_zone": "2030-01-01 00:00:00",
    "date_only": "2030-01-01",
    "number": 1900000000,
    "empty": "",
    "beyond_max_ttl": "2999-01-01T00:00:00Z",
    "bad_offset": "2030-01-01T00:00:00+25:00",
    "trailing_text": "2030-01-01T00:00:00Zjunk",
    "february_30": "2030-02-30T00:00:00Z",
    "hour_25": "2030-01-01T25:00:00Z",
    "year_1": "0001-01-01T00:00:00Z",
    "year_9999": "9999-12-31T23:59:59Z",
    "far_future_offset": "2999-01-01T00:00:00+14:00",
}

METADATA_CASES = {
    "string": "x",
    "array": [1, 2],
    "number": 5,
    "true": True,
    "over_4k": {"pad": "m" * 4097},
    "over_4k_nested": {"a": [{"b": "m" * 1000} for _ in range(5)]},
}


class FieldRefusalTest(RefusalMixin, IntegrationTest):
    def test_shorten_url_missing(self):
        self.refused("POST", SHORTEN, 422, "validation", field="url", json_body={})
        self.refused("POST", SHORTEN, 422, "validation", field="url",
                     json_body={"slug": "s" + rand_token()})

    def test_shorten_url_null(self):
        self.refused("POST", SHORTEN, 422, "validation", field="url", json_body={"url": None})

    def test_shorten_url_under_other_name(self):
        self.refused("POST", SHORTEN, 422, "validation", field="url",
                     json_body={"original_url": GOOD_URL})

    def test_v1_url_missing(self):
        self.refused("POST", V1, 422, "validation", field="original_url", json_body={})
        self.refused("POST", V1, 422, "validation", field="original_url",
                     json_body={"original_url": None})

    def test_v1_url_under_other_name(self):
        self.refused("POST", V1, 422, "validation", field="original_url", json_body={"url": GOOD_URL})

    def test_shorten_loop_to_own_host(self):
        for name, url in _loop_urls(self).items():
            with self.subTest(name=name, url=url):
                self.refused("POST", SHORTEN, 422, "validation", field="url", json_body={"url": url})

    def test_v1_loop_to_own_host(self):
        for name, url in _loop_urls(self).items():
            with self.subTest(name=name, url=url):
                self.refused("POST", V1, 422, "validation", field="original_url",
                             json_body={"original_url": url})

    def test_loop_to_own_host_any_case(self):
        # Host names are case-insensitive (RFC 3986 3.2.2): LOCALHOST is the same host.
        host = self.public.split("://", 1)[1]
        url = "http://" + host.upper() + "/r/abcdef"
        self.refused("POST", SHORTEN, 422, "validation", field="url", json_body={"url": url})

    def test_shorten_both_expires_in_and_expires_at(self):
        self.refused("POST", SHORTEN, 422, "validation", fields=("expires_in", "expires_at"),
                     json_body={"url": GOOD_URL, "expires_in": 60,
                                "expires_at": iso(int(time.time()) + 3600)})

    def test_taken_slug_409_stores_nothing(self):
        slug = "taken" + rand_token()
        self.shorten("https://example.org/original", slug=slug)
        self.refused("POST", SHORTEN, 409, "slug_taken", json_body={"url": GOOD_URL, "slug": slug})
        self.refused("POST", V1, 409, "slug_taken", json_body={"original_url": GOOD_URL, "slug": slug})
        rows = self.stack.mysql("SELECT url FROM links WHERE slug = '%s'" % slug)
        self.assertEqual(rows, [("https://example.org/original",)])


def _add_field_cases():
    def add(name, fn):
        name = "test_" + name
        assert not hasattr(FieldRefusalTest, name), name
        setattr(FieldRefusalTest, name, fn)

    for tag, path, url_field in (("shorten", SHORTEN, "url"), ("v1", V1, "original_url")):
        for name, value in URL_CASES.items():
            def t(self, path=path, url_field=url_field, value=value):
                self.refused("POST", path, 422, "validation", field=url_field,
                             json_body={url_field: value})
            add("%s_url_%s" % (tag, name), t)
        for name, value in SLUG_CASES.items():
            def t(self, path=path, url_field=url_field, value=value):
                self.refused("POST", path, 422, "validation", field="slug",
                             json_body={url_field: GOOD_URL, "slug": value})
            add("%s_slug_%s" % (tag, name), t)
        for name, value in EXPIRES_IN_CASES.items():
            def t(self, path=path, url_field=url_field, value=value):
                self.refused("POST", path, 422, "validation", field="expires_in",
                             json_body={url_field: GOOD_URL, "expires_in": value})
            add("%s_expires_in_%s" % (tag, name), t)
        for name, value in METADATA_CASES.items():
            def t(self, path=path, url_field=url_field, value=value):
                self.refused("POST", path, 422, "validation", field="metadata",
                             json_body={url_field: GOOD_URL, "metadata": value})
            add("%s_metadata_%s" % (tag, name), t)
    for name, value in EXPIRES_AT_CASES.items():
        def t(self, value=value):
            v = value() if callable(value) else value
            self.refused("POST", SHORTEN, 422, "validation", field="expires_at",
                         json_body={"url": GOOD_URL, "expires_at": v})
        add("shorten_expires_at_%s" % name, t)


_add_field_cases()


class RawBytesTest(RefusalMixin, IntegrationTest):
    """URLs with raw bytes that JSON escapes cannot show: the body is written by hand."""

    def test_raw_utf8_bytes_in_url_are_converted(self):
        # An IRI (API.md "Target URLs"): stored as its URI, not refused.
        body = b'{"url": "https://example.org/caf\xc3\xa9"}'
        r = self.req("POST", SHORTEN, body=body, headers={"Content-Type": "application/json"})
        self.assertEqual((r.status, r.json and r.json.get("url")),
                         (201, "https://example.org/caf%C3%A9"), r)

    def test_invalid_utf8_in_url_never_stored(self):
        # Not UTF-8, so not valid JSON text (RFC 8259 8.1): 400 bad_json, or 422 on the url.
        body = b'{"url": "https://example.org/\xff\xfe"}'
        before = self.stack.link_count()
        r = self.client.req("POST", SHORTEN, body=body, headers={"Content-Type": "application/json"})
        self.assertIn(r.status, (400, 422), r)
        if r.status == 400:
            self.assert_error(r, 400, "bad_json")
        else:
            self.assert_error(r, 422, "validation", field="url")
        self.assertEqual(self.stack.link_count(), before)


# ---------------------------------------------------------------------------------------------
# The list's query string.

LIST_CASES = {
    "limit_zero": ("limit", "limit=0"),
    "limit_1001": ("limit", "limit=1001"),
    "limit_abc": ("limit", "limit=abc"),
    "limit_negative": ("limit", "limit=-1"),
    "limit_fraction": ("limit", "limit=1.5"),
    "limit_trailing_junk": ("limit", "limit=10x"),
    "limit_huge": ("limit", "limit=99999999999999999999999"),
    "cursor_forged_word": ("cursor", "cursor=abc"),
    "cursor_forged_digits": ("cursor", "cursor=12345"),
    "cursor_forged_long": ("cursor", "cursor=" + "A" * 40),
}


class ListRefusalTest(RefusalMixin, IntegrationTest):
    def real_cursor(self):
        for i in range(3):
            self.shorten("https://example.org/for-cursor/%d" % i)
        r = self.req("GET", LIST + "?limit=1")
        nc = r.json["data"]["next_cursor"]
        self.assertIsInstance(nc, str)
        return nc

    def test_cursor_tampered(self):
        nc = self.real_cursor()
        self.assertEqual(self.req("GET", LIST + "?limit=1&cursor=" + nc).status, 200)
        # First and middle characters: a changed last character of base64 may only touch padding bits.
        for i in (0, len(nc) // 2):
            c = nc[i]
            repl = "B" if c != "B" else "C"
            forged = nc[:i] + repl + nc[i + 1:]
            with self.subTest(forged=forged):
                self.refused("GET", LIST + "?cursor=" + forged, 422, "validation", field="cursor")
        with self.subTest(forged="truncated"):
            self.refused("GET", LIST + "?cursor=" + nc[:-2], 422, "validation", field="cursor")
        with self.subTest(forged="extended"):
            self.refused("GET", LIST + "?cursor=" + nc + "AA", 422, "validation", field="cursor")


for _n, (_field, _q) in LIST_CASES.items():
    def _t(self, field=_field, q=_q):
        self.refused("GET", LIST + "?" + q, 422, "validation", field=field)
    setattr(ListRefusalTest, "test_list_" + _n, _t)


# ---------------------------------------------------------------------------------------------
# Routing: 404, 405, OPTIONS, HEAD.

def _allow_set(r):
    return {m.strip().upper() for m in r.headers.get("allow", "").split(",") if m.strip()}


class RoutingTest(RefusalMixin, IntegrationTest):
    def setUp(self):
        if not hasattr(type(self), "slug"):
            type(self).slug = self.shorten("https://example.org/routing").json["slug"]

    def test_unknown_paths_404(self):
        # "/" is the web interface (API.md "Web interface"), served by the web server.
        for method, path in (("GET", "/api/v1/nope"), ("GET", "/url/nope"), ("GET", "/api/v2/url-shortener"),
                             ("GET", "/r/"), ("GET", "/r/a/b"), ("GET", "/a/b/c"),
                             ("POST", "/url/nope"), ("POST", "/api/v1/nope"), ("DELETE", "/nope/deeper"),
                             ("GET", "/url"), ("GET", "/api"), ("GET", "/url/shorten/extra"),
                             ("OPTIONS", "/no/such/path")):
            with self.subTest(method=method, path=path):
                r = self.refused(method, path, 404, "not_found")
                # Sent with the harness's API key: an answer to an authenticated request.
                self.assertEqual(r.headers.get("cache-control"), "no-store", r)

    def test_405_with_allow(self):
        s = self.slug
        cases = [
            ("GET", "/url/shorten", {"POST"}),
            ("PUT", "/url/shorten", {"POST"}),
            ("PATCH", "/url/shorten", {"POST"}),
            ("DELETE", "/url/shorten/", {"POST"}),
            ("GET", "/api/v1/url-shortener", {"POST"}),
            ("POST", "/api/v1/url-shorteners", {"GET", "HEAD"}),
            ("PUT", "/api/v1/url-shorteners", {"GET", "HEAD"}),
            ("POST", "/r/" + s, {"GET", "HEAD"}),
            ("DELETE", "/r/" + s, {"GET", "HEAD"}),
            ("PUT", "/r/" + s, {"GET", "HEAD"}),
            ("POST", "/" + s, {"GET", "HEAD"}),
            ("POST", "/healthz", {"GET", "HEAD"}),
        ]
        for method, path, allowed in cases:
            with self.subTest(method=method, path=path):
                kw = {"json_body": {"url": GOOD_URL}} if method in ("POST", "PUT", "PATCH") else {}
                r = self.refused(method, path, 405, "method_not_allowed", **kw)
                self.assertEqual(r.headers.get("cache-control"), "no-store", r)
                allow = _allow_set(r)
                self.assertTrue(allowed <= allow, "Allow %r lacks %r" % (r.headers.get("allow"), allowed))
                self.assertNotIn(method, allow)

    def test_head_on_post_only_path_405(self):
        status, hdrs, rest = self.client.head_raw("/url/shorten")
        self.assertEqual(status, 405)
        self.assertIn("POST", hdrs.get("allow", ""))
        self.assertEqual(rest, b"")

    def test_options_204_with_allow(self):
        s = self.slug
        for path, allowed in (("/url/shorten", {"POST"}), ("/url/shorten/", {"POST"}),
                              ("/api/v1/url-shortener", {"POST"}),
                              ("/api/v1/url-shorteners", {"GET", "HEAD"}),
                              ("/r/" + s, {"GET", "HEAD"}), ("/" + s, {"GET", "HEAD"}),
                              ("/healthz", {"GET", "HEAD"})):
            with self.subTest(path=path):
                r = self.req("OPTIONS", path)
                self.assertEqual(r.status, 204, r)
                self.assertEqual(r.body, b"")
                allow = _allow_set(r)
                self.assertTrue(allowed <= allow, "Allow %r lacks %r" % (r.headers.get("allow"), allowed))
                for m in ("PUT", "DELETE", "PATCH"):
                    self.assertNotIn(m, allow)

    def test_head_where_get(self):
        s = self.slug
        for path in ("/healthz", "/api/v1/url-shorteners", "/api/v1/url-shorteners?limit=1",
                     "/r/" + s, "/" + s, "/r/nOsUcH" + rand_token(), "/no/such/path"):
            with self.subTest(path=path):
                get = self.req("GET", path)
                status, hdrs, rest = self.client.head_raw(path)
                self.assertEqual(status, get.status, path)
                self.assertEqual(rest, b"", "HEAD %s sent a body" % path)
                if get.headers.get("content-type"):
                    self.assertEqual(hdrs.get("content-type"), get.headers.get("content-type"))

    def test_json_answers_carry_nosniff(self):
        s = self.slug
        for method, path, kw in (("GET", "/healthz", {}), ("GET", "/api/v1/url-shorteners?limit=1", {}),
                                 ("GET", "/" + s, {}), ("GET", "/r/nOsUcH" + rand_token(), {}),
                                 ("POST", "/url/shorten", {"json_body": {"url": GOOD_URL}}),
                                 ("POST", "/api/v1/url-shortener", {"json_body": {"original_url": GOOD_URL}}),
                                 ("GET", "/url/shorten", {}), ("GET", "/x/y/z", {})):
            with self.subTest(method=method, path=path):
                r = self.req(method, path, **kw)
                self.assert_json(r, "%s %s" % (method, path))
                ct = r.headers["content-type"].lower().replace(" ", "")
                self.assertTrue(ct in ("application/json", "application/json;charset=utf-8"), ct)

    def test_the_web_servers_own_refusals_carry_nosniff(self):
        # Refused before any worker sees them, by some fronts before their configuration's
        # conditions apply (lighttpd: a header over its 8 KiB, a NUL byte in the query).
        for path, headers in (("/r/" + self.slug, {"X-Padding": "p" * 9000}),
                              ("/api/v1/url-shorteners?cursor=%00", {})):
            with self.subTest(path=path):
                r = self.req("GET", path, headers=headers)
                self.assertGreaterEqual(r.status, 400, r)
                self.assertLess(r.status, 500, r)
                self.assertEqual(r.headers.get("x-content-type-options"), "nosniff", r.headers)


if __name__ == "__main__":
    unittest.main()
