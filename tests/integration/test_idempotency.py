"""Idempotency-Key on both create endpoints (issue 11 #3, API.md "Retries"): a retry answers the
first link again and never makes a second; another body with the same key is 422; keys are per
user; a connection lost in the middle of a creation is answered 503 saying the outcome is unknown,
and the retry with the key then settles it."""

import subprocess
import threading
import time

from harness import Client, IntegrationTest, rand_token

SHORTEN, V1 = "/url/shorten", "/api/v1/url-shortener"


class IdempotencyKeyTest(IntegrationTest):
    def post(self, path, body, key, client=None):
        return self.req("POST", path, client=client, json_body=body,
                        headers={"Idempotency-Key": key})

    def links_to(self, url):
        return int(self.stack.mysql_value("SELECT COUNT(*) FROM links WHERE url = '%s'" % url))

    def test_a_retry_answers_the_first_link_again(self):
        for path, field in ((SHORTEN, "url"), (V1, "original_url")):
            with self.subTest(path=path):
                url = "https://example.org/once?" + rand_token()
                key = "retry-" + rand_token(16)
                first = self.post(path, {field: url, "metadata": {"n": 1}} if path == V1
                                  else {field: url}, key)
                self.assertEqual(first.status, 201, first)
                for _ in range(3):
                    again = self.post(path, {field: url, "metadata": {"n": 1}} if path == V1
                                      else {field: url}, key)
                    self.assertEqual(again.status, 201, again)
                    self.assertEqual(again.body, first.body)
                    self.assertEqual(again.headers.get("location"), first.headers.get("location"))
                self.assertEqual(self.links_to(url), 1)

    def test_a_retry_with_a_custom_slug_is_not_409(self):
        slug, url = "idem-" + rand_token(), "https://example.org/custom-once"
        first = self.post(SHORTEN, {"url": url, "slug": slug}, "k-" + slug)
        again = self.post(SHORTEN, {"url": url, "slug": slug}, "k-" + slug)
        self.assertEqual((first.status, again.status), (201, 201), again)
        self.assertEqual(again.json, first.json)

    def test_the_body_is_compared_as_json(self):
        url = "https://example.org/reordered?" + rand_token()
        key = "order-" + rand_token()
        a = self.req("POST", SHORTEN, body='{"url": "%s", "expires_in": 600}' % url,
                     headers={"Idempotency-Key": key, "Content-Type": "application/json"})
        b = self.req("POST", SHORTEN, body='{"expires_in":600,"url":"%s"}' % url,
                     headers={"Idempotency-Key": key, "Content-Type": "application/json"})
        self.assertEqual((a.status, b.status), (201, 201), b)
        self.assertEqual(b.body, a.body)
        self.assertEqual(self.links_to(url), 1)

    def test_the_same_key_with_another_request_is_422(self):
        url = "https://example.org/first-body?" + rand_token()
        key = "other-body-" + rand_token()
        first = self.post(SHORTEN, {"url": url}, key)
        self.assertEqual(first.status, 201, first)
        for path, body in ((SHORTEN, {"url": url + "&changed"}),
                           (SHORTEN, {"url": url, "expires_in": 60}),
                           (V1, {"original_url": url})):
            with self.subTest(path=path, body=body):
                before = self.stack.own_link_count()
                r = self.post(path, body, key)
                self.assert_error(r, 422, "validation", field="Idempotency-Key")
                self.assertEqual(self.stack.own_link_count(), before)
        # The first answer stays what the key gives.
        self.assertEqual(self.post(SHORTEN, {"url": url}, key).body, first.body)

    def test_two_users_with_one_key_are_independent(self):
        name, _ = self.stack.make_user("idem")
        other = Client(self.base, auth={"X-API-Key": self.stack.make_api_key(name)})
        url, key = "https://example.org/two-users?" + rand_token(), "shared-" + rand_token()
        mine = self.post(SHORTEN, {"url": url}, key)
        theirs = self.post(SHORTEN, {"url": url}, key, client=other)
        self.assertEqual((mine.status, theirs.status), (201, 201), theirs)
        self.assertNotEqual(mine.json["slug"], theirs.json["slug"])
        self.assertEqual(self.links_to(url), 2)
        # And each one's retry gets its own link back.
        self.assertEqual(self.post(SHORTEN, {"url": url}, key, client=other).body, theirs.body)
        self.assertEqual(self.post(SHORTEN, {"url": url}, key).body, mine.body)

    def test_concurrent_requests_with_one_key_make_one_link(self):
        url, key = "https://example.org/racing?" + rand_token(), "race-" + rand_token()
        answers = []

        def send():
            answers.append(Client(self.base).req("POST", SHORTEN, json_body={"url": url},
                                                 headers={"Idempotency-Key": key}))

        threads = [threading.Thread(target=send) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(sorted(r.status for r in answers), [201] * 6,
                         [(r.status, r.body[:200]) for r in answers])
        self.assertEqual(len({r.body for r in answers}), 1)
        self.assertEqual(self.links_to(url), 1)

    def test_malformed_keys_are_422(self):
        for key in ("x" * 65, "caf\u00e9".encode("utf-8").decode("latin-1"), "tab\there"):
            with self.subTest(key=key):
                before = self.stack.own_link_count()
                r = self.req("POST", SHORTEN, json_body={"url": "https://example.org/bad-key"},
                             headers={"Idempotency-Key": key})
                self.assert_error(r, 422, "validation", field="Idempotency-Key")
                self.assertEqual(self.stack.own_link_count(), before)
        for key in ("x" * 64, "a", "~!@#$%^&*()_+ {}|:<>?"):
            with self.subTest(key=key):
                self.assertEqual(self.post(SHORTEN, {"url": "https://example.org/good-key?"
                                                     + rand_token()}, key).status, 201)

    def test_purge_removes_keys_older_than_a_day(self):
        url, key = "https://example.org/aged?" + rand_token(), "aged-" + rand_token()
        first = self.post(SHORTEN, {"url": url}, key)
        uid = self.stack.default_user_id()
        self.stack.mysql("UPDATE idempotency_keys SET created_at = UTC_TIMESTAMP() - INTERVAL 25 HOUR "
                         "WHERE user_id = %d AND idem_key = '%s'" % (uid, key))
        # Older than a day: not replayed even before the purge removes it.
        again = self.post(SHORTEN, {"url": url}, key)
        self.assertEqual(again.status, 201, again)
        self.assertNotEqual(again.json["slug"], first.json["slug"])
        self.stack.mysql("UPDATE idempotency_keys SET created_at = UTC_TIMESTAMP() - INTERVAL 25 HOUR "
                         "WHERE user_id = %d AND idem_key = '%s'" % (uid, key))
        out = self.stack.admin("purge-expired").stdout
        self.assertRegex(out, r"forgot [1-9]\d* idempotency keys older than 86400 s")
        self.assertIsNone(self.stack.mysql_value(
            "SELECT link_id FROM idempotency_keys WHERE user_id = %d AND idem_key = '%s'" % (uid, key)))

    def test_a_connection_lost_mid_creation_is_503_and_the_retry_settles_it(self):
        """The worker's transaction waits on a lock this test holds on the key's row; the test
        then kills the worker's MySQL connection, which is what a crash or network cut at that
        moment looks like to the worker. The answer must say the outcome is unknown, and the
        retry with the key must create the link exactly once."""
        url, key = "https://example.org/lost?" + rand_token(), "lost-" + rand_token()
        uid = self.stack.default_user_id()
        env = self.stack.env
        holder = subprocess.Popen(
            ["mariadb", "--no-defaults", "--protocol=socket",
             "--socket=" + env["SHORTENER_MYSQL_SOCKET"], "--user=" + env["SHORTENER_MYSQL_USER"],
             "--database=" + env["SHORTENER_MYSQL_DATABASE"], "--batch", "--unbuffered"],
            env={"MYSQL_PWD": env.get("SHORTENER_MYSQL_PASSWORD", ""), "PATH": "/usr/bin:/bin"},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            holder.stdin.write("START TRANSACTION;\nINSERT INTO idempotency_keys (user_id, idem_key, "
                               "request_digest, link_id, answer_location, answer_body, created_at) "
                               "VALUES (%d, '%s', REPEAT('x', 32), 0, '', '', UTC_TIMESTAMP());\n"
                               "SELECT 'locked';\n" % (uid, key))
            holder.stdin.flush()
            self.assertEqual(holder.stdout.readline().strip(), "locked")
            answer = []
            t = threading.Thread(target=lambda: answer.append(Client(self.base).req(
                "POST", SHORTEN, json_body={"url": url}, headers={"Idempotency-Key": key})))
            t.start()
            victim = None
            deadline = time.time() + 10
            while victim is None and time.time() < deadline:
                victim = self.stack.mysql_value(
                    "SELECT id FROM information_schema.PROCESSLIST "
                    "WHERE INFO LIKE 'INSERT INTO idempotency_keys%' AND ID <> CONNECTION_ID()")
                time.sleep(0.05)
            self.assertIsNotNone(victim, "the worker never waited on the key's lock")
            self.stack.mysql("KILL CONNECTION %s" % victim)
            t.join(20)
            self.assertEqual(len(answer), 1)
            r = answer[0]
            self.assert_error(r, 503, "unavailable")
            self.assertIn("may or may not", r.json["message"])
            self.assertIn("Idempotency-Key", r.json["message"])
        finally:
            holder.stdin.write("ROLLBACK;\n")
            holder.stdin.close()
            holder.wait(10)
        self.assertEqual(self.links_to(url), 0)
        # The retry the message asks for: one link, and the same answer ever after.
        deadline = time.time() + 10
        first = self.client.req("POST", SHORTEN, json_body={"url": url},
                                headers={"Idempotency-Key": key})
        while first.status == 503 and time.time() < deadline:
            time.sleep(0.2)
            first = self.client.req("POST", SHORTEN, json_body={"url": url},
                                    headers={"Idempotency-Key": key})
        self.assertEqual(first.status, 201, first)
        again = self.post(SHORTEN, {"url": url}, key)
        self.assertEqual(again.body, first.body)
        self.assertEqual(self.links_to(url), 1)
