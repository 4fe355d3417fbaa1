"""The two endpoints the web interface needs beyond API.md (docs/web.md): the public
GET /api/v1/settings (is signup open?) and an admin's GET /api/v1/users (every user, newest
first, cursor-paged like the links list, never a secret; 403 for everyone else)."""

import json

from harness import Client, IntegrationTest, rand_token

USER_FIELDS = ["id", "username", "email", "is_admin", "created_at", "disabled_at", "links"]


class SettingsApiTest(IntegrationTest):

    def test_settings_say_whether_signup_is_open(self):
        anon = Client(self.base, auth=None)
        r = self.req("GET", "/api/v1/settings", client=anon)
        self.assertEqual(r.status, 200, r)
        self.assert_json(r)
        self.assertEqual(r.json, {"ok": True, "data": {"signup": "open"}})
        self.assertEqual(r.headers.get("cache-control"), "no-cache")
        self.assertEqual(self.req("GET", "/api/v1/settings/", client=anon).json, r.json)
        head = self.req("HEAD", "/api/v1/settings", client=anon)
        self.assertEqual((head.status, head.body), (200, b""))
        refused = self.req("POST", "/api/v1/settings", client=anon, json_body={"signup": "closed"})
        self.assert_error(refused, 405, "method_not_allowed")
        self.assertIn("GET", refused.headers.get("allow", ""))
        # A closed instance says so, and its signup refuses as the setting says.
        closed = self.stack.start_instance(workers=1, env={"SHORTENER_SIGNUP": "closed"})
        self.addCleanup(self.stack.stop_instance, Client(closed).port)
        anon = Client(closed, auth=None)
        r = self.req("GET", "/api/v1/settings", client=anon)
        self.assertEqual(r.json, {"ok": True, "data": {"signup": "closed"}})
        name = "closed_" + rand_token(6)
        r = self.req("POST", "/url/signup", client=anon, json_body={
            "username": name, "email": name + "@example.org", "password": "long enough pw"})
        self.assert_error(r, 403, "forbidden")


class UsersApiTest(IntegrationTest):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        admin, _ = cls.stack.make_user("uadmin", admin=True)
        cls.admin = Client(cls.base, auth={"X-API-Key": cls.stack.make_api_key(admin)})
        cls.admin_name = admin

    def list_all(self, limit):
        """Every user through the pages of `limit`, and how many pages it took."""
        users, cursor, pages = [], None, 0
        while True:
            path = "/api/v1/users?limit=%d" % limit + ("&cursor=" + cursor if cursor else "")
            r = self.req("GET", path, client=self.admin)
            self.assertEqual(r.status, 200, r)
            users += r.json["data"]["users"]
            cursor = r.json["data"]["next_cursor"]
            pages += 1
            if cursor is None:
                return users, pages

    def test_an_admin_lists_every_user_newest_first_without_secrets(self):
        name, password = self.stack.make_user("listed")
        key = self.stack.make_api_key(name)
        for n in range(2):
            self.v1_create("https://example.org/users-%d" % n,
                           client=Client(self.base, auth={"X-API-Key": key}))
        self.stack.admin("user", "disable", name)
        r = self.req("GET", "/api/v1/users", client=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assert_json(r)
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        self.assertNotIn(b"argon2", r.body)
        self.assertNotIn(password.encode(), r.body)
        users = r.json["data"]["users"]
        for user in users:
            self.assertEqual(list(user), USER_FIELDS)
        ids = [u["id"] for u in users]
        self.assertEqual(ids, sorted(ids, reverse=True))
        mine = next(u for u in users if u["username"] == name)
        self.assertEqual((mine["email"], mine["is_admin"], mine["links"]),
                         (name + "@example.org", False, 2))
        self.assertIsNotNone(mine["disabled_at"])
        self.assertTrue(next(u for u in users if u["username"] == self.admin_name)["is_admin"])
        # Pages of 2 give every user once, in the same order, with no gap.
        total = int(self.stack.mysql_value("SELECT COUNT(*) FROM users"))
        paged, pages = self.list_all(2)
        self.assertEqual(len(paged), total)
        self.assertEqual(len({u["id"] for u in paged}), total)
        self.assertEqual([u["id"] for u in paged], sorted((u["id"] for u in paged), reverse=True))
        self.assertEqual(pages, (total + 1) // 2)  # no empty last page

    def test_only_an_admin_may_list_users(self):
        anon = Client(self.base, auth=None)
        r = self.req("GET", "/api/v1/users", client=anon)
        self.assert_error(r, 401, "unauthorized")
        self.assertEqual(r.headers.get("www-authenticate"), "Bearer")
        name, password = self.stack.make_user("plain")
        key = self.stack.make_api_key(name)
        token = self.req("POST", "/url/login", client=anon,
                         json_body={"username": name, "password": password}).json["access_token"]
        for headers in ({"X-API-Key": key}, {"Authorization": "Bearer " + token}):
            r = self.req("GET", "/api/v1/users", client=anon, headers=headers)
            self.assert_error(r, 403, "forbidden", ctx=json.dumps(list(headers)))
            self.assertNotIn(name.encode(), r.body)

    def test_bad_paging_is_422_naming_the_field(self):
        for query, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"),
                             ("limit=-1", "limit"), ("cursor=forged", "cursor"),
                             ("cursor=", "cursor"), ("limit=%zz", "limit")):
            with self.subTest(query=query):
                r = self.req("GET", "/api/v1/users?" + query, client=self.admin)
                self.assert_error(r, 422, "validation", field=field)
        # A non-admin is refused before its query is read.
        plain = Client(self.base)  # the harness's own, non-admin user
        self.assert_error(self.req("GET", "/api/v1/users?limit=0", client=plain), 403,
                          "forbidden")
