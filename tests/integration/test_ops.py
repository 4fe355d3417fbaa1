"""GET /healthz."""

import unittest

from harness import IntegrationTest


class HealthzTest(IntegrationTest):
    def test_healthz_all_up(self):
        r = self.req("GET", "/healthz")
        self.assertEqual(r.status, 200, r)
        self.assert_json(r, "healthz")
        self.assertEqual(r.json, {"ok": True, "mysql": "up", "memcached": "up"})

    def test_healthz_head(self):
        status, hdrs, rest = self.client.head_raw("/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(rest, b"")


if __name__ == "__main__":
    unittest.main()
