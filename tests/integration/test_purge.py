"""Expiry on two instances, and `shortener-admin purge-expired` deleting expired rows only."""

import re
import subprocess
import time

from harness import IntegrationTest, TwoInstancesTest, _clean_env, rand_token

PURGED = re.compile(r"^purged (\d+) expired links in (\d+) batches of at most (\d+)$", re.M)


class ExpiryOnTwoInstancesTest(TwoInstancesTest):
    def test_two_second_link_redirects_then_404s_on_both_instances(self):
        t0 = time.time()
        url = "https://example.org/two-seconds?" + rand_token()
        s1 = self.shorten(url, client=self.a, expires_in=2).json["slug"]
        s2 = self.v1_create(url, client=self.b, expires_in=2).json["data"]["slug"]
        for c in (self.a, self.b, self.a, self.b):
            for s in (s1, s2):
                r = self.req("GET", "/r/" + s, client=c)
                self.assertEqual((r.status, r.headers.get("location")), (302, url))
                r = self.req("GET", "/" + s, client=c)
                self.assertEqual((r.status, r.json), (200, {"ok": True, "original_url": url}))
        self.assertLess(time.time() - t0, 1.5, "the stack is too slow for a 2 s expiry test")
        time.sleep(max(0.0, t0 + 3.0 - time.time()))
        for c in (self.a, self.b, self.a, self.b):
            for s in (s1, s2):
                for path, hdrs in (("/r/" + s, {}), ("/" + s, {}), ("/" + s, {"Accept": "text/html"})):
                    self.assert_link_404(self.req("GET", path, client=c, headers=hdrs), hdrs,
                                         ctx="expired " + path)


class PurgeExpiredTest(IntegrationTest):
    def admin(self, *args):
        env = _clean_env()
        env.update(self.stack.env)
        p = subprocess.run([env["STACK_ADMIN_BIN"]] + list(args), env=env,
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def purge(self, *args):
        rc, out, err = self.admin("purge-expired", *args)
        self.assertEqual(rc, 0, out + err)
        m = PURGED.search(out)
        self.assertIsNotNone(m, out)
        return int(m.group(1)), int(m.group(2)), int(m.group(3))

    def make_links(self, n, tag):
        return [self.shorten("https://example.org/%s/%d" % (tag, i)).json["slug"] for i in range(n)]

    def expire(self, slugs, seconds_ago):
        self.stack.mysql("UPDATE links SET expires_at = UTC_TIMESTAMP() - INTERVAL %d SECOND "
                         "WHERE slug IN (%s)" % (seconds_ago, ",".join("'%s'" % s for s in slugs)))
        self.stack.forget_cached(slugs)

    def present(self, slugs):
        rows = self.stack.mysql("SELECT slug FROM links WHERE slug IN (%s)"
                                % ",".join("'%s'" % s for s in slugs))
        return {r[0] for r in rows}

    def test_removes_expired_rows_and_only_those(self):
        tag = "purge-" + rand_token()
        doomed = self.make_links(4, tag + "-old")
        kept = self.make_links(3, tag + "-live")
        self.expire(doomed[:2], 86400 * 30)
        self.expire(doomed[2:], 1)
        # Still alive for a little while yet: a boundary the purge must not cross.
        self.stack.mysql("UPDATE links SET expires_at = UTC_TIMESTAMP() + INTERVAL 30 SECOND "
                         "WHERE slug = '%s'" % kept[0])
        self.stack.forget_cached(kept[:1])
        live_before = int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE expires_at > UTC_TIMESTAMP() + INTERVAL 5 SECOND"))
        total_before = self.stack.link_count()
        purged, batches, batch = self.purge()
        self.assertEqual(batch, 1000)
        self.assertGreaterEqual(purged, 4)
        self.assertEqual(self.stack.link_count(), total_before - purged)
        self.assertEqual(self.present(doomed), set())
        self.assertEqual(self.present(kept), set(kept))
        self.assertEqual(int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE expires_at > UTC_TIMESTAMP() + INTERVAL 5 SECOND")),
            live_before)
        self.assertEqual(int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE expires_at < UTC_TIMESTAMP() - INTERVAL 5 SECOND")), 0)
        for s in kept:
            self.assertEqual(self.req("GET", "/r/" + s).status, 302)
        for s in doomed:
            self.assert_error(self.req("GET", "/r/" + s), 404, "not_found")
        # Nothing left: a second run deletes, in one batch, only what expired since the first
        # (other tests' short-lived links share this stack: one expired between the two runs).
        due = int(self.stack.mysql_value(
            "SELECT COUNT(*) FROM links WHERE expires_at <= UTC_TIMESTAMP() + INTERVAL 2 SECOND"))
        purged, batches, _ = self.purge()
        self.assertEqual(batches, 1)
        self.assertLessEqual(purged, due)

    def test_never_removes_a_permanent_link(self):
        forever = self.shorten("https://example.org/forever?" + rand_token(), expires_in=None).json["slug"]
        v1 = self.v1_create("https://example.org/forever-v1?" + rand_token(),
                            expiration_date=None).json["data"]["slug"]
        doomed = self.make_links(2, "beside-forever-" + rand_token())
        self.expire(doomed, 60)
        self.purge("--batch", "1")
        self.assertEqual(self.present(doomed), set())
        self.assertEqual(self.present([forever, v1]), {forever, v1})
        for s in (forever, v1):
            self.assertEqual(self.req("GET", "/r/" + s).status, 302)

    def test_deletes_in_batches(self):
        tag = "batch-" + rand_token()
        doomed = self.make_links(5, tag)
        kept = self.make_links(2, tag + "-live")
        self.purge()  # whatever other tests left expired, so this run sees ours alone
        self.expire(doomed, 60)
        total_before = self.stack.link_count()
        purged, batches, batch = self.purge("--batch", "2")
        self.assertEqual(batch, 2)
        self.assertGreaterEqual(purged, 5)
        # Full batches until one comes back short: 2 + 2 + 1 for our five.
        self.assertEqual(batches, purged // 2 + 1)
        self.assertEqual(self.stack.link_count(), total_before - purged)
        self.assertEqual(self.present(doomed), set())
        self.assertEqual(self.present(kept), set(kept))

    def test_bad_arguments(self):
        # A value out of range fails the command (1); a command line of the wrong shape is a
        # usage error (2), as --help says.
        for args, status in ((("--batch", "0"), 1), (("--batch", "x"), 1), (("--batch", "-1"), 1),
                             (("--batch", "100001"), 1), (("--batch",), 2), (("extra",), 2)):
            with self.subTest(args=args):
                rc, out, err = self.admin("purge-expired", *args)
                self.assertEqual(rc, status, out + err)
                self.assertIn("purge-expired", err)
