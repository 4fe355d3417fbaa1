"""mysql_servers: a worker moves to the next server when its server goes away, and back to its
first choice once that is back (after mysql_failback_interval). The second "server" is a TCP
relay (tcp_relay.py) to the stack's MariaDB, so both entries reach the same real database and the
test can make one vanish at will; the Galera cluster's own test is test_cluster.py."""

import os
import time

from harness import Client, IntegrationTest, free_port, rand_token, wait_for
from tcp_relay import Relay

FAILBACK = 2  # seconds, mysql_failback_interval of these instances


class MysqlFailoverTest(IntegrationTest):
    def instance(self, servers, workers=2):
        base = self.stack.start_instance(workers=workers, env={
            "SHORTENER_MYSQL_SERVERS": servers,
            "SHORTENER_MYSQL_FAILBACK_INTERVAL": str(FAILBACK)})
        c = Client(base)
        self.addCleanup(self.stack.stop_instance, c.port)
        return base, c

    def round_trip(self, c, tag):
        """A creation, an owner's read and a cache-miss redirect through `c`; each must succeed."""
        url = "https://example.org/failover/%s/%s" % (tag, rand_token())
        slug = self.shorten(url, client=c).json["slug"]
        r = self.req("GET", "/api/v1/url-shorteners/" + slug, client=c)
        self.assertEqual((r.status, r.json["data"]["original_url"]), (200, url))
        self.stack.forget_cached([slug])
        r = self.req("GET", "/r/" + slug, client=c)
        self.assertEqual((r.status, r.headers.get("location")), (302, url))
        return slug

    def worker_log(self, base):
        return os.path.join(self.stack.web_dir(base), "workers.log")

    def test_a_dead_first_server_is_passed_over(self):
        dead = free_port()  # nothing listens there: connections are refused at once
        base, c = self.instance("127.0.0.1:%d,%s" % (dead, self.stack.env["SHORTENER_MYSQL_SOCKET"]))
        for i in range(6):
            self.round_trip(c, "dead-first-%d" % i)
        r = self.req("GET", "/healthz", client=c)
        self.assertEqual((r.status, r.json["mysql"]), (200, "up"))
        with open(self.worker_log(base)) as f:
            self.assertIn("mysql: now on %s (127.0.0.1:%d is the first choice)"
                          % (self.stack.env["SHORTENER_MYSQL_SOCKET"], dead), f.read())

    def test_every_server_dead_is_a_503(self):
        relay = Relay(self.stack.env["SHORTENER_MYSQL_SOCKET"]).start()
        self.addCleanup(relay.stop)
        base, c = self.instance("127.0.0.1:%d,127.0.0.1:%d" % (free_port(), relay.port))
        self.round_trip(c, "both")
        relay.stop()  # now neither answers
        r = c.req("POST", "/url/shorten", json_body={"url": "https://example.org/nowhere"})
        self.assert_error(r, 503, "unavailable")
        self.assertEqual(r.headers.get("retry-after"), "1")
        self.assertEqual(c.req("GET", "/healthz").status, 503)

    def test_moves_away_when_its_server_vanishes_and_back_when_it_returns(self):
        relay = Relay(self.stack.env["SHORTENER_MYSQL_SOCKET"]).start()
        self.addCleanup(relay.stop)
        base, c = self.instance("127.0.0.1:%d,%s" % (relay.port, self.stack.env["SHORTENER_MYSQL_SOCKET"]))
        for i in range(6):
            self.round_trip(c, "before-%d" % i)
        self.assertGreaterEqual(relay.accepted, 1, "the workers did not use their first choice")
        self.assertGreaterEqual(relay.open_connections(), 1)

        # The first choice vanishes: every connection to it cut, new ones refused. Requests go
        # on without a 5xx: reads are retried on the next server, and a write finds its idle
        # connection dead before sending anything.
        relay.stop()
        for i in range(8):
            self.round_trip(c, "away-%d" % i)

        # Back on the same port: after the failback interval the workers return to it.
        relay = Relay(self.stack.env["SHORTENER_MYSQL_SOCKET"], port=relay.port).start()
        self.addCleanup(relay.stop)
        time.sleep(FAILBACK + 0.2)

        def both_back():
            self.round_trip(c, "back")
            return relay.open_connections() >= 2  # both workers
        self.assertTrue(wait_for(both_back, 15, step=0.1),
                        "workers did not return to their first choice (%d connections)"
                        % relay.open_connections())
        with open(self.worker_log(base)) as f:
            text = f.read()
        self.assertIn("mysql: back on 127.0.0.1:%d" % relay.port, text)
