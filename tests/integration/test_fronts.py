"""The core flows and the bad inputs again, behind each web server's shipped config.

Apache (mod_proxy_fcgi), nginx (fastcgi_pass) and lighttpd (mod_fastcgi) hand FastCGI different
SCRIPT_NAME/PATH_INFO splits and treat paths, bodies and errors their own way; the answers must
be the same. Each class below is a test class of another module re-run with FRONT set, so it
talks to a private instance of that server running conf/<front>.conf (paths rewritten to the
test's temp dir) with a supervised pool of 2 workers. The whole suite runs behind the
development lighttpd (conf/lighttpd-dev.conf) as usual.
"""

import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_bad_input  # noqa: E402
import test_ops  # noqa: E402
import test_redirect  # noqa: E402
import test_url_api  # noqa: E402
import test_v1_api  # noqa: E402
from harness import Client, IntegrationTest, pid_alive  # noqa: E402

FRONTS = ("apache", "nginx", "lighttpd")

# Modules are imported whole (not their classes) so discovery does not run the originals here.
CLASSES = (
    test_url_api.ShortenTest,
    test_v1_api.V1CreateTest,
    test_redirect.RedirectTest,
    test_ops.HealthzTest,
    test_bad_input.BodyRefusalTest,
    test_bad_input.FieldRefusalTest,
    test_bad_input.RawBytesTest,
    test_bad_input.ListRefusalTest,
    test_bad_input.RoutingTest,
)

for _front in FRONTS:
    for _cls in CLASSES:
        _name = "%s%s" % (_front.capitalize(), _cls.__name__)
        globals()[_name] = type(_name, (_cls,), {"FRONT": _front, "__module__": __name__})
del _front, _cls, _name


class PoolDownTest(IntegrationTest):
    """With no worker left, each server answers 502/503 itself, with the API's JSON error body
    (and nosniff where the server can add it: Apache and nginx)."""

    def test_each_front_answers_json_when_the_pool_is_gone(self):
        for front in FRONTS:
            with self.subTest(front=front):
                base = self.stack.start_instance(workers=1, front=front, pool="supervisor")
                client = Client(base)
                self.addCleanup(self.stack.stop_instance, client.port)
                with open(os.path.join(self.stack.web_dir(base), "workers.pid")) as f:
                    master = int(f.read().split()[0])
                pids = [master] + self.worker_pids(master)
                self.assertEqual(len(pids), 2)
                os.kill(master, signal.SIGKILL)  # its worker follows it (parent-death signal)
                deadline = time.time() + 5
                while time.time() < deadline and any(pid_alive(p) for p in pids):
                    time.sleep(0.05)
                self.assertFalse(any(pid_alive(p) for p in pids))
                time.sleep(0.2)
                r = client.req("GET", "/healthz")
                self.assertIn(r.status, (502, 503), r)
                self.assertTrue(r.headers.get("content-type", "").startswith("application/json"),
                                r.headers)
                self.assertEqual(r.json, {"ok": False, "error": "unavailable",
                                          "message": "The service is unavailable; try again shortly."})
                if front != "lighttpd":
                    self.assertEqual(r.headers.get("x-content-type-options"), "nosniff", r.headers)

    @staticmethod
    def worker_pids(master):
        try:
            with open("/proc/%d/task/%d/children" % (master, master)) as f:
                return [int(x) for x in f.read().split()]
        except OSError:
            return []

if __name__ == "__main__":
    unittest.main()
