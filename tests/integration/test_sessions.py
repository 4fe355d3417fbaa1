"""API.md "Web interface": the browser session. POST /url/login with "session": true sets an
HttpOnly SameSite=Strict cookie that counts as a login token; a change made with the cookie
alone must come from the service's own origin (403 otherwise); logout ends it; and
POST /url/password, which ends every login token of the user."""

from harness import Client, IntegrationTest, rand_token

PASSWORD = "sess-pass-" + rand_token(6)
V1 = "/api/v1/url-shortener"
LIST = "/api/v1/url-shorteners"
ONE = "/api/v1/url-shorteners/"
KEYS = "/api/v1/api-keys"


class SessionBase(IntegrationTest):
    """Helpers: sign up, log in with a session, send requests with the cookie."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.anon = Client(cls.base, auth=None)

    def signup(self, password=PASSWORD):
        name = "sess_" + rand_token(8)
        r = self.req("POST", "/url/signup", client=self.anon,
                     json_body={"username": name, "email": name + "@example.org",
                                "password": password})
        self.assertEqual(r.status, 201, r)
        return name

    def session(self, name, password=PASSWORD):
        """Logs in with "session": true; the Cookie header value it set."""
        r = self.req("POST", "/url/login", client=self.anon,
                     json_body={"username": name, "password": password, "session": True})
        self.assertEqual(r.status, 200, r)
        set_cookie = r.headers.get("set-cookie", "")
        self.assertTrue(set_cookie.startswith("shortener_session="), r.headers)
        value = set_cookie.split(";", 1)[0]
        self.assertEqual(value.split("=", 1)[1], r.json["access_token"])
        return value

    def as_cookie(self, cookie, method, path, origin=None, referer=None, **kw):
        headers = dict(kw.pop("headers", {}))
        headers["Cookie"] = cookie
        if origin:
            headers["Origin"] = origin
        if referer:
            headers["Referer"] = referer
        return self.req(method, path, client=self.anon, headers=headers, **kw)



class SessionTest(SessionBase):
    def test_login_with_session_sets_the_cookie(self):
        name = self.signup()
        r = self.req("POST", "/url/login", client=self.anon,
                     json_body={"username": name, "password": PASSWORD, "session": True})
        self.assertEqual(r.status, 200, r)
        attrs = [a.strip() for a in r.headers["set-cookie"].split(";")]
        self.assertIn("HttpOnly", attrs)
        self.assertIn("SameSite=Strict", attrs)
        self.assertIn("Path=/", attrs)
        self.assertIn("Max-Age=%d" % r.json["expires_in"], attrs)
        # public_base_url is http here: no Secure (the browser would drop the cookie).
        self.assertNotIn("Secure", attrs)
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        # Without it, or with false, no cookie; a non-boolean is a 422.
        for extra in ({}, {"session": False}):
            r = self.req("POST", "/url/login", client=self.anon,
                         json_body=dict({"username": name, "password": PASSWORD}, **extra))
            self.assertEqual(r.status, 200, r)
            self.assertNotIn("set-cookie", r.headers)
        for bad in ("yes", 1, [], {}):
            r = self.req("POST", "/url/login", client=self.anon,
                         json_body={"username": name, "password": PASSWORD, "session": bad})
            self.assert_error(r, 422, "validation", field="session", ctx=repr(bad))
        # A wrong password sets nothing.
        r = self.req("POST", "/url/login", client=self.anon,
                     json_body={"username": name, "password": "wrong-" + PASSWORD, "session": True})
        self.assert_error(r, 401, "unauthorized")
        self.assertNotIn("set-cookie", r.headers)

    def test_cookie_reads_without_origin_and_answers_are_private(self):
        cookie = self.session(self.signup())
        r = self.as_cookie(cookie, "GET", LIST)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        self.assertIn("cookie", [v.strip().lower() for v in r.headers.get("vary", "").split(",")])
        self.assertEqual(self.as_cookie(cookie, "GET", KEYS).status, 200)
        r = self.as_cookie("shortener_session=sk_" + rand_token(40), "GET", LIST)
        self.assert_error(r, 401, "unauthorized")

    def test_changes_by_cookie_need_the_own_origin(self):
        cookie = self.session(self.signup())
        own = self.public
        before = self.stack.link_count()
        url = "https://example.org/csrf?" + rand_token()
        for origin, referer in ((None, None), ("https://evil.example", None),
                                ("https://evil.example", own + "/ui/"), ("null", None),
                                ("null", own + "/ui/shorten.html"),
                                (None, "https://evil.example/" + own), (own + ".evil.example", None)):
            with self.subTest(origin=origin, referer=referer):
                r = self.as_cookie(cookie, "POST", V1, origin=origin, referer=referer,
                                   json_body={"original_url": url})
                self.assert_error(r, 403, "forbidden")
                # A cross-site HTML form: a form content type, the cookie, the attacker's origin.
                r = self.as_cookie(cookie, "POST", "/url/shorten", origin=origin, referer=referer,
                                   body="url=https://example.org/form",
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
                self.assert_error(r, 403, "forbidden")
                r = self.as_cookie(cookie, "POST", KEYS, origin=origin, referer=referer,
                                   body=b"", headers={"Content-Length": "0"})
                self.assert_error(r, 403, "forbidden")
        self.assertEqual(self.stack.link_count(), before, "a refused request stored a link")
        r = self.as_cookie(cookie, "POST", V1, origin=own, json_body={"original_url": url})
        self.assertEqual(r.status, 201, r)
        slug = r.json["data"]["slug"]
        r = self.as_cookie(cookie, "POST", "/url/shorten", referer=own + "/ui/shorten.html",
                           json_body={"url": url})
        self.assertEqual(r.status, 201, r)
        # PATCH and DELETE: refused from elsewhere (and nothing changes), done from here.
        r = self.as_cookie(cookie, "PATCH", ONE + slug, origin="https://evil.example",
                           json_body={"original_url": url + "&evil"})
        self.assert_error(r, 403, "forbidden")
        self.assert_error(self.as_cookie(cookie, "DELETE", ONE + slug,
                                         origin="https://evil.example"), 403, "forbidden")
        r = self.as_cookie(cookie, "GET", ONE + slug)
        self.assertEqual(r.json["data"]["original_url"], url)
        r = self.as_cookie(cookie, "PATCH", ONE + slug, origin=own,
                           json_body={"original_url": url + "&own"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.as_cookie(cookie, "DELETE", ONE + slug, origin=own).status, 204)

    def test_logout_ends_the_session_and_clears_the_cookie(self):
        cookie = self.session(self.signup())
        # Not from another site: the session survives that attempt.
        r = self.as_cookie(cookie, "POST", "/url/logout", origin="https://evil.example",
                           body=b"", headers={"Content-Length": "0"})
        self.assert_error(r, 403, "forbidden")
        self.assertEqual(self.as_cookie(cookie, "GET", LIST).status, 200)
        r = self.as_cookie(cookie, "POST", "/url/logout", origin=self.public, body=b"",
                           headers={"Content-Length": "0"})
        self.assertEqual(r.status, 204, r)
        attrs = [a.strip() for a in r.headers.get("set-cookie", "").split(";")]
        self.assertEqual(attrs[0], "shortener_session=")
        self.assertIn("Max-Age=0", attrs)
        self.assert_error(self.as_cookie(cookie, "GET", LIST), 401, "unauthorized")

    def test_api_keys_by_cookie(self):
        cookie = self.session(self.signup())
        r = self.as_cookie(cookie, "POST", KEYS, origin=self.public, json_body={"name": "web"})
        self.assertEqual(r.status, 201, r)
        key = r.json["data"]["key"]
        self.assertEqual(self.req("GET", LIST, client=self.anon, headers={"X-API-Key": key}).status,
                         200)
        r = self.as_cookie(cookie, "DELETE", KEYS + "/%d" % r.json["data"]["id"], origin=self.public)
        self.assertEqual(r.status, 204, r)
        r = self.req("GET", LIST, client=self.anon, headers={"X-API-Key": key})
        self.assert_error(r, 401, "unauthorized")


class ChangePasswordTest(SessionBase):
    def change(self, cookie, body, origin=True):
        return self.as_cookie(cookie, "POST", "/url/password",
                              origin=self.public if origin else None, json_body=body)

    def test_change_password(self):
        name = self.signup()
        other = self.signup()
        cookie = self.session(name)
        second = self.req("POST", "/url/login", client=self.anon,
                          json_body={"username": name, "password": PASSWORD}).json["access_token"]
        key = self.req("POST", KEYS, client=self.anon,
                       headers={"Authorization": "Bearer " + second}).json["data"]["key"]
        new = "new-" + PASSWORD
        body = {"username": name, "current_password": PASSWORD, "new_password": new}
        self.assert_error(self.change(cookie, body, origin=False), 403, "forbidden")
        self.assert_error(self.change(cookie, dict(body, current_password="nope-" + PASSWORD)),
                          401, "unauthorized")
        # Someone else's right password does not change theirs or ours.
        self.assert_error(self.change(cookie, dict(body, username=other)), 401, "unauthorized")
        self.assert_error(self.change(cookie, dict(body, new_password="short")), 422,
                          "validation", field="new_password")
        for field in ("username", "current_password", "new_password"):
            partial = {k: v for k, v in body.items() if k != field}
            self.assert_error(self.change(cookie, partial), 422, "validation", field=field)
        r = self.req("POST", "/url/password", client=self.anon,
                     headers={"X-API-Key": key}, json_body=body)
        self.assert_error(r, 403, "forbidden")
        r = self.change(cookie, body)
        self.assertEqual(r.status, 204, r)
        self.assertIn("Max-Age=0", r.headers.get("set-cookie", ""))
        # Every login token ended; the API key stays; the new password logs in, the old not.
        self.assert_error(self.as_cookie(cookie, "GET", LIST), 401, "unauthorized")
        r = self.req("GET", LIST, client=self.anon, headers={"Authorization": "Bearer " + second})
        self.assert_error(r, 401, "unauthorized")
        self.assertEqual(self.req("GET", LIST, client=self.anon, headers={"X-API-Key": key}).status,
                         200)
        r = self.req("POST", "/url/login", client=self.anon,
                     json_body={"username": name, "password": PASSWORD})
        self.assert_error(r, 401, "unauthorized")
        self.session(name, new)
        self.session(other)  # the other user's password is untouched
