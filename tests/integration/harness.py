"""The real stack for the integration tests: private MariaDB, memcached, lighttpd + a supervised
pool of FastCGI workers (`shortener --workers N`, as in production).

Everything runs on loopback, in one temp dir under /tmp, driven through scripts/stack.sh:

    stack = get_stack()              # MariaDB + memcached, once per test run, shared by every test
    base = stack.start_instance()    # lighttpd + workers on a free port -> "http://127.0.0.1:PORT"
    client = Client(base)
    status, headers, body, js = client.req("GET", "/healthz")

The stack is torn down at exit (atexit) or by run.py (try/finally); the temp dir is kept, with
the tail of every log printed, only when a test failed.
"""

import atexit
import calendar
import glob
import http.client
import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from memcached_text import ask as memcached_ask  # noqa: E402
from processes import alive as pid_alive, children, cmdline as _cmdline, free_port, pool_pids, read_pids, read_pids as _read_pids, wait_for  # noqa: E402,F401
STACK_SH = os.path.join(REPO, "scripts", "stack.sh")

HTTP_TIMEOUT = 10.0  # seconds, every request
SCRIPT_TIMEOUT = 180.0  # seconds, one stack.sh call (MariaDB's first init is the slow one)

SUITE_RATE_LIMITS = {"SHORTENER_RATE_LIMIT_CREATE": "1000000/60",
                     "SHORTENER_RATE_LIMIT_SIGNUP": "1000000/3600",
                     "SHORTENER_RATE_LIMIT_LOGIN_FAIL": "1000000/900",
                     "SHORTENER_RATE_LIMIT_LOGIN": "1000000/60",
                     "SHORTENER_RATE_LIMIT_NOT_FOUND": "1000000/60"}

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
BASE62_SLUG = re.compile(r"^[0-9A-Za-z]{6,}$")


def log(msg):
    print("[harness] " + msg, file=sys.stderr, flush=True)


def day_values_sql(values):
    """A breakdown_values literal (sql/017, src/domain/day_values.h) for SQL text, from
    (breakdown number, value, clicks) tuples."""
    text = "\n".join("%d\t%s\t%d" % v for v in sorted(values))
    return "X'%s'" % text.encode("ascii").hex()


def rand_token(n=8, alphabet=string.ascii_lowercase + string.digits):
    return "".join(random.choice(alphabet) for _ in range(n))


def change_link(test, client, change, slug, old_url):
    """PATCHes (a new URL) or DELETEs (`change`) the link `slug` through `client`, asserting the
    answer; returns what a redirect of it must answer now: (status, Location)."""
    if change == "PATCH":
        new_url = old_url + "/new"
        r = client.req("PATCH", "/api/v1/url-shorteners/" + slug, json_body={"original_url": new_url})
        test.assertEqual(r.status, 200, r.body)
        return (302, new_url)
    r = client.req("DELETE", "/api/v1/url-shorteners/" + slug)
    test.assertEqual(r.status, 204, r.body)
    return (404, None)


def parse_iso(text):
    """Unix seconds of an ISO 8601 UTC time 'YYYY-MM-DDTHH:MM:SSZ'."""
    return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


# ---------------------------------------------------------------------------------------------
# HTTP

Resp = namedtuple("Resp", "status headers body json")


def _parse_json(body):
    try:
        return json.loads(body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None


def parse_raw_response(data):
    """Resp of the raw bytes of one HTTP/1.1 answer (as Client.raw returns them); the body is
    what followed the header block, de-chunked if it came chunked."""
    head, sep, body = data.partition(b"\r\n\r\n")
    assert sep, "no header block in %r" % data[:300]
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        k = k.strip().lower()
        headers[k] = headers[k] + ", " + v.strip() if k in headers else v.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        out, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0], 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2:]
        body = out
    return Resp(int(lines[0].split()[1]), headers, body, _parse_json(body))


DEFAULT_AUTH = "default"


class Client:
    """HTTP/1.1 client for one instance. Never follows redirects.

    auth: headers sent with every request that names no credential of its own. DEFAULT_AUTH (the
    default) is the harness user's API key (Stack.default_auth), so tests of other concerns
    reach the authenticated endpoints; None sends no credential.
    """

    def __init__(self, base, auth=DEFAULT_AUTH):
        m = re.match(r"^http://([^:/]+):(\d+)$", base)
        assert m, base
        self.base = base
        self.host = m.group(1)
        self.port = int(m.group(2))
        self.auth = auth

    def auth_headers(self):
        if self.auth == DEFAULT_AUTH:
            return get_stack().default_auth()
        return dict(self.auth or {})

    def req(self, method, path, body=None, headers=None, json_body=None, raw=False):
        """Sends one request on a fresh connection.

        json_body: serialised and sent with Content-Type: application/json (unless headers set one).
        body: str or bytes sent as is; no Content-Type is added.
        raw: send exactly `headers` (no Content-Type added even with json_body).
        Returns Resp(status, headers dict with lowercased names, body bytes, parsed JSON or None).
        """
        hdrs = dict(headers or {})
        if not any(k.lower() in ("authorization", "x-api-key") for k in hdrs):
            hdrs.update(self.auth_headers())
        if json_body is not None:
            body = json.dumps(json_body)
            if not raw and not any(k.lower() == "content-type" for k in hdrs):
                hdrs["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = http.client.HTTPConnection(self.host, self.port, timeout=HTTP_TIMEOUT)
        try:
            try:
                conn.request(method, path, body=body, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                pass  # answered (e.g. 413) and closed before taking the whole body: read the answer
            r = conn.getresponse()
            data = r.read()
            out = {}
            for k, v in r.getheaders():
                k = k.lower()
                out[k] = out[k] + ", " + v if k in out else v
            return Resp(r.status, out, data, _parse_json(data))
        finally:
            conn.close()

    def raw(self, data, read_timeout=HTTP_TIMEOUT):
        """Sends raw bytes, reads until the server closes (or the timeout); returns the bytes."""
        with socket.create_connection((self.host, self.port), timeout=read_timeout) as s:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server answered (e.g. 413) and closed before taking it all
            chunks = []
            deadline = time.time() + read_timeout
            while time.time() < deadline:
                try:
                    c = s.recv(65536)
                except socket.timeout:
                    break
                except ConnectionResetError:
                    break
                if not c:
                    break
                chunks.append(c)
            return b"".join(chunks)

    def head_raw(self, path, extra=""):
        """A HEAD sent by hand, with the client's credential: (status, headers, bytes after the
        header block)."""
        creds = "".join("%s: %s\r\n" % kv for kv in self.auth_headers().items())
        req = ("HEAD %s HTTP/1.1\r\nHost: %s:%d\r\n%s%sConnection: close\r\n\r\n"
               % (path, self.host, self.port, creds, extra)).encode()
        data = self.raw(req, read_timeout=5)
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, "no header block in %r" % data[:200]
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdrs = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        return status, hdrs, rest


# ---------------------------------------------------------------------------------------------
# The stack


class StackError(RuntimeError):
    pass


def _clean_env():
    """Our environment without any SHORTENER_* (the worker refuses unknown ones)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHORTENER_")}
    env.setdefault("STACK_WORKER_BIN", os.path.join(REPO, "build", "shortener"))
    env.setdefault("STACK_ADMIN_BIN", os.path.join(REPO, "build", "shortener-admin"))
    return env


class Stack:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="shortener-it-", dir="/tmp")
        self.failed = False
        self.db_up = False
        self.memcached_port = None
        self.instances = {}  # port -> base URL
        self.public_bases = {}  # base URL -> its public_base_url
        self.env = {}
        self._torn_down = False
        self._lock = threading.Lock()
        self._default = None
        self._auth = None
        self._auth_lock = threading.Lock()  # apart from _lock: starting an instance makes requests
        self.default_user = None
        self._fronts = {}  # front -> base URL
        log("stack dir " + self.dir)

    # -- stack.sh ------------------------------------------------------------------------------

    def sh(self, *args, env=None, timeout=SCRIPT_TIMEOUT, check=True):
        """Runs scripts/stack.sh ARGS with a bounded wait; returns the CompletedProcess."""
        if not os.path.exists(STACK_SH):
            raise StackError("scripts/stack.sh does not exist")
        full_env = _clean_env()
        full_env.update(env or {})
        cmd = [STACK_SH] + [str(a) for a in args]
        try:
            p = subprocess.run(cmd, env=full_env, cwd=REPO, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise StackError("%s timed out after %ss: %s" % (
                " ".join(cmd), timeout, (e.output or b"")[-2000:].decode("utf-8", "replace")))
        out = p.stdout.decode("utf-8", "replace")
        with open(os.path.join(self.dir, "harness-stack-sh.log"), "a") as f:
            f.write("$ %s\n%s\n[rc=%d]\n" % (" ".join(cmd), out, p.returncode))
        if check and p.returncode != 0:
            raise StackError("%s failed (rc=%d):\n%s" % (" ".join(cmd), p.returncode, out[-3000:]))
        return p

    def load_env(self):
        env = {}
        path = os.path.join(self.dir, "stack.env")
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("export "):
                    line = line[len("export "):]
                k, _, v = line.partition("=")
                parts = shlex.split(v) if v else [""]
                env[k.strip()] = parts[0] if parts else ""
        self.env = env
        return env

    def admin(self, *args, input=None, check=True, timeout=SCRIPT_TIMEOUT, env=None):
        """Runs shortener-admin ARGS with the stack's settings (and `env`'s SHORTENER_* over
        them); returns the CompletedProcess (stdout and stderr as text)."""
        overrides = env or {}
        env = _clean_env()
        env.update(self.env)
        env.update(overrides)
        cmd = [env["STACK_ADMIN_BIN"]] + [str(a) for a in args]
        p = subprocess.run(cmd, env=env, cwd=REPO, input=(input or "").encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        p.stdout = p.stdout.decode("utf-8", "replace")
        p.stderr = p.stderr.decode("utf-8", "replace")
        if check and p.returncode != 0:
            raise StackError("%s failed (rc=%d): %s" % (" ".join(cmd), p.returncode, p.stderr))
        return p

    def make_user(self, prefix="u", admin=False, password="correct horse battery"):
        """A new user made by shortener-admin; returns (username, password)."""
        name = prefix + "_" + rand_token(8)
        args = ["user", "create", name, name + "@example.org"] + (["--admin"] if admin else [])
        self.admin(*args, input=password + "\n")
        return name, password

    def make_api_key(self, username, name="test"):
        """A new API key of `username`, made by shortener-admin."""
        key = self.admin("apikey", "create", username, "--name", name).stdout.strip()
        if not key:
            raise StackError("apikey create printed no key")
        return key

    def default_auth(self):
        """Headers authenticating as the harness's own (non-admin) user, made once."""
        with self._auth_lock:
            if self._auth is None:
                self.default_user, _ = self.make_user("harness")
                self._auth = {"X-API-Key": self.make_api_key(self.default_user, "harness")}
            return dict(self._auth)

    def default_user_id(self):
        """The id of the user default_auth authenticates as."""
        self.default_auth()
        return int(self.mysql_value("SELECT id FROM users WHERE username = '%s'" % self.default_user))

    def own_link_count(self):
        """How many links the default user owns (what its lists show)."""
        return int(self.mysql_value("SELECT COUNT(*) FROM links WHERE owner_id = %d AND slug IS NOT NULL"
                                    % self.default_user_id()))

    # -- MariaDB -------------------------------------------------------------------------------

    def start_db(self):
        self.sh("db-up", self.dir)
        self.db_up = True
        self.load_env()

    def restart_mysql(self):
        """db-restart: MariaDB stops and starts again on the same socket and data."""
        self.sh("db-restart", self.dir)
        self.db_up = True

    def stop_mysql(self):
        self.sh("db-down", self.dir)
        self.db_up = False

    def start_mysql(self):
        """Starts the (stopped) MariaDB again on the same data, socket and credentials."""
        self.sh("db-up", self.dir)
        self.db_up = True
        before = dict(self.env)
        if before and before != self.load_env():
            raise StackError("db-up on an existing dir changed stack.env")

    def mysql(self, sql, timeout=20, socket=None):
        """Runs SQL through the mariadb client on the private socket (or `socket`, e.g. one node
        of a cluster); returns rows of strings."""
        env = dict(os.environ)
        env["MYSQL_PWD"] = self.env.get("SHORTENER_MYSQL_PASSWORD", "")
        cmd = ["mariadb", "--no-defaults", "--protocol=socket",
               "--socket=" + (socket or self.env["SHORTENER_MYSQL_SOCKET"]),
               "--user=" + self.env["SHORTENER_MYSQL_USER"],
               "--database=" + self.env["SHORTENER_MYSQL_DATABASE"],
               "--batch", "--skip-column-names", "--raw", "--default-character-set=utf8mb4",
               "-e", sql]
        p = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
        if p.returncode != 0:
            raise StackError("mariadb failed: %s" % p.stderr.decode("utf-8", "replace"))
        text = p.stdout.decode("utf-8", "replace")
        return [tuple(line.split("\t")) for line in text.splitlines()]

    def mysql_value(self, sql):
        rows = self.mysql(sql)
        return rows[0][0] if rows else None

    def visit_values(self, where):
        """The breakdown values of the link_visits_daily rows matching `where` (SQL), as
        (day 'YYYY-MM-DD', breakdown number, value, clicks) tuples: each row's breakdown_values
        (sql/017, src/domain/day_values.h) read back as hex and split into its lines."""
        out = []
        for day, text in self.mysql("SELECT day, HEX(breakdown_values) FROM link_visits_daily "
                                    "WHERE " + where):
            for line in bytes.fromhex(text).decode("ascii").split("\n") if text else []:
                breakdown, value, clicks = line.split("\t")
                out.append((day, int(breakdown), value, int(clicks)))
        return out

    def insert_link(self, url, days=30):
        """A link written straight into MariaDB (a custom slug, `days` to live), so no worker
        has put it in memcached (creation through the API publishes the cache entry); its slug."""
        slug = "raw" + rand_token(10)
        self.mysql("SET time_zone = '+00:00'; INSERT INTO links (slug, url, created_at, updated_at, "
                   "expires_at, metadata) VALUES ('%s', '%s', UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
                   "UTC_TIMESTAMP() + INTERVAL %d DAY, '{}')" % (slug, url.replace("'", "''"), days))
        return slug

    def link_count(self):
        return int(self.mysql_value("SELECT COUNT(*) FROM links"))

    # -- memcached -----------------------------------------------------------------------------

    def start_memcached(self):
        """Starts memcached, on the same port as before if it ran already."""
        if self.memcached_port is None:
            self.memcached_port = free_port()
        self.sh("memcached-up", self.dir, self.memcached_port)
        self._wait_tcp(self.memcached_port, 10)
        self.load_env()

    def stop_memcached(self):
        self.sh("memcached-down", self.dir)

    def forget_cached(self, slugs):
        """Deletes the redirect cache entries of `slugs` from memcached. For tests that rewrite a
        link's row straight in MariaDB, behind the service's back: since a creation fills the
        cache, the entry would otherwise still say what the row said before."""
        host, port = self.env["SHORTENER_MEMCACHED_SERVERS"].rsplit(":", 1)
        prefix = self.env["SHORTENER_MYSQL_DATABASE"] + ":r2:"
        with socket.create_connection((host, int(port)), timeout=5) as s:
            for slug in slugs:
                s.sendall(b"delete %s\r\n" % (prefix + slug).encode())
                reply = s.recv(100)
                assert reply in (b"DELETED\r\n", b"NOT_FOUND\r\n"), reply

    def memcached_get(self, key, port=None):
        """The value memcached holds under `key` (the workers' prefix "<database>:" added), as
        text, or None; asks the stack's memcached, or the one on 127.0.0.1:`port`."""
        host, default_port = self.env["SHORTENER_MEMCACHED_SERVERS"].split(",")[0].rsplit(":", 1)
        full = "%s:%s" % (self.env["SHORTENER_MYSQL_DATABASE"], key)
        data = memcached_ask("%s:%s" % (host, port or default_port), b"get %s\r\n" % full.encode(),
                             timeout=5)
        lines = data.split(b"\r\n")
        return lines[1].decode() if lines[0].startswith(b"VALUE") else None

    def _wait_tcp(self, port, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise StackError("nothing listens on 127.0.0.1:%d after %ss" % (port, seconds))

    # -- web instances -------------------------------------------------------------------------

    def start_instance(self, port=None, workers=2, env=None, front=None, pool=None):
        """A web server + `workers` FastCGI workers on 127.0.0.1:port; returns the base URL.

        env: extra SHORTENER_* settings for the workers (real config keys only).
        front: None (lighttpd) or "lighttpd", "apache", "nginx": the shipped conf/FRONT.conf with
        its paths rewritten; pool: None (one `shortener --workers N --listen ...`, the default) or
        "spawn-fcgi" (N workers forked by spawn-fcgi). See scripts/stack/web.sh.
        """
        for k in env or {}:
            assert k.startswith("SHORTENER_"), k
        # The suite creates thousands of links and hundreds of users from one address: the
        # documented limits would throttle it. Tests of the limits pass their own.
        script_env = dict(SUITE_RATE_LIMITS)
        script_env.update(env or {})
        if front:
            script_env["STACK_FRONT"] = front
        if pool:
            script_env["STACK_POOL"] = pool
        port = port or free_port()
        base = "http://127.0.0.1:%d" % port
        public = (env or {}).get("SHORTENER_PUBLIC_BASE_URL", "http://localhost:%d" % port)
        self.instances[port] = base
        self.public_bases[base] = public
        self.sh("web-up", self.dir, port, workers, env=script_env)
        self._wait_http(base, 20)
        return base

    def front_instance(self, front):
        """The shared instance behind the shipped config of `front` ("lighttpd", "apache",
        "nginx"), 2 workers under the supervisor; started on first use."""
        with self._lock:
            if front not in self._fronts:
                self._fronts[front] = self.start_instance(workers=2, front=front, pool="supervisor")
            return self._fronts[front]

    def web_dir(self, base):
        """The stack.sh directory of the instance at `base` (its logs, pids and socket)."""
        return os.path.join(self.dir, "web-%d" % Client(base).port)

    def worker_pids(self, base):
        """The live worker processes of the instance at `base` (a supervisor's children)."""
        return pool_pids(self.web_dir(base))

    def supervisor_pid(self, base):
        """The supervisor of the instance at `base` (what its workers.pid records)."""
        return _read_pids(os.path.join(self.web_dir(base), "workers.pid"))[0]

    def public_base(self, base):
        """The public_base_url the instance at `base` writes into short_url."""
        return self.public_bases[base]

    def _wait_http(self, base, seconds):
        c = Client(base, auth=None)
        deadline = time.time() + seconds
        last = None
        while time.time() < deadline:
            try:
                r = c.req("GET", "/healthz")
                if r.status < 500:
                    return
                last = "status %d" % r.status
            except OSError as e:
                last = repr(e)
            time.sleep(0.1)
        raise StackError("%s/healthz not answering after %ss (%s)" % (base, seconds, last))

    def stop_instance(self, port):
        self.sh("web-down", self.dir, port)
        self.instances.pop(port, None)

    def default_instance(self):
        """The shared instance most tests talk to (started on first use)."""
        with self._lock:
            if self._default is None:
                self._default = self.start_instance(workers=2)
            return self._default

    # -- teardown ------------------------------------------------------------------------------

    def _our_pids(self):
        """(pid file, pid) of every process this stack started that is still alive."""
        out = []
        for path in glob.glob(os.path.join(self.dir, "**", "*.pid"), recursive=True):
            for pid in _read_pids(path):
                if pid > 1 and pid != os.getpid() and pid_alive(pid):
                    out.append((path, pid))
        return out

    def _is_ours(self, pid):
        """True if pid is a process of this stack: our dir in its command line or environment
        (mariadbd, lighttpd, the workers), or memcached on our port. A recycled pid is left alone."""
        cmd = _cmdline(pid)
        if self.dir in cmd:
            return True
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                if self.dir.encode() in f.read():
                    return True
        except OSError:
            pass
        return (self.memcached_port is not None and "memcached" in cmd
                and (" -p %d " % self.memcached_port) in cmd + " ")

    def _kill_leftovers(self):
        """Processes named by our pid files that `stack.sh down` left running."""
        victims = []
        for path, pid in self._our_pids():
            if self._is_ours(pid):
                victims.append(pid)
                log("left running: pid %d (%s) from %s" % (pid, _cmdline(pid).strip()[:120], path))
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            for pid in victims:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.time() + wait
            while time.time() < deadline and any(pid_alive(p) for p in victims):
                time.sleep(0.1)
            victims = [p for p in victims if pid_alive(p)]
            if not victims:
                break

    def log_tails(self, lines=40):
        """The last lines of every log of the stack: stack.sh, MariaDB, memcached, lighttpd, workers."""
        out = []
        paths = sorted(glob.glob(os.path.join(self.dir, "*.log")))
        paths += sorted(glob.glob(os.path.join(self.dir, "web-*", "*.log")))
        for path in paths:
            if path.endswith("mysql-install.log") and self.db_up:
                continue  # the data dir was made fine; its installer's chatter helps nobody
            try:
                with open(path, "rb") as f:
                    data = f.read().decode("utf-8", "replace").splitlines()
            except OSError:
                continue
            if not data:
                continue
            out.append("---- %s (last %d lines) ----" % (path, lines))
            out.extend(data[-lines:])
        return "\n".join(out)

    SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:")

    def sanitizer_reports(self):
        """Lines of the workers' logs where a sanitizer spoke (read after the workers stopped,
        so leak reports written at exit are included)."""
        hits = []
        for path in sorted(glob.glob(os.path.join(self.dir, "web-*", "workers.log"))):
            with open(path, "rb") as f:
                for line in f.read().decode("utf-8", "replace").splitlines():
                    if self.SANITIZER.search(line):
                        hits.append("%s: %s" % (path, line))
        return hits

    def teardown(self, keep=None):
        """Stops everything this stack started; keeps the dir if a test failed or a worker's log
        holds a sanitizer report. Returns those report lines."""
        if self._torn_down:
            return []
        self._torn_down = True
        keep = self.failed if keep is None else keep
        hits = []
        try:
            if os.path.exists(STACK_SH):
                try:
                    self.sh("down", self.dir, timeout=90, check=False)
                except Exception as e:  # noqa: BLE001 - keep tearing down
                    log("stack.sh down: %s" % e)
            for port in list(self.instances):
                self.instances.pop(port, None)
        finally:
            self._kill_leftovers()
            hits = self.sanitizer_reports()
            if hits:
                keep = True
                log("sanitizer reports in the workers' logs:\n  " + "\n  ".join(hits[:40]))
            if keep:
                print(self.log_tails(), file=sys.stderr)
                log("a test failed: kept %s" % self.dir)
            else:
                shutil.rmtree(self.dir, ignore_errors=True)
        return hits


_STACK = None
_STACK_ERROR = None


def get_stack():
    """The one stack of this test run: MariaDB + memcached up, made on first call."""
    global _STACK, _STACK_ERROR
    if _STACK_ERROR is not None:
        raise StackError("the stack failed to start earlier: %s" % _STACK_ERROR)
    if _STACK is None:
        stack = Stack()
        _STACK = stack
        atexit.register(teardown_stack)
        try:
            t0 = time.time()
            stack.start_db()
            stack.start_memcached()
            log("MariaDB + memcached up in %.1fs" % (time.time() - t0))
        except BaseException as e:
            _STACK_ERROR = str(e)
            stack.failed = True
            raise
    return _STACK


def teardown_stack(keep=None):
    """Tears the stack down (if one was made); returns None without a stack, else the sanitizer
    report lines found in the workers' logs (empty list: none)."""
    if _STACK is None:
        return None
    return _STACK.teardown(keep=keep)


def req(method, path, body=None, headers=None, json_body=None, raw=False, base=None):
    """One request to `base` (default: the shared default instance); see Client.req."""
    return Client(base or get_stack().default_instance()).req(
        method, path, body=body, headers=headers, json_body=json_body, raw=raw)


def mysql(sql):
    """Rows (tuples of strings) of `sql` run on the shared stack's database."""
    return get_stack().mysql(sql)


# ---------------------------------------------------------------------------------------------
# Test base class and assertions


class IntegrationTest(unittest.TestCase):
    """Base of every integration test: the shared stack, a client on the default instance (or,
    with FRONT set, on the shared instance behind that web server's shipped config)."""

    maxDiff = 4000
    FRONT = None

    @classmethod
    def setUpClass(cls):
        cls.stack = get_stack()
        cls.base = cls.stack.front_instance(cls.FRONT) if cls.FRONT else cls.stack.default_instance()
        cls.client = Client(cls.base)
        cls.public = cls.stack.public_base(cls.base)

    def run(self, result=None):
        # Whatever runner runs us, a failure marks the stack so its dir and logs are kept.
        before = (len(result.failures), len(result.errors)) if result is not None else None
        out = super().run(result)
        if result is not None and (len(result.failures), len(result.errors)) != before:
            if _STACK is not None:
                _STACK.failed = True
        return out

    # -- requests ------------------------------------------------------------------------------

    def req(self, method, path, client=None, **kw):
        r = (client or self.client).req(method, path, **kw)
        self.assertLess(r.status, 500, self.describe(method, path, r))
        return r

    @staticmethod
    def describe(method, path, r):
        return "%s %s -> %d %r %r" % (method, path, r.status, r.headers, r.body[:600])

    def shorten(self, url, client=None, expect=201, **fields):
        body = {"url": url}
        body.update(fields)
        r = self.req("POST", "/url/shorten", client=client, json_body=body)
        self.assertEqual(r.status, expect, self.describe("POST", "/url/shorten " + json.dumps(body)[:300], r))
        return r

    def v1_create(self, url, client=None, expect=201, **fields):
        body = {"original_url": url}
        body.update(fields)
        r = self.req("POST", "/api/v1/url-shortener", client=client, json_body=body)
        self.assertEqual(r.status, expect,
                         self.describe("POST", "/api/v1/url-shortener " + json.dumps(body)[:300], r))
        return r

    # -- assertions ----------------------------------------------------------------------------

    def assert_json(self, r, ctx=""):
        ct = r.headers.get("content-type", "")
        self.assertTrue(ct.lower().startswith("application/json"),
                        "%s: Content-Type %r; %r" % (ctx, ct, r.body[:300]))
        self.assertEqual(r.headers.get("x-content-type-options"), "nosniff",
                         "%s: X-Content-Type-Options missing; headers %r" % (ctx, r.headers))
        self.assertIsNotNone(r.json, "%s: body is not JSON: %r" % (ctx, r.body[:300]))

    def assert_error(self, r, status, code, field=None, ctx="", fields=None):
        """An error answer: status, JSON error shape, code and (if given) the field named."""
        desc = "%s: %d %r %r" % (ctx, r.status, r.headers, r.body[:600])
        self.assertEqual(r.status, status, desc)
        self.assert_json(r, desc)
        js = r.json
        self.assertIsInstance(js, dict, desc)
        self.assertIs(js.get("ok"), False, desc)
        self.assertEqual(js.get("error"), code, desc)
        self.assertIsInstance(js.get("message"), str, desc)
        self.assertTrue(js["message"], desc)
        if field is not None:
            self.assertEqual(js.get("field"), field, desc)
        if fields is not None:
            self.assertIn(js.get("field"), fields, desc)
        for leak in ("SQL", "sql::", "Exception", "/tmp/", "mysql.sock", "stack trace"):
            self.assertNotIn(leak, js["message"], desc)

    def assert_link_404(self, r, headers=None, ctx=""):
        """The 404 of a short link that is not there, as API.md answers whoever asked: the JSON
        error body, or the small HTML page when `headers` send an Accept naming text/html."""
        accept = (headers or {}).get("Accept", "").lower()
        if "text/html" not in accept:
            self.assert_error(r, 404, "not_found", ctx=ctx)
            self.assertEqual(r.json["message"], "URL Shortener not found.", ctx)
            return
        desc = "%s: %d %r %r" % (ctx, r.status, r.headers, r.body[:600])
        self.assertEqual(r.status, 404, desc)
        self.assertTrue(r.headers.get("content-type", "").startswith("text/html"), desc)
        self.assertIn(b"Link not found", r.body, desc)
        self.assertIn(b'href="/"', r.body, desc)
        self.assertIn("frame-ancestors 'none'", r.headers.get("content-security-policy", ""), desc)

    def assert_iso_near(self, text, expected_ts, slack=5, ctx=""):
        self.assertRegex(text, ISO_Z, ctx)
        self.assertLessEqual(abs(parse_iso(text) - expected_ts), slack,
                             "%s: %s is not within %ss of %s" % (ctx, text, slack, iso(expected_ts)))


class TwoInstancesTest(IntegrationTest):
    """The default instance (a) and a second one (b, 2 workers) on the same database and cache."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a = cls.client
        cls.b_base = cls.stack.start_instance(workers=2)
        cls.b = Client(cls.b_base)
        cls.b_public = cls.stack.public_base(cls.b_base)

    @classmethod
    def tearDownClass(cls):
        cls.stack.stop_instance(cls.b.port)
        super().tearDownClass()
