"""GET/POST /yourls-api.php (issue 15, API.md "YOURLS compatibility"): every action in every
format, both credential kinds (signature = an API key; username + password under the login
limits), YOURLS's field names and status codes, and the same link rules as the JSON APIs (URL
rules, ownership, permanent links, Idempotency-Key)."""

import concurrent.futures
import json
import time
import urllib.parse
import xml.etree.ElementTree as ET

from harness import Client, IntegrationTest, rand_token

API = "/yourls-api.php"


class YourlsCase(IntegrationTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user, cls.password = cls.stack.make_user("yourls")
        cls.key = cls.stack.make_api_key(cls.user, "yourls")
        cls.other, cls.other_password = cls.stack.make_user("yourls_other")
        cls.other_key = cls.stack.make_api_key(cls.other, "yourls")
        cls.anon = Client(cls.base, auth=None)

    def call(self, params, method="POST", key=None, password=False, headers=None, client=None):
        """One API call with the class user's signature (or username+password) added."""
        p = dict(params)
        if password:
            p.setdefault("username", self.user)
            p.setdefault("password", self.password)
        elif key is not False:
            p.setdefault("signature", key or self.key)
        encoded = urllib.parse.urlencode(p)
        client = client or self.anon
        if method == "GET":
            return self.req("GET", API + "?" + encoded, client=client, headers=headers)
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.req("POST", API, client=client, body=encoded, headers=h)

    def shorturl(self, url, **params):
        p = {"action": "shorturl", "url": url, "format": "json"}
        p.update(params)
        return self.call(p)

    def assert_yourls_json(self, r, status, ctx=""):
        desc = "%s: %d %r %r" % (ctx, r.status, r.headers, r.body[:600])
        self.assertEqual(r.status, status, desc)
        self.assertTrue(r.headers.get("content-type", "").startswith("application/json"), desc)
        self.assertEqual(r.headers.get("x-content-type-options"), "nosniff", desc)
        self.assertEqual(r.headers.get("cache-control"), "no-store", desc)
        self.assertIsInstance(r.json, dict, desc)
        for leak in ("SQL", "sql::", "Exception", "/tmp/"):
            self.assertNotIn(leak, r.body.decode("utf-8", "replace"), desc)
        return r.json


class YourlsShortUrlTest(YourlsCase):
    def test_shorturl_makes_a_permanent_owned_link_that_redirects(self):
        url = "https://example.org/yourls/" + rand_token()
        for how in ("signature-post", "password-get"):
            with self.subTest(how=how):
                u = url + "/" + how
                r = self.call({"action": "shorturl", "url": u, "title": "A title"},
                              method="GET" if how == "password-get" else "POST",
                              password=how == "password-get")
                js = self.assert_yourls_json(r, 200, how)
                self.assertEqual(js["status"], "success")
                self.assertEqual(js["statusCode"], 200)
                self.assertEqual(js["message"], u + " added to database")
                kw = js["url"]["keyword"]
                self.assertEqual(js["shorturl"], self.public + "/" + kw)
                self.assertEqual(js["url"]["url"], u)
                self.assertEqual(js["url"]["title"], "A title")
                self.assertEqual(js["title"], "A title")
                self.assertRegex(js["url"]["date"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
                self.assertEqual(js["url"]["ip"], "")
                red = self.req("GET", "/r/" + kw, client=self.anon)
                self.assertEqual(red.status, 302)
                self.assertEqual(red.headers["location"], u)
                owner = self.stack.mysql_value(
                    "SELECT u.username FROM links l JOIN users u ON u.id = l.owner_id "
                    "WHERE l.slug = '%s'" % kw)
                self.assertEqual(owner, self.user)
                self.assertEqual(self.stack.mysql_value(
                    "SELECT COUNT(*) FROM links WHERE slug = '%s' AND expires_at IS NULL" % kw), "1")
                rec = self.req("GET", "/api/v1/url-shorteners/" + kw,
                               client=Client(self.base, auth={"X-API-Key": self.key}))
                self.assertEqual(rec.status, 200, rec)
                self.assertEqual(rec.json["data"]["metadata"], {"title": "A title"})
                self.assertIsNone(rec.json["data"]["expiration_date"])

    def test_custom_keyword_and_iri(self):
        kw = "yk-" + rand_token()
        r = self.shorturl("https://münchen.de/wiki/Köln?" + rand_token(), keyword=kw)
        js = self.assert_yourls_json(r, 200)
        self.assertEqual(js["url"]["keyword"], kw)
        self.assertTrue(js["url"]["url"].startswith("https://xn--mnchen-3ya.de/wiki/K%C3%B6ln?"), js)
        self.assertEqual(js["shorturl"], self.public + "/" + kw)
        lookup = self.req("GET", "/" + kw, client=self.anon)
        self.assertEqual(lookup.json["original_url"], js["url"]["url"])

    def test_a_url_already_shortened_by_the_caller_answers_error_url(self):
        url = "https://example.org/unique/" + rand_token()
        first = self.assert_yourls_json(self.shorturl(url, title="First"), 200)
        again = self.assert_yourls_json(self.shorturl(url), 400)
        self.assertEqual(again["status"], "fail")
        self.assertEqual(again["code"], "error:url")
        self.assertEqual(again["statusCode"], 400)
        self.assertEqual(again["url"]["keyword"], first["url"]["keyword"])
        self.assertEqual(again["shorturl"], first["shorturl"])
        self.assertEqual(again["title"], "First")
        self.assertIn("already exists in database", again["message"])
        # Another user's links are never looked at: they get a link of their own.
        theirs = self.assert_yourls_json(
            self.call({"action": "shorturl", "url": url, "format": "json"}, key=self.other_key), 200)
        self.assertNotEqual(theirs["url"]["keyword"], first["url"]["keyword"])
        self.assertEqual(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE url = '%s'" % url), "2")

    def test_refused_urls_and_keywords(self):
        cases = [
            ({"url": ""}, "error:nourl"),
            ({}, "error:nourl"),
            ({"url": "javascript:alert(1)"}, "error:nourl"),
            ({"url": "https://bank.example@evil.example/"}, "error:nourl"),
            ({"url": "http://127.0.0.1/x"}, "error:nourl"),
            ({"url": "https://example.org/a", "keyword": "no spaces"}, "error:keyword"),
            ({"url": "https://example.org/a", "keyword": "ab"}, "error:keyword"),
            ({"url": "https://example.org/a", "keyword": "x" * 65}, "error:keyword"),
            ({"url": "https://example.org/a", "keyword": "healthz"}, "error:keyword"),
            ({"url": "https://example.org/a", "keyword": "yourls-api.php"}, "error:keyword"),
        ]
        for params, code in cases:
            with self.subTest(params=params):
                p = {"action": "shorturl", "format": "json"}
                p.update(params)
                js = self.assert_yourls_json(self.call(p), 400, repr(params))
                self.assertEqual(js["status"], "fail")
                self.assertEqual(js["code"], code)
                self.assertEqual(js["errorCode"], 400)
                self.assertTrue(js["message"])

    def test_a_taken_keyword_is_error_keyword_and_never_overwritten(self):
        kw = "taken-" + rand_token()
        self.assert_yourls_json(self.shorturl("https://example.org/one/" + kw, keyword=kw), 200)
        js = self.assert_yourls_json(self.shorturl("https://example.org/two/" + kw, keyword=kw), 400)
        self.assertEqual(js["code"], "error:keyword")
        self.assertEqual(js["message"], "Short URL %s already exists in database or is reserved" % kw)
        self.assertEqual(self.req("GET", "/" + kw, client=self.anon).json["original_url"],
                         "https://example.org/one/" + kw)

    def test_idempotency_key_replays_the_first_answer(self):
        url = "https://example.org/idem/" + rand_token()
        key = "y-" + rand_token(12)
        first = self.call({"action": "shorturl", "url": url, "format": "json"},
                          headers={"Idempotency-Key": key})
        self.assert_yourls_json(first, 200)
        again = self.call({"action": "shorturl", "url": url, "format": "json"},
                          headers={"Idempotency-Key": key})
        self.assertEqual(again.status, 200, again)
        self.assertEqual(again.body, first.body)
        other = self.call({"action": "shorturl", "url": url + "/other", "format": "json"},
                          headers={"Idempotency-Key": key})
        js = self.assert_yourls_json(other, 400)
        self.assertEqual(js["code"], "error:idempotency")
        self.assertEqual(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE url LIKE '%s%%'" % url), "1")

    def test_retries_sent_at_once_all_get_the_first_answer(self):
        """A review: of retries sent at once with one key, one that looked for the kept answer
        just before the first request committed, then found its link, answered error:url.
        Workers enough for the retries to overlap."""
        base = self.stack.start_instance(workers=6)
        self.addCleanup(self.stack.stop_instance, Client(base).port)
        for _ in range(10):
            url = "https://example.org/idem-race/" + rand_token()
            key = "r-" + rand_token(12)

            def send(_):
                return self.call({"action": "shorturl", "url": url, "format": "json"},
                                 headers={"Idempotency-Key": key}, client=Client(base))

            with concurrent.futures.ThreadPoolExecutor(24) as pool:
                answers = list(pool.map(send, range(24)))
            self.assertEqual({a.status for a in answers}, {200},
                             [a.body[:200] for a in answers if a.status != 200])
            self.assertEqual(len({a.body for a in answers}), 1)
            self.assertEqual(self.stack.mysql_value(
                "SELECT COUNT(*) FROM links WHERE url = '%s'" % url), "1")

    def test_xml_and_simple_formats(self):
        url = "https://example.org/fmt/" + rand_token()
        title = 'Tom & "Jerry" <b>ü</b>'
        r = self.call({"action": "shorturl", "url": url, "title": title, "format": "xml"})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.headers["content-type"].startswith("application/xml"), r.headers)
        root = ET.fromstring(r.body)
        self.assertEqual(root.tag, "result")
        self.assertEqual(root.findtext("status"), "success")
        self.assertEqual(root.findtext("statusCode"), "200")
        self.assertEqual(root.findtext("url/title"), title)
        self.assertEqual(root.findtext("url/url"), url)
        kw = root.findtext("url/keyword")
        self.assertEqual(root.findtext("shorturl"), self.public + "/" + kw)
        s = self.call({"action": "shorturl", "url": url + "/s", "format": "simple"})
        self.assertEqual(s.status, 200, s)
        self.assertTrue(s.headers["content-type"].startswith("text/plain"), s.headers)
        short = s.body.decode()
        self.assertRegex(short, "^" + self.public + "/[0-9A-Za-z]+$")
        self.assertEqual(self.req("GET", "/r/" + short.rsplit("/", 1)[1], client=self.anon).status, 302)
        fail = self.call({"action": "shorturl", "url": "ftp://x.example/", "format": "xml"})
        self.assertEqual(fail.status, 400)
        self.assertEqual(ET.fromstring(fail.body).findtext("code"), "error:nourl")


class YourlsReadTest(YourlsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A user of its own, so the totals are exactly this class's links.
        cls.user, cls.password = cls.stack.make_user("yourls_reads")
        cls.key = cls.stack.make_api_key(cls.user, "reads")
        cls.links = []
        for i in range(3):
            url = "https://example.org/reads/%d/%s" % (i, rand_token())
            r = Client(cls.base, auth=None).req(
                "POST", API, body=urllib.parse.urlencode(
                    {"action": "shorturl", "url": url, "title": "T%d" % i, "signature": cls.key,
                     "format": "json"}),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
            assert r.status == 200, r
            cls.links.append((r.json["url"]["keyword"], url))
        # Clicks 0, 1 and 3: top, bottom and totals have one right answer.
        for n, (kw, _) in enumerate(cls.links):
            for _ in range(n * n - (n == 2) * 1):
                Client(cls.base, auth=None).req("GET", "/r/" + kw)
        cls.clicks = [0, 1, 3]
        deadline = time.time() + 10
        while time.time() < deadline:
            total = cls.stack.mysql_value(
                "SELECT COALESCE(SUM(d.clicks), 0) FROM link_clicks_daily d JOIN links l "
                "ON l.id = d.link_id WHERE l.slug IN (%s)" % ",".join("'%s'" % k for k, _ in cls.links))
            if total == "4":
                break
            time.sleep(0.2)

    def test_expand_in_every_format(self):
        kw, url = self.links[1]
        for shorturl in (kw, self.public + "/" + kw, self.public + "/r/" + kw):
            with self.subTest(shorturl=shorturl):
                js = self.assert_yourls_json(
                    self.call({"action": "expand", "shorturl": shorturl}), 200)
                self.assertEqual(js, {"keyword": kw, "shorturl": self.public + "/" + kw,
                                      "longurl": url, "title": "T1", "message": "success",
                                      "statusCode": 200})
        x = self.call({"action": "expand", "shorturl": kw, "format": "xml"})
        self.assertEqual(ET.fromstring(x.body).findtext("longurl"), url)
        s = self.call({"action": "expand", "shorturl": kw, "format": "simple"}, method="GET")
        self.assertEqual((s.status, s.body.decode()), (200, url))

    def test_expand_and_url_stats_of_unknown_or_others_links_are_404(self):
        theirs = self.assert_yourls_json(self.call(
            {"action": "shorturl", "url": "https://example.org/theirs/" + rand_token()},
            key=self.other_key), 200)["url"]["keyword"]
        # Keywords no link can have: non-ASCII ones were looked up as they were, and MariaDB
        # refused to compare them with the ASCII slug column (a 500 and an error line each).
        for kw in ("nope-" + rand_token(), theirs, "", "bad keyword", "ü", "köln-" + rand_token(),
                   self.public + "/r/日本"):
            with self.subTest(kw=kw):
                js = self.assert_yourls_json(self.call({"action": "expand", "shorturl": kw}), 404)
                self.assertEqual(js["message"], "Error: short URL not found")
                self.assertEqual(js["errorCode"], 404)
                s = self.call({"action": "expand", "shorturl": kw, "format": "simple"})
                self.assertEqual((s.status, s.body), (404, b"not found"))
                js = self.assert_yourls_json(self.call({"action": "url-stats", "shorturl": kw}), 404)
                self.assertEqual(js, {"statusCode": 404, "message": "Error: short URL not found"})

    def test_url_stats_counts_clicks(self):
        for (kw, url), clicks in zip(self.links, self.clicks):
            js = self.assert_yourls_json(self.call({"action": "url-stats", "shorturl": kw}), 200)
            self.assertEqual(js["statusCode"], 200)
            self.assertEqual(js["message"], "success")
            link = js["link"]
            self.assertEqual(link["shorturl"], self.public + "/" + kw)
            self.assertEqual(link["url"], url)
            self.assertEqual(link["clicks"], clicks)
            self.assertRegex(link["timestamp"], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
        x = self.call({"action": "url-stats", "shorturl": self.links[2][0], "format": "xml"})
        self.assertEqual(ET.fromstring(x.body).findtext("link/clicks"), "3")
        s = self.call({"action": "url-stats", "shorturl": self.links[2][0], "format": "simple"})
        self.assertEqual(s.body, b"Need either XML or JSON format for stats")

    def test_stats_filters_and_limit(self):
        order = {"top": [2, 1, 0], "bottom": [0, 1, 2], "last": [2, 1, 0]}
        for filt, idx in order.items():
            with self.subTest(filter=filt):
                js = self.assert_yourls_json(
                    self.call({"action": "stats", "filter": filt, "limit": "3"}), 200)
                got = [js["links"]["link_%d" % (i + 1)]["shorturl"] for i in range(3)]
                self.assertEqual(got, [self.public + "/" + self.links[i][0] for i in idx])
                self.assertEqual(js["stats"], {"total_links": 3, "total_clicks": 4})
                self.assertEqual(js["statusCode"], 200)
        js = self.assert_yourls_json(self.call({"action": "stats", "filter": "rand", "limit": "2"}), 200)
        self.assertEqual(len(js["links"]), 2)
        js = self.assert_yourls_json(self.call({"action": "stats"}), 200)  # top, 10
        self.assertEqual(len(js["links"]), 3)
        x = self.call({"action": "stats", "filter": "top", "limit": "1", "format": "xml"})
        root = ET.fromstring(x.body)
        self.assertEqual(root.findtext("links/link_1/clicks"), "3")
        self.assertEqual(root.findtext("stats/total_links"), "3")
        for bad in ({"filter": "best"}, {"limit": "0"}, {"limit": "1001"}, {"limit": "ten"}):
            with self.subTest(bad=bad):
                p = {"action": "stats"}
                p.update(bad)
                js = self.assert_yourls_json(self.call(p), 400)
                self.assertEqual(js["errorCode"], 400)

    def test_db_stats_and_version(self):
        for fmt in ("json", "xml", "simple"):
            r = self.call({"action": "db-stats", "format": fmt}, password=True)
            self.assertEqual(r.status, 200, r)
            if fmt == "json":
                self.assertEqual(r.json, {"db-stats": {"total_links": 3, "total_clicks": 4},
                                          "statusCode": 200, "message": "success"})
            elif fmt == "xml":
                self.assertEqual(ET.fromstring(r.body).findtext("db-stats/total_clicks"), "4")
            else:
                self.assertEqual(r.body, b"Need either XML or JSON format for stats")
        js = self.assert_yourls_json(self.call({"action": "version"}), 200)
        self.assertRegex(js["version"], r"^1\.\d+(\.\d+)?$")
        s = self.call({"action": "version", "format": "simple"})
        self.assertEqual(s.body.decode(), js["version"])
        x = self.call({"action": "version", "format": "xml"})
        self.assertEqual(ET.fromstring(x.body).findtext("version"), js["version"])


class YourlsRefusalTest(YourlsCase):
    def test_credentials(self):
        cases = [
            ({}, "Please log in"),
            ({"signature": "not-a-key"}, "Invalid username or password"),
            ({"signature": "sk_" + "a" * 40}, "Invalid username or password"),
            ({"username": self.user, "password": "wrong password"}, "Invalid username or password"),
            ({"username": "nobody_" + rand_token(), "password": "whatever1"},
             "Invalid username or password"),
            # A name no user can have (the users table holds ASCII names only).
            ({"username": "jürgen_" + rand_token(), "password": "whatever1"},
             "Invalid username or password"),
        ]
        for creds, message in cases:
            for fmt in ("json", "xml", "simple"):
                with self.subTest(creds=creds, fmt=fmt):
                    p = {"action": "db-stats", "format": fmt}
                    p.update(creds)
                    r = self.call(p, key=False)
                    self.assertEqual(r.status, 403, r)
                    self.assertEqual(r.headers.get("cache-control"), "no-store")
                    if fmt == "json":
                        self.assertEqual(r.json, {"message": message, "errorCode": 403})
                    elif fmt == "xml":
                        self.assertEqual(ET.fromstring(r.body).findtext("message"), message)
                    else:
                        self.assertEqual(r.body.decode(), message)
        # The password of a real user works by GET and by POST, the key too.
        for method in ("GET", "POST"):
            self.assert_yourls_json(self.call({"action": "db-stats"}, method=method, password=True), 200)
            self.assert_yourls_json(self.call({"action": "db-stats"}, method=method), 200)

    def test_wrong_passwords_count_against_the_failed_login_limit(self):
        # A user of its own: the limits' counters are shared by every instance (memcached).
        user, password = self.stack.make_user("yourls_limited")
        base = self.stack.start_instance(workers=1, env={"SHORTENER_RATE_LIMIT_LOGIN_FAIL": "2/900"})
        try:
            c = Client(base, auth=None)
            statuses = []
            for _ in range(3):
                statuses.append(self.call({"action": "db-stats", "username": user,
                                           "password": "not it at all"}, key=False, client=c).status)
            self.assertEqual(statuses, [403, 403, 429])
            r = self.call({"action": "db-stats", "username": user, "password": password},
                          key=False, client=c)
            self.assertEqual(r.status, 429, r)
            self.assertIn("retry-after", r.headers)
            self.assertEqual(r.json["errorCode"], 429)
            # A signature is no login: it still works.
            self.assertEqual(self.call({"action": "db-stats"}, client=c).status, 200)
        finally:
            self.stack.stop_instance(Client(base).port)

    def test_bad_requests(self):
        js = self.assert_yourls_json(self.call({}), 400)
        self.assertEqual(js, {"message": 'Unknown or missing "action" parameter', "errorCode": 400})
        js = self.assert_yourls_json(self.call({"action": "delete"}), 400)
        self.assertEqual(js["errorCode"], 400)
        r = self.call({"action": "version", "format": "jsonp"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json["errorCode"], 400)
        # A body that is not a form: 415; a malformed encoding: 400; PUT: 405.
        r = self.req("POST", API, client=self.anon, body=json.dumps({"action": "version"}),
                     headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 415, r)
        self.assertEqual(r.json["errorCode"], 415)
        r = self.req("POST", API, client=self.anon, body="action=version&signature=" + self.key + "&x=%00",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 400, r)
        # A name given twice in one of them: which one was meant would be a guess.
        r = self.req("POST", API, client=self.anon,
                     body="action=version&signature=" + self.key + "&format=json&format=xml",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json["errorCode"], 400)
        r = self.req("PUT", API, client=self.anon, body="", headers={"Content-Length": "0"})
        self.assertEqual(r.status, 405, r)
        self.assertIn("POST", r.headers.get("allow", ""))
        # The body wins over the query string for a name given in both.
        r = self.req("POST", API + "?action=expand&format=xml", client=self.anon,
                     body=urllib.parse.urlencode({"action": "version", "format": "json",
                                                  "signature": self.key}),
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status, 200, r)
        self.assertIn("version", r.json)

    def test_too_many_creations_are_429_with_retry_after(self):
        base = self.stack.start_instance(workers=1, env={"SHORTENER_RATE_LIMIT_CREATE": "2/60"})
        try:
            c = Client(base, auth=None)
            got = []
            for i in range(3):
                r = self.call({"action": "shorturl", "url": "https://example.org/rl/%d/%s" % (i, rand_token())},
                              client=c)
                got.append(r.status)
            self.assertEqual(got, [200, 200, 429])
            self.assertIn("retry-after", r.headers)
            self.assertEqual(r.json["status"], "fail")
            self.assertEqual(r.json["errorCode"], 429)
        finally:
            self.stack.stop_instance(Client(base).port)


class YourlsThroughFrontTest(YourlsCase):
    """What must reach the workers whatever the web server in front (test_fronts re-runs this
    behind each shipped config): the .php path, a urlencoded POST body, a query string with
    encoded characters, and the answer's status and headers back."""

    def test_post_form_get_query_and_error_status(self):
        url = "https://example.org/front/" + rand_token() + "?a=1&b=K%C3%B6ln"
        js = self.assert_yourls_json(self.shorturl(url, title="Front & back"), 200)
        kw = js["url"]["keyword"]
        x = self.call({"action": "expand", "shorturl": self.public + "/" + kw, "format": "xml"},
                      method="GET", password=True)
        self.assertEqual(x.status, 200, x)
        self.assertEqual(ET.fromstring(x.body).findtext("longurl"), url)
        self.assertEqual(ET.fromstring(x.body).findtext("title"), "Front & back")
        r = self.call({"action": "expand", "shorturl": "missing-" + rand_token(), "format": "simple"},
                      method="GET")
        self.assertEqual((r.status, r.body), (404, b"not found"))
        r = self.call({"action": "version"}, key=False)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json, {"message": "Please log in", "errorCode": 403})
