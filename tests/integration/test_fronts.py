"""The core flows and the bad inputs again, behind each web server's shipped config.

Apache (mod_proxy_fcgi), nginx (fastcgi_pass) and lighttpd (mod_fastcgi) hand FastCGI different
SCRIPT_NAME/PATH_INFO splits and treat paths, bodies and errors their own way; the answers must
be the same. Each class below is a test class of another module re-run with FRONT set, so it
talks to a private instance of that server running conf/<front>.conf (paths rewritten to the
test's temp dir) with a supervised pool of 2 workers. The whole suite runs behind
conf/lighttpd.conf (paths rewritten) as usual.
"""

import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import test_bad_input  # noqa: E402
import test_import_api  # noqa: E402
import test_ops  # noqa: E402
import test_redirect  # noqa: E402
import test_url_api  # noqa: E402
import test_v1_api  # noqa: E402
import test_web_pages  # noqa: E402
import test_web_ui  # noqa: E402
import test_yourls_api  # noqa: E402
from harness import REPO, Client, IntegrationTest, parse_raw_response, pid_alive, rand_token  # noqa: E402

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
    test_yourls_api.YourlsThroughFrontTest,
    # The import's body limit on its path only, which each front sets itself.
    test_import_api.ImportApiTest,
    test_web_pages.HtmlNotFoundTest,
    test_web_pages.UiNotFoundTest,
    test_web_pages.QrCodeTest,
)

PASSWORD = "front-pass-" + rand_token(6)


class _CredentialFlows:
    """Login tokens and API keys end to end, behind one front (FRONT): every credential reaches
    the workers, and body-less POSTs work when sent with Content-Length: 0."""

    def signup_and_login(self, anon):
        name = "front_" + rand_token(8)
        r = anon.req("POST", "/url/signup", json_body={
            "username": name, "email": name + "@example.org", "password": PASSWORD})
        self.assertEqual(r.status, 201, self.describe("POST", "/url/signup", r))
        r = anon.req("POST", "/url/login", json_body={"username": name, "password": PASSWORD})
        self.assertEqual(r.status, 200, self.describe("POST", "/url/login", r))
        return {"Authorization": "Bearer " + r.json["access_token"]}

    def link_flow(self, anon, cred, ctx):
        """Create (both APIs), list, get, patch and delete with `cred`."""
        url = "https://example.org/%s/%s" % (self.FRONT, rand_token())
        r = anon.req("POST", "/url/shorten", headers=cred, json_body={"url": url})
        self.assertEqual(r.status, 201, ctx + self.describe("POST", "/url/shorten", r))
        r = anon.req("POST", "/api/v1/url-shortener", headers=cred, json_body={"original_url": url + "?v1"})
        self.assertEqual(r.status, 201, ctx + self.describe("POST", "/api/v1/url-shortener", r))
        slug = r.json["data"]["slug"]
        r = anon.req("GET", "/api/v1/url-shorteners", headers=cred)
        self.assertEqual(r.status, 200, ctx + self.describe("GET", "list", r))
        self.assertIn(slug, [x["slug"] for x in r.json["data"]["url_shorteners"]])
        one = "/api/v1/url-shorteners/" + slug
        r = anon.req("GET", one, headers=cred)
        self.assertEqual((r.status, r.json["data"]["original_url"]), (200, url + "?v1"), ctx)
        r = anon.req("PATCH", one, headers=cred, json_body={"original_url": url + "?v2"})
        self.assertEqual((r.status, r.json["data"]["original_url"]), (200, url + "?v2"), ctx)
        self.assertEqual(anon.req("GET", "/r/" + slug).headers.get("location"), url + "?v2", ctx)
        r = anon.req("DELETE", one, headers=cred)
        self.assertEqual((r.status, r.body), (204, b""), ctx)
        self.assertEqual(anon.req("GET", "/r/" + slug).status, 404, ctx)

    def test_bearer_token_flow_and_logout(self):
        anon = Client(self.base, auth=None)
        bearer = self.signup_and_login(anon)
        self.link_flow(anon, bearer, "bearer: ")
        # Logout takes no body: sent with Content-Length: 0 (http.client's default for a POST).
        r = anon.req("POST", "/url/logout", headers=bearer)
        self.assertEqual(r.status, 204, self.describe("POST", "/url/logout", r))
        r = anon.req("GET", "/api/v1/url-shorteners", headers=bearer)
        self.assert_error(r, 401, "unauthorized", ctx="token after logout")

    def test_api_key_create_list_use_revoke(self):
        anon = Client(self.base, auth=None)
        bearer = self.signup_and_login(anon)
        r = anon.req("POST", "/api/v1/api-keys", headers=bearer, json_body={"name": "front key"})
        self.assertEqual(r.status, 201, self.describe("POST", "/api/v1/api-keys", r))
        key = r.json["data"]
        # The other form: no body at all, Content-Length: 0.
        r = anon.req("POST", "/api/v1/api-keys", headers=bearer)
        self.assertEqual((r.status, r.json["data"]["name"]), (201, ""),
                         self.describe("POST", "/api/v1/api-keys (empty)", r))
        r = anon.req("GET", "/api/v1/api-keys", headers=bearer)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(sorted(k["name"] for k in r.json["data"]["api_keys"]), ["", "front key"])
        api = {"X-API-Key": key["key"]}
        self.link_flow(anon, api, "api key: ")
        r = anon.req("DELETE", "/api/v1/api-keys/%s" % key["id"], headers=bearer)
        self.assertEqual(r.status, 204, self.describe("DELETE", "/api/v1/api-keys/ID", r))
        self.assert_error(anon.req("GET", "/api/v1/url-shorteners", headers=api), 401, "unauthorized",
                          ctx="revoked key")

    def test_bodyless_post_without_content_length(self):
        """No Content-Length at all: lighttpd refuses it (411, with the API's JSON error saying
        what to send); nginx and Apache take it as an empty body. Either way the answer is
        right: a 411 leaves the token valid, a 204 ends it."""
        anon = Client(self.base, auth=None)
        bearer = self.signup_and_login(anon)
        for path, ok in (("/api/v1/api-keys", 201), ("/url/logout", 204)):
            with self.subTest(path=path):
                data = anon.raw(("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: %s\r\n"
                                 "Connection: close\r\n\r\n"
                                 % (path, anon.port, bearer["Authorization"])).encode())
                r = parse_raw_response(data)
                if self.FRONT == "lighttpd":
                    self.assertEqual(r.status, 411, r)
                if r.status == 411:
                    self.assertTrue(r.headers.get("content-type", "").startswith("application/json"), r)
                    self.assertEqual(r.json["error"], "bad_request", r)
                    self.assertIn("Content-Length: 0", r.json["message"])
                    self.assertIn("-d ''", r.json["message"])
                    still = anon.req("GET", "/api/v1/api-keys", headers=bearer).status
                    self.assertEqual(still, 200, "a refused logout must leave the token valid")
                else:
                    self.assertEqual(r.status, ok, r)
        if self.FRONT != "lighttpd" and r.status == 204:
            self.assertEqual(anon.req("GET", "/api/v1/api-keys", headers=bearer).status, 401)

    def test_slow_request_bodies_do_not_stall_the_pool(self):
        """More clients than workers (2) trickle their bodies; /healthz keeps answering at once
        for everybody else, and each slow body, once complete, is answered normally."""
        anon = Client(self.base, auth=None)
        key = self.stack.default_auth()["X-API-Key"]
        url = "https://example.org/slow/" + rand_token()
        body = json.dumps({"url": url}).encode()
        pieces = [body[i:i + 8] for i in range(0, len(body), 8)]
        head = ("POST /url/shorten HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-API-Key: %s\r\n"
                "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                % (anon.port, key, len(body))).encode()
        answers = [None] * 3
        step = 2.4 / len(pieces)  # each body takes about 2.4 s to arrive

        def trickle(i):
            with socket.create_connection(("127.0.0.1", anon.port), timeout=15) as s:
                s.sendall(head)
                for piece in pieces:
                    time.sleep(step)
                    s.sendall(piece)
                chunks = []
                while True:
                    c = s.recv(65536)
                    if not c:
                        break
                    chunks.append(c)
                answers[i] = parse_raw_response(b"".join(chunks))

        threads = [threading.Thread(target=trickle, args=(i,)) for i in range(len(answers))]
        for t in threads:
            t.start()
        time.sleep(0.3)  # every slow client is connected and has sent its header
        slowest = 0.0
        while any(t.is_alive() for t in threads):
            t0 = time.time()
            r = anon.req("GET", "/healthz")
            slowest = max(slowest, time.time() - t0)
            self.assertEqual(r.status, 200, r)
            time.sleep(0.1)
        for t in threads:
            t.join()
        self.assertLess(slowest, 1.0, "/healthz waited on slow request bodies")
        for a in answers:
            self.assertEqual(a.status, 201, a)
            self.assertEqual(a.json["url"], url)


for _front in FRONTS:
    for _cls in CLASSES:
        _name = "%s%s" % (_front.capitalize(), _cls.__name__)
        globals()[_name] = type(_name, (_cls,), {"FRONT": _front, "__module__": __name__})
    _name = "%sCredentialFlowsTest" % _front.capitalize()
    globals()[_name] = type(_name, (_CredentialFlows, IntegrationTest),
                            {"FRONT": _front, "__module__": __name__})
# The web interface's browser flow once behind each of the other two (lighttpd runs it in
# test_web_ui itself): their static file serving, headers and routing of / and /ui/.
for _front in ("apache", "nginx"):
    _name = "%sWebUiFlowTest" % _front.capitalize()
    globals()[_name] = type(_name, (test_web_ui.WebUiFlowTest,),
                            {"FRONT": _front, "__module__": __name__})
del _front, _cls, _name


class LongLocationTest(IntegrationTest):
    """The longest URL the config allows (max_url_length at most 4096) redirects byte for byte
    behind every front: each carries a 4 KiB Location header."""

    def test_4096_byte_location_through_every_front(self):
        maker = Client(self.stack.start_instance(workers=1, env={"SHORTENER_MAX_URL_LENGTH": "4096"}))
        self.addCleanup(self.stack.stop_instance, maker.port)
        prefix = "https://example.org/long/"
        url = prefix + "a" * (4096 - len(prefix))
        self.assertEqual(len(url), 4096)
        r = maker.req("POST", "/url/shorten", json_body={"url": url})
        self.assertEqual(r.status, 201, self.describe("POST", "/url/shorten", r))
        slug = r.json["slug"]
        for front in (None,) + FRONTS:
            base = self.stack.front_instance(front) if front else maker.base
            client = Client(base, auth=None)
            for path, headers in (("/r/" + slug, {}), ("/" + slug, {"Accept": "text/html"})):
                with self.subTest(front=front or "dev", path=path[:3]):
                    r = client.req("GET", path, headers=headers)
                    self.assertEqual(r.status, 302, self.describe("GET", path, r))
                    self.assertEqual(r.headers.get("location"), url)


class WorkerBodyDeadlineTest(IntegrationTest):
    """A web server that streams request bodies (Apache's mod_proxy_fcgi without spooling does)
    would let a client that trickles one hold a single-threaded worker: the worker gives a body
    fcgi_io.h's 5 s, then answers 408 with the API's error body. Spoken to a worker directly,
    over its FastCGI socket, as such a front would."""

    def test_a_body_that_stops_coming_gets_408_within_the_deadline(self):
        sock_path = os.path.join(self.stack.web_dir(self.base), "fcgi.sock")
        params = {"REQUEST_METHOD": "POST", "REQUEST_URI": "/url/shorten", "CONTENT_LENGTH": "60",
                  "CONTENT_TYPE": "application/json", "REMOTE_ADDR": "127.0.0.1",
                  "HTTP_X_API_KEY": self.stack.default_auth()["X-API-Key"], "SERVER_PROTOCOL": "HTTP/1.1"}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(15)
            s.connect(sock_path)
            s.sendall(fcgi_record(1, struct.pack(">HB5x", 1, 0)))  # BEGIN_REQUEST, responder
            s.sendall(fcgi_record(4, fcgi_params(params)) + fcgi_record(4, b""))
            t0 = time.time()
            s.sendall(fcgi_record(5, b'{"url": "https://'))  # 17 of the 60 bytes, then nothing
            out = fcgi_read_stdout(s)
            elapsed = time.time() - t0
        self.assertGreater(elapsed, 4.0, out[:200])
        self.assertLess(elapsed, 8.0, out[:200])
        head, _, body = out.partition(b"\r\n\r\n")
        self.assertIn(b"Status: 408", head)
        self.assertIn(b"Content-Type: application/json", head)
        self.assertEqual(json.loads(body), {"ok": False, "error": "bad_request",
                                            "message": "The request body took too long to arrive."})
        # The worker is free again.
        self.assertEqual(self.client.req("GET", "/healthz").status, 200)


def fcgi_record(kind, content, request_id=1):
    return struct.pack(">BBHHBx", 1, kind, request_id, len(content), 0) + content


def fcgi_params(params):
    out = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        assert len(k) < 128 and len(v) < 128
        out += bytes([len(k), len(v)]) + k + v
    return out


def fcgi_read_stdout(s):
    """The STDOUT stream of request 1, read until END_REQUEST."""
    buf, out = b"", b""
    while True:
        while len(buf) < 8:
            c = s.recv(65536)
            if not c:
                return out
            buf += c
        _, kind, _, length, padding = struct.unpack(">BBHHBx", buf[:8])
        while len(buf) < 8 + length + padding:
            c = s.recv(65536)
            if not c:
                return out
            buf += c
        content, buf = buf[8:8 + length], buf[8 + length + padding:]
        if kind == 6:
            out += content
        elif kind == 3:
            return out


class PoolDownTest(IntegrationTest):
    """With no worker left, each server answers 502/503 itself, with the API's JSON error body
    and nosniff."""

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
                self.assertEqual(r.headers.get("x-content-type-options"), "nosniff", r.headers)

    def test_lighttpd_answers_502_when_a_worker_dies_mid_request(self):
        """Issue 11 #7: a worker killed while it holds a request (here: waiting on a stopped
        MariaDB) is a 502 with the JSON body behind lighttpd (mod_magnet turns lighttpd's
        hard-coded 500 into it), as behind nginx and Apache; the worker's own 500s pass as they are."""
        base = self.stack.front_instance("lighttpd")
        client = Client(base, auth=None)
        with open(os.path.join(self.stack.web_dir(base), "workers.pid")) as f:
            master = int(f.read().split()[0])
        with open(os.path.join(self.stack.dir, "mysql.pid")) as f:
            mysqld = int(f.read().split()[0])
        answer = []
        t = threading.Thread(target=lambda: answer.append(client.req("GET", "/r/gone" + rand_token())))
        def fds(pid):
            try:
                return len(os.listdir("/proc/%d/fd" % pid))
            except OSError:
                return 0
        before = {p: fds(p) for p in self.worker_pids(master)}
        os.kill(mysqld, signal.SIGSTOP)
        try:
            t.start()
            # The redirect's lookup (a cache miss) waits on MariaDB once a worker holds lighttpd's
            # connection: kill then, inside the worker's 1 s MySQL timeout (API.md "Retries"),
            # which would end the wait with the worker's own 503.
            deadline = time.time() + 5
            while time.time() < deadline and not any(fds(p) > n for p, n in before.items()):
                time.sleep(0.01)
            time.sleep(0.1)
            for pid in self.worker_pids(master):
                os.kill(pid, signal.SIGKILL)
            t.join(timeout=10)
        finally:
            os.kill(mysqld, signal.SIGCONT)
        self.assertEqual(len(answer), 1)
        r = answer[0]
        self.assertEqual(r.status, 502, r)
        self.assertEqual(r.json, {"ok": False, "error": "unavailable",
                                  "message": "The service is unavailable; try again shortly."})
        # The supervisor replaces the workers; the instance serves again.
        deadline = time.time() + 15
        while time.time() < deadline and client.req("GET", "/healthz").status != 200:
            time.sleep(0.2)
        self.assertEqual(client.req("GET", "/healthz").status, 200)

    @staticmethod
    def worker_pids(master):
        try:
            with open("/proc/%d/task/%d/children" % (master, master)) as f:
                return [int(x) for x in f.read().split()]
        except OSError:
            return []

if __name__ == "__main__":
    unittest.main()


# The flood, run as its own process so its sockets cost the measured client no interpreter time:
# opens argv[2] connections to 127.0.0.1:argv[1] from 127.0.0.2, sends each half a request
# header, prints how many took it, then sends each one more header byte every 5 s (so an idle
# timeout of 10 s never fires) until stdin closes.
FLOOD_SCRIPT = r"""
import select, socket, sys, time
port, count = int(sys.argv[1]), int(sys.argv[2])
socks = []
for _ in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    s.bind(("127.0.0.2", 0))
    s.connect_ex(("127.0.0.1", port))
    socks.append(s)
time.sleep(0.5)
sent = 0
for s in socks:
    try:
        s.send(b"GET /r/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-a: ")
        sent += 1
    except OSError:
        pass
print(sent, flush=True)
while not select.select([sys.stdin], [], [], 5.0)[0]:
    for s in socks:
        try:
            s.send(b"b")
        except OSError:
            pass
"""


class SlowConnectionFloodTest(IntegrationTest):
    """Issue 11 #2: one address opens 2,000 connections that send half a request header and then
    dawdle (slowloris); redirects for everybody else keep answering with p99 under 50 ms. The
    flood comes from 127.0.0.2 and the measured client from 127.0.0.1, so a per-address cap
    would hold the flood without touching the client. lighttpd and nginx, being event-driven,
    carry the flood in descriptors. Apache gives each connection still reading its header one of
    its threads until mod_reqtimeout ends it, and has no working per-address cap of its own on
    Debian 12, so the shipped conf/nftables-connlimit.nft caps connections per address in the
    kernel: behind Apache the test loads it (for the test's port only, in a table of its own)
    and the flood gets at most the cap's connections (docs/operations.md, "Slow clients")."""

    FLOOD = 2000
    SAMPLES = 200
    CAP = 64  # conf/nftables-connlimit.nft's connections per address

    def test_redirects_stay_fast_under_a_slow_connection_flood(self):
        url = "https://example.org/flood/" + rand_token()
        slug = self.shorten(url).json["slug"]
        for front in ("lighttpd", "nginx", "apache"):
            with self.subTest(front=front):
                client = Client(self.stack.front_instance(front), auth=None)
                quiet = self.p99(client, slug, url)
                table = self.load_connlimit(client.port) if front == "apache" else None
                try:
                    flood = subprocess.Popen([sys.executable, "-c", FLOOD_SCRIPT, str(client.port),
                                              str(self.FLOOD)], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE)
                    try:
                        sent = int(flood.stdout.readline() or 0)
                        time.sleep(0.5)
                        p99 = self.p99(client, slug, url)
                    finally:
                        flood.stdin.close()
                        flood.wait(timeout=30)
                finally:
                    if table:
                        subprocess.run(["nft", "delete", "table", "inet", table], check=True)
                if table:
                    # The kernel reset every connection past the cap before Apache saw it.
                    self.assertGreater(sent, 0)
                    self.assertLessEqual(sent, self.CAP)
                else:
                    self.assertEqual(sent, self.FLOOD)
                # 50 ms, unless this (shared, busy) machine is slower than that without any
                # flood: then no worse than twice its own quiet p99.
                self.assertLess(p99, max(0.050, 2 * quiet),
                                "%s: p99 %.1f ms with %d slow connections (%.1f ms without)"
                                % (front, p99 * 1000, sent, quiet * 1000))

    def load_connlimit(self, port):
        """Loads conf/nftables-connlimit.nft as shipped, but for `port` only and in a table named
        for this process (so nothing else on the machine is capped), with the cap the test
        expects; returns the table's name, which the caller deletes."""
        with open(os.path.join(REPO, "conf", "nftables-connlimit.nft")) as f:
            rules = f.read()
        table = "shortener_test_%d" % os.getpid()
        for old, new in (("shortener_connlimit", table), ("{ 80, 443 }", str(port)),
                         ("over 64", "over %d" % self.CAP)):
            self.assertIn(old, rules)
            rules = rules.replace(old, new)
        done = subprocess.run(["nft", "-f", "-"], input=rules, text=True, capture_output=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        return table

    def p99(self, client, slug, url):
        times = []
        for _ in range(self.SAMPLES):
            t0 = time.time()
            r = client.req("GET", "/r/" + slug)
            times.append(time.time() - t0)
            self.assertEqual((r.status, r.headers.get("location")), (302, url))
        times.sort()
        return times[int(len(times) * 0.99) - 1]
