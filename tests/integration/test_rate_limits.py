"""Rate limits (API.md "Rate limits"): creation per user, signups per address, failed logins per
address and username; shared by instances through memcached, per worker without it."""

import random

from harness import Client, IntegrationTest, rand_token

PASSWORD = "rate-limit-pass"


def fake_ip():
    """A client address of its own for one test, named by a trusted proxy's X-Forwarded-For."""
    return "10.%d.%d.%d" % (random.randint(0, 255), random.randint(0, 255), random.randint(1, 254))


class RateLimitBase(IntegrationTest):
    def instance(self, workers=2, **limits):
        env = {"SHORTENER_TRUSTED_PROXIES": "127.0.0.1"}
        env.update({"SHORTENER_" + k.upper(): v for k, v in limits.items()})
        base = self.stack.start_instance(workers=workers, env=env)
        self.addCleanup(self.stack.stop_instance, Client(base).port)
        return Client(base, auth=None)

    def assert_headers(self, r, limit, remaining=None):
        ctx = self.describe("", "", r)
        self.assertEqual(r.headers.get("ratelimit-limit"), str(limit), ctx)
        self.assertIn("ratelimit-remaining", r.headers, ctx)
        if remaining is not None:
            self.assertEqual(r.headers.get("ratelimit-remaining"), str(remaining), ctx)
        reset = int(r.headers.get("ratelimit-reset", "-1"))
        self.assertGreaterEqual(reset, 1, ctx)

    def assert_429(self, r, limit):
        self.assert_error(r, 429, "rate_limited")
        retry = int(r.headers.get("retry-after", "0"))
        self.assertGreaterEqual(retry, 1, r.headers)
        self.assert_headers(r, limit, remaining=0)

    def key_for_new_user(self):
        name, _ = self.stack.make_user("rl")
        return {"X-API-Key": self.stack.make_api_key(name)}


class CreateLimitTest(RateLimitBase):
    def test_trips_at_the_documented_count_on_one_instance(self):
        c = self.instance(rate_limit_create="5/60")
        key = self.key_for_new_user()
        before = self.stack.link_count()
        for i in range(5):
            path, body = (("/url/shorten", {"url": "https://example.org/rl%d" % i}) if i % 2 else
                          ("/api/v1/url-shortener", {"original_url": "https://example.org/rl%d" % i}))
            r = self.req("POST", path, client=c, headers=key, json_body=body)
            self.assertEqual(r.status, 201, self.describe("POST", path, r))
            self.assert_headers(r, 5, remaining=4 - i)
        r = self.req("POST", "/url/shorten", client=c, headers=key, json_body={"url": "https://example.org/over"})
        self.assert_429(r, 5)
        self.assertEqual(self.stack.link_count(), before + 5)
        # Another user has an allowance of its own.
        r = self.req("POST", "/url/shorten", client=c, headers=self.key_for_new_user(),
                     json_body={"url": "https://example.org/other"})
        self.assertEqual(r.status, 201)

    def test_failed_creations_count_too(self):
        c = self.instance(rate_limit_create="3/60")
        key = self.key_for_new_user()
        for _ in range(3):
            r = self.req("POST", "/url/shorten", client=c, headers=key, json_body={"url": "ftp://bad"})
            self.assert_error(r, 422, "validation", field="url")
            self.assert_headers(r, 3)
        self.assert_429(self.req("POST", "/url/shorten", client=c, headers=key,
                                 json_body={"url": "https://example.org/fine"}), 3)

    def test_shared_across_two_instances(self):
        a = self.instance(rate_limit_create="6/60")
        b = self.instance(rate_limit_create="6/60")
        key = self.key_for_new_user()
        for i in range(6):
            r = self.req("POST", "/url/shorten", client=(a, b)[i % 2], headers=key,
                         json_body={"url": "https://example.org/two%d" % i})
            self.assertEqual(r.status, 201, r)
        for c in (a, b):
            self.assert_429(self.req("POST", "/url/shorten", client=c, headers=key,
                                     json_body={"url": "https://example.org/more"}), 6)

    def test_per_worker_when_memcached_is_down(self):
        c = self.instance(workers=1, rate_limit_create="3/60")
        key = self.key_for_new_user()
        self.stack.stop_memcached()
        try:
            for i in range(3):
                r = self.req("POST", "/url/shorten", client=c, headers=key,
                             json_body={"url": "https://example.org/nomc%d" % i})
                self.assertEqual(r.status, 201, r)
            self.assert_429(self.req("POST", "/url/shorten", client=c, headers=key,
                                     json_body={"url": "https://example.org/nomc"}), 3)
        finally:
            self.stack.start_memcached()


class SignupLimitTest(RateLimitBase):
    def test_signups_per_address(self):
        c = self.instance(rate_limit_signup="3/3600")
        ip = fake_ip()
        hdrs = {"X-Forwarded-For": ip}
        # Every signup request counts, a refused one too.
        r = self.req("POST", "/url/signup", client=c, headers=hdrs, json_body={"username": "x"})
        self.assert_error(r, 422, "validation")
        self.assert_headers(r, 3, remaining=2)
        for _ in range(2):
            name = "sl_" + rand_token(8)
            r = self.req("POST", "/url/signup", client=c, headers=hdrs,
                         json_body={"username": name, "email": name + "@example.org", "password": PASSWORD})
            self.assertEqual(r.status, 201, r)
        name = "sl_" + rand_token(8)
        r = self.req("POST", "/url/signup", client=c, headers=hdrs,
                     json_body={"username": name, "email": name + "@example.org", "password": PASSWORD})
        self.assert_429(r, 3)
        self.assertEqual(self.stack.mysql_value("SELECT COUNT(*) FROM users WHERE username = '%s'" % name), "0")
        # Another address is not held back.
        r = self.req("POST", "/url/signup", client=c, headers={"X-Forwarded-For": fake_ip()},
                     json_body={"username": name, "email": name + "@example.org", "password": PASSWORD})
        self.assertEqual(r.status, 201, r)

    def test_forwarded_for_is_ignored_from_an_untrusted_peer(self):
        base = self.stack.start_instance(env={"SHORTENER_RATE_LIMIT_SIGNUP": "2/3600",
                                              "SHORTENER_TRUSTED_PROXIES": "192.0.2.1"})
        self.addCleanup(self.stack.stop_instance, Client(base).port)
        c = Client(base, auth=None)
        # REMOTE_ADDR 127.0.0.1 is not trusted, so each request counts for 127.0.0.1, whatever
        # the header claims.
        statuses = [self.req("POST", "/url/signup", client=c, headers={"X-Forwarded-For": fake_ip()},
                             json_body={}).status for _ in range(3)]
        self.assertEqual(statuses[-1], 429, statuses)


class LoginLimitTest(RateLimitBase):
    def test_failed_logins_per_address_and_username(self):
        c = self.instance(rate_limit_login_fail="3/900")
        name, password = self.stack.make_user("ll", password=PASSWORD)
        hdrs = {"X-Forwarded-For": fake_ip()}
        for i in range(3):
            r = self.req("POST", "/url/login", client=c, headers=hdrs,
                         json_body={"username": name, "password": "wrong password"})
            self.assert_error(r, 401, "unauthorized")
            self.assert_headers(r, 3, remaining=2 - i)
        # While the limit holds, even the right password gets 429.
        r = self.req("POST", "/url/login", client=c, headers=hdrs,
                     json_body={"username": name.upper(), "password": password})
        self.assert_429(r, 3)
        # From another address the right password works, and success does not count.
        other = {"X-Forwarded-For": fake_ip()}
        for _ in range(4):
            r = self.req("POST", "/url/login", client=c, headers=other,
                         json_body={"username": name, "password": password})
            self.assertEqual(r.status, 200, r)
            self.assert_headers(r, 3, remaining=3)  # nothing counted in this window
