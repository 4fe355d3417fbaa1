#!/usr/bin/env python3
"""make bench: the redirect path measured beside the ceilings of the machine, in one run.

    python3 tests/bench/bench.py --build-dir build-bench [--workers 8] [--duration 10]
    python3 tests/bench/bench.py --build-dir build --smoke     # the machinery only, a few seconds
    python3 tests/bench/bench.py --only core                   # the FastCGI ceiling, our hot,
                                                               # miss, unknown-slug and creation rows
    python3 tests/bench/bench.py --only login-flood            # the FastCGI ceiling, our hot row,
                                                               # and the hot row under a login flood
    python3 tests/bench/bench.py --only stats                  # the ceiling, hot with statistics on
                                                               # and off, spam, the stats endpoint
    python3 tests/bench/bench.py --only import                 # the YOURLS import of the fixture
    python3 tests/bench/bench.py --only core --cluster         # core, and hot, miss and creation
                                                               # on a 3-node Galera cluster too
    python3 tests/bench/bench.py --only scale                  # hot, spread misses and list pages
                                                               # with 300,000 links, then 10,000,000
    python3 tests/bench/bench.py --only hot                    # the FastCGI ceiling, our hot row
                                                               # by default and with local_cache_ttl

Starts a private stack (scripts/stack.sh: MariaDB, memcached, lighttpd + `shortener --workers N`,
the supervised pool production runs; the bare FastCGI 302 under spawn-fcgi) in a temp dir, on free loopback ports; seeds links straight into MariaDB (INSERT ... SELECT of custom-slug
rows from MariaDB's sequence tables, the fastest way to millions of rows); then runs wrk (tests/bench/shortener.lua) against each
row below, one after another, each for --duration seconds:

  the server ceiling       lighttpd answering a 302 itself (mod_redirect)
  the FastCGI ceiling      lighttpd + tests/bench/fcgi_302 (a bare libfcgi 302), the same config and
                           pool size as ours: the reference of every ratio
  our redirect, hot        GET /r/{slug}, a random one of the hot slugs, all cached
  ... clicks off           the same with click counting off (when the worker knows the key)
  ... statistics off       the same with clicks counted but visits not classified
                           (visit_statistics = false): what the statistics cost
  ... referrer spam        hot, with a new referrer host and User-Agent in every request (up to
                           1,000,000 distinct ones): the workers' memory stays bounded
  the stats endpoint       GET .../stats of a link with 366 days of statistics, one client
  ... 1,000 slugs          hot over the 1,000 hottest slugs, by default and with the in-worker
                           cache (local_cache_ttl = 60, its pool warmed 5 s); each hot row notes
                           the memcached gets a request (--only hot: also with statistics off)
  our redirect, miss       GET /r/{slug}, every slug requested once: memcached miss, MySQL read
  unknown slugs            GET /r/{slug} of slugs that name no link: 10,000 asked again and
                           again (remembered absences), and a new one every request
  creation                 POST /api/v1/url-shortener (with an API key when the admin CLI makes one)
  mix                      95% hot redirects, 5% creations
  hot under a login flood  the hot row again while LOGIN_FLOOD_CLIENTS clients send logins of
                           random users without pause (each one Argon2 work; issue 10 point 6)
  ceiling variants         pool sizes, TCP instead of a unix socket, nginx with and without
                           fastcgi_keep_conn + upstream keepalive
  --cluster (CLUSTER=1)    after our creation row: a three-node Galera cluster on loopback
                           (scripts/stack.sh cluster-up, its own memcached) and our hot, miss
                           and creation rows on it, the miss row again with causal reads off,
                           what Galera did meanwhile (write-sets, certification failures, flow
                           control); the cluster stopped, then the single server's creation row
                           again: the ratio cluster / single is against the mean of the two
  YOURLS import            `shortener-admin import yourls` of tests/fixtures/yourls.sql (10,000
                           links, 100,000 log rows) from a database beside ours: links/s and log
                           rows/s (a note, not a wrk row)

Prints one table (and writes it as Markdown to bench/results/latest.md) with requests/s, p50 and
p99 latency, errors (non-2xx/3xx answers and socket errors; a 404 of an unknown-slug row is the
expected answer, not an error), the ratio to the FastCGI ceiling, the MySQL statements per request
(server-wide status counters before and after: every statement and ping the row caused),
and each of our workers' resident memory before and after the row; then the targets, met or not.
Every process it starts is stopped by pid at the end, also after a failure or Ctrl-C.
"""

import argparse
import http.client
import json
import math
import os
import platform
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from memcached_text import ask as memcached_ask  # noqa: E402
from processes import pick_port, pool_pids, read_pids, stop_pids as _stop_pids  # noqa: E402
STACK_SH = os.path.join(REPO, "scripts", "stack.sh")
LUA = os.path.join(HERE, "shortener.lua")
RESULTS = os.path.join(REPO, "bench", "results", "latest.md")

# Seeded slug numbers: hot ones, ones for warming the miss path, the rest for the miss row.
HOT_SLUGS = 20000
WARM_FIRST, WARM_COUNT = 20001, 20000
MISS_FIRST = 40001
SEED_BATCH = 200000  # rows per INSERT ... SELECT statement
UNKNOWN_SLUGS = 10000  # the repeated unknown-slug flood's distinct slugs
# --only scale: the list rows' page size and the deep page (the bench user owns --links links);
# the big table's hot and miss ratios and the deep page's time may differ this much.
LIST_LIMIT, LIST_PAGES, SCALE_TOLERANCE = 100, 1000, 0.20
SETTLE_SECONDS = 300  # longest wait for InnoDB to write the big seed's pages
LOGIN_FLOOD_CLIENTS = 4  # small: the flooding clients share the machine with everything else
# The hot row with the in-worker cache: its TTL, the seconds of hot requests that warm it (each
# worker meets a slug only when the web server hands it that request), and its hot set.
LOCAL_CACHE_TTL, LOCAL_CACHE_WARM_SECONDS, LOCAL_HOT_SLUGS = 60, 5, 1000

STACK_TIMEOUT = 240  # seconds, one stack.sh call (MariaDB's first init is the slow one)
STOP_TIMEOUT = 10  # seconds between SIGTERM and SIGKILL for what this script starts itself

# Targets of the issue, as ratios to the FastCGI ceiling of the same run.
HOT_RATIO, HOT_P99_MS, MISS_RATIO, CREATE_PER_S, CLICK_COST, RSS_DRIFT_KIB = (
    0.80, 10.0, 0.50, 2000.0, 0.05, 1024)
# Issue 13: classification costs at most this share of hot throughput, p99 at most this factor;
# the stats endpoint for 366 days answers within this (p50 of one client).
STATS_COST, STATS_P99_FACTOR, STATS_ENDPOINT_MS = 0.10, 1.5, 20.0
STATS_SLUG = "benchstats"  # the link seeded with 366 days of statistics
YOURLS_FIXTURE = os.path.join(REPO, "tests", "fixtures", "yourls.sql")
YOURLS_DB = "yourls_bench"  # where the import row loads the fixture, beside the bench's database
# --cluster (make bench CLUSTER=1): the same rows on a three-node Galera cluster of this machine.
CLUSTER_NODES = 3
CLUSTER_UP_TIMEOUT = 400  # seconds for cluster.sh up: node 1's first init and two SSTs
CLUSTER_CREATE_RATIO = 0.50  # creation on the cluster, at least this share of the single server's
WSREP_COUNTERS = ("wsrep_replicated", "wsrep_causal_reads", "wsrep_local_cert_failures",
                  "wsrep_local_bf_aborts",
                  "wsrep_flow_control_paused_ns", "wsrep_flow_control_sent",
                  "wsrep_flow_control_recv")


def log(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def slug(n):
    return "bench%07d" % n


def coprime_stride(count, stride=7919):
    """A stride that visits each of `count` numbers once (i * stride mod count): no shared
    divisor with count."""
    while math.gcd(stride, count) != 1:
        stride += 2
    return stride


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids):
    """User + system CPU time the live processes among pids have used so far."""
    ticks = 0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return ticks / CLK_TCK


def children_cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# The CPU column groups: the web server, the FastCGI processes, memcached, MariaDB, wrk.
CPU_PARTS = ("web", "app", "mc", "db", "wrk")


def wait_http(port, path="/r/" + slug(1), timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", path)
            status = c.getresponse().status
            c.close()
            return status
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("no HTTP answer on 127.0.0.1:%d within %ds" % (port, timeout))


class Row:
    def __init__(self, name, result, note="", rss=None, cpu=None, mysql=None):
        self.name, self.result, self.note = name, result, note
        self.rss = rss  # [(before KiB, after KiB)] per worker of ours
        self.cpu = cpu  # CPU_PARTS -> CPU seconds used during the row
        self.mysql = mysql  # MySQL statements and pings sent during the row (None: no database)
        self.db_each = None  # a cluster's: CPU seconds of each node during the row

    def errors(self):
        r = self.result
        return r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]

    def cpu_per_request(self):
        """CPU seconds of every part per request: what bounds a CPU-bound machine."""
        return sum(self.cpu.values()) / max(1, self.result["requests"])

    def rate(self):
        return self.result["requests"] / (self.result["duration_us"] / 1e6)


class Bench:
    def __init__(self, args):
        self.args = args
        self.build = os.path.abspath(args.build_dir)
        self.dir = tempfile.mkdtemp(prefix="sb-", dir="/tmp")  # short: unix socket paths
        # Every stack this run starts (the single server's; --cluster's): stopped and removed
        # at the end. self.dir is the one the rows run against.
        self.stack_dirs = [self.dir]
        self.ports = set()
        self.own = []  # (pids, name) started by this script outside stack.sh, to stop at the end
        self.rows = []
        self.notes = []
        self.api_key = ""
        self.clicks_supported = False
        self.cluster_target = None  # (what, got, met) once --cluster's rows ran
        self.last_db = None  # the database counters' change over the last row measured
        self.env = dict(os.environ)
        for k in list(self.env):
            if k.startswith("SHORTENER_"):
                del self.env[k]  # the stack's config is stack.env's; a stray one would win
        self.env.update(STACK_WORKER_BIN=os.path.join(self.build, "shortener"),
                        STACK_ADMIN_BIN=os.path.join(self.build, "shortener-admin"),
                        STACK_ACCESS_LOG="0")

    # ---- processes ---------------------------------------------------------------------------

    def stack(self, *args, extra_env=None, timeout=STACK_TIMEOUT):
        env = dict(self.env, **(extra_env or {}))
        out = subprocess.run([STACK_SH, *args], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError("stack.sh %s failed:\n%s" % (" ".join(args), out.stdout))
        return out.stdout

    def stack_env(self, **extra):
        """stack.env's SHORTENER_* variables (what the workers and the admin tool get)."""
        env = dict(self.env)
        with open(os.path.join(self.dir, "stack.env")) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep and key.startswith("SHORTENER_"):
                    env[key] = value
        env.update(extra)
        return env

    def web_up(self, worker_bin, workers, extra_env=None):
        """A web instance; ours runs the supervisor, the bare fcgi_302 (no --workers) spawn-fcgi."""
        port = pick_port(self.ports)
        pool = "supervisor" if os.path.basename(worker_bin) == "shortener" else "spawn-fcgi"
        env = dict(extra_env or {}, STACK_WORKER_BIN=worker_bin, STACK_POOL=pool)
        self.stack("web-up", self.dir, str(port), str(workers), extra_env=env)
        return port

    def web_down(self, port):
        self.stack("web-down", self.dir, str(port))

    def start(self, argv):
        """Starts a server (argv[0] is its name); stop_own stops it."""
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
        self.own.append(([p.pid], argv[0]))
        return p

    def spawn_pool(self, d, binary, workers, tcp_port=None):
        """spawn-fcgi: WORKERS copies of BINARY on d/fcgi.sock (or TCP 127.0.0.1:tcp_port)."""
        pidfile = os.path.join(d, "workers.pid")
        where = (["-a", "127.0.0.1", "-p", str(tcp_port)] if tcp_port
                 else ["-s", os.path.join(d, "fcgi.sock"), "-M", "0600"])
        subprocess.run(["spawn-fcgi", *where, "-b", "1024", "-F", str(workers), "-P", pidfile,
                        "--", binary], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=30)
        pids = read_pids(pidfile)
        self.own.append((pids, os.path.basename(binary)[:15]))  # comm is 15 bytes at most
        return pids

    def stop_own(self):
        while self.own:
            pids, name = self.own.pop()
            _stop_pids(pids, name, STOP_TIMEOUT, log)

    # ---- wrk ---------------------------------------------------------------------------------

    def wrk(self, port, mode, seconds, clients=None, **lua_env):
        """One wrk run; its result line, plus "wrk_cpu": the CPU seconds wrk itself used.
        clients: one thread and this many connections instead of the arguments' load."""
        threads = 1 if clients else self.args.threads
        env = dict(self.env, BENCH_MODE=mode, BENCH_HOT_SLUGS=str(HOT_SLUGS),
                   BENCH_THREADS=str(threads), BENCH_API_KEY=self.api_key)
        env.update({k: str(v) for k, v in lua_env.items()})
        argv = ["wrk", "-t", str(threads), "-c", str(clients or self.args.connections),
                "-d", "%ds" % seconds, "--timeout", "2s", "-s", LUA,
                "http://127.0.0.1:%d" % port]
        cpu0 = children_cpu_seconds()
        out = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=seconds + 30)
        for line in out.stdout.splitlines():
            if line.startswith("BENCH_RESULT "):
                result = json.loads(line[len("BENCH_RESULT "):])
                result["wrk_cpu"] = children_cpu_seconds() - cpu0
                return result
        raise RuntimeError("wrk gave no result (exit %d):\n%s" % (out.returncode, out.stdout))

    def measure(self, name, port, mode, web, app, ours=False, note="", clients=None, **lua_env):
        """One row: wrk against port, with the CPU used by the web server (pids web), the
        FastCGI processes (pids app), memcached and MariaDB meanwhile; with ours, also the
        workers' memory before and after."""
        log("measuring: %s" % name)
        groups = {"web": web, "app": app, "mc": self.daemon_pids("memcached"),
                  "db": self.db_pids()}
        before = [rss_kib(p) for p in app] if ours else None
        db0 = self.db_counters() if groups["db"] else None
        self.last_db = None
        cpu0 = {k: cpu_seconds(v) for k, v in groups.items()}
        db_each0 = [cpu_seconds([p]) for p in groups["db"]]
        result = self.wrk(port, mode, self.args.duration, clients, **lua_env)
        cpu = {k: cpu_seconds(v) - cpu0[k] for k, v in groups.items()}
        # A cluster's: each node's share (the node the workers use first, then the others).
        db_each = [cpu_seconds([p]) - c for p, c in zip(groups["db"], db_each0)]
        mysql = None
        if db0:
            db1 = self.db_counters()
            self.last_db = dict({k: db1[k] - db0.get(k, 0) for k in db1}, nodes=db1["nodes"])
            # Questions counts every statement a client sent (prepared executions included) but
            # not pings (Com_admin_commands); minus the SHOW that read the counters.
            mysql = (db1["Questions"] - db0["Questions"] - db1["nodes"]
                     + db1["Com_admin_commands"] - db0["Com_admin_commands"])
        cpu["wrk"] = result["wrk_cpu"]
        rss = list(zip(before, [rss_kib(p) for p in app])) if ours else None
        if mode == "miss" and result["requests"] > lua_env["BENCH_MISS_COUNT"]:
            note = (note + " " if note else "") + "(ran out of unseen slugs: some were hits)"
        kinds = ["%s %d" % (k, result[k]) for k in ("status", "timeout", "connect", "read", "write")
                 if result[k]]
        if kinds:
            # Which kind tells a 5xx or a 429 (status) from a 2 s wait (timeout) or a refusal.
            note = (note + " " if note else "") + "(errors: %s)" % ", ".join(kinds)
        row = Row(name, result, note, rss, cpu, mysql)
        row.db_each = db_each if len(db_each) > 1 else None
        self.rows.append(row)
        return row

    def db_sockets(self):
        """The unix sockets of the stack's database: its MariaDB, or every node of its cluster."""
        env = self.stack_env()
        servers = env.get("SHORTENER_MYSQL_SERVERS", "")
        return servers.split(",") if servers else [env["SHORTENER_MYSQL_SOCKET"]]

    def db_pids(self):
        """The stack's mariadbd processes: its MariaDB, or the nodes of its cluster."""
        pids = self.daemon_pids("mysql")
        n = 1
        while os.path.isdir(os.path.join(self.dir, "galera-%d" % n)):
            pids += read_pids(os.path.join(self.dir, "galera-%d" % n, "mysql.pid"))
            n += 1
        return pids

    def db_counters(self):
        """MariaDB's global counters of statements, commits and rows read, written, updated, and
        on a cluster Galera's (write-sets replicated, certification failures, flow control),
        summed over the nodes; "nodes": how many were asked (each SHOW is a Question)."""
        total = {}
        sockets = self.db_sockets()
        for sock in sockets:
            out = self.mariadb(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_commit', 'Com_stmt_execute', "
                "'Handler_read_key', 'Handler_read_next', 'Handler_write', 'Handler_update', "
                "'Questions', 'Com_admin_commands', 'Innodb_data_fsyncs', %s)"
                % ", ".join("'%s'" % k for k in WSREP_COUNTERS), timeout=30, socket=sock)
            for line in out.splitlines():
                k, v = line.split("\t")
                total[k] = total.get(k, 0) + int(v)
        total["nodes"] = len(sockets)
        return total

    def measure_flushes(self, name, port, web, pids, **lua_env):
        """measure() of a hot row, noting what the workers' flushes asked of MariaDB meanwhile:
        transactions (one per flush: hot redirects write nothing else), per worker and second,
        and per transaction the statements, rows read (by key and next) and rows written."""
        before = self.db_counters()
        row = self.measure(name, port, "hot", web, pids, True, **lua_env)
        after = self.db_counters()
        d = {k: after[k] - before[k] for k in after}
        flushes = max(1, d["Com_commit"])
        row.note = ("%d flush transactions, %.2f per worker and second; each %.1f statements, "
                    "%.0f rows read, %.0f written or updated (%.2f a request)"
                    % (d["Com_commit"], d["Com_commit"] / len(pids) / self.args.duration,
                       d["Com_stmt_execute"] / flushes,
                       (d["Handler_read_key"] + d["Handler_read_next"]) / flushes,
                       (d["Handler_write"] + d["Handler_update"]) / flushes,
                       (d["Handler_write"] + d["Handler_update"])
                       / max(1, row.result["requests"])))
        return row

    def daemon_pids(self, name):
        return read_pids(os.path.join(self.dir, name + ".pid"))

    def web_pids(self, port):
        """A stack.sh web instance's (lighttpd pids, worker pids: a supervisor's children)."""
        w = os.path.join(self.dir, "web-%d" % port)
        return read_pids(os.path.join(w, "lighttpd.pid")), pool_pids(w)

    # ---- the stack ---------------------------------------------------------------------------

    def mariadb(self, sql, timeout=300, socket=None):
        """Runs SQL with the service's account on `socket` (default: the stack's database, or its
        cluster's first node); returns the client's output (tab-separated rows, no header)."""
        env = self.stack_env()
        out = subprocess.run(
            ["mariadb", "--no-defaults", "-N", "-B", "--socket=" + (socket or self.db_sockets()[0]),
             "--user=" + env["SHORTENER_MYSQL_USER"], env["SHORTENER_MYSQL_DATABASE"]],
            input=sql, text=True, stdout=subprocess.PIPE, check=True, timeout=timeout,
            env=dict(env, MYSQL_PWD=env["SHORTENER_MYSQL_PASSWORD"]))
        return out.stdout

    def seed(self, count, first=1, owner=None):
        """Custom-slug links bench0000001.. (numbers first..count) straight into MariaDB, 30 days
        to live, owned by the user with id `owner` (or nobody). Generated by the server from its
        sequence tables, SEED_BATCH rows a statement, so ten million take minutes, not hours."""
        t0 = time.time()
        sql = ["SET time_zone = '+00:00';"]
        for lo in range(first, count + 1, SEED_BATCH):
            hi = min(count, lo + SEED_BATCH - 1)
            # slug(n): at least 7 digits, as "%07d" (LPAD alone would cut 8-digit numbers).
            sql.append(
                "INSERT INTO links (slug, url, created_at, updated_at, expires_at, metadata, "
                "owner_id) SELECT CONCAT('bench', IF(seq < 10000000, LPAD(seq, 7, '0'), seq)), "
                "CONCAT('https://example.com/seeded/', seq), UTC_TIMESTAMP(), UTC_TIMESTAMP(), "
                "UTC_TIMESTAMP() + INTERVAL 30 DAY, '{}', %s FROM seq_%d_to_%d;"
                % ("NULL" if owner is None else int(owner), lo, hi))
        self.mariadb("\n".join(sql), timeout=3600)
        log("seeded links %d..%d in %.1fs" % (first, count, time.time() - t0))

    def seed_stats(self):
        """STATS_SLUG, owned by the bench user, with 366 days of statistics as the flushes write
        them: a day's clicks, human/bot split, a sparse sketch of 300 visitors, and a busy day's
        breakdowns (50 referrer hosts + other, 30 countries, 5 devices, 10 browsers, 8 OS)."""
        rng = random.Random(13)
        sql = ["SET time_zone = '+00:00';",
               "INSERT INTO links (slug, url, owner_id, created_at, updated_at, expires_at, "
               "metadata) SELECT '%s', 'https://example.com/stats', id, UTC_TIMESTAMP(), "
               "UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL 30 DAY, '{}' FROM users "
               "WHERE username = 'bench';" % STATS_SLUG,
               "SET @link = (SELECT id FROM links WHERE slug = '%s');" % STATS_SLUG]
        today = int(time.time()) // 86400
        sizes = {0: 51, 1: 30, 2: 5, 3: 10, 4: 8}
        for day in range(today - 365, today + 1):
            d = "'1970-01-01' + INTERVAL %d DAY" % day
            clicks = rng.randint(500, 5000)
            bots = clicks // 10
            sql.append("INSERT INTO link_clicks_daily VALUES (@link, %s, %d);" % (d, clicks))
            sketch = sparse_sketch(rng, 300).hex()
            values = []
            for b, n in sizes.items():
                left = clicks
                for i in range(n):
                    share = left if i == n - 1 else rng.randint(0, left // 2)
                    left -= share
                    name = "other" if (b == 0 and i == n - 1) else "v%d-%d.example" % (b, i)
                    if share:
                        values.append((b, name, share))
            # breakdown_values (src/domain/day_values.h): "b TAB value TAB clicks" lines, sorted.
            text = "\n".join("%d\t%s\t%d" % v for v in sorted(values))
            sql.append("INSERT INTO link_visits_daily (link_id, day, human_clicks, bot_clicks, "
                       "visitors, breakdown_values) VALUES (@link, %s, %d, %d, X'%s', X'%s');"
                       % (d, clicks - bots, bots, sketch, text.encode().hex()))
        self.mariadb("\n".join(sql))

    def root_sql(self, sql, database=None, socket=None):
        """SQL as MariaDB's administrator on the stack's socket (or `socket`: one node of a
        cluster); makes and grants databases, sets server variables."""
        cmd = ["mariadb", "--no-defaults", "--socket=" + (socket or self.db_sockets()[0]),
               "--user=" + ("root" if os.geteuid() == 0 else os.environ.get("USER", "root")),
               "--batch", "--skip-column-names", "--default-character-set=utf8mb4"]
        out = subprocess.run(cmd + (["--database=" + database] if database else []), input=sql,
                             text=True, stdout=subprocess.PIPE, check=True, timeout=300)
        return out.stdout

    def yourls_import(self):
        """Issue 15: `shortener-admin import yourls` of the fixture, timed, as a note."""
        self.root_sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; GRANT SELECT ON %s.* TO "
                      "'shortener'@'localhost';" % (YOURLS_DB, YOURLS_DB, YOURLS_DB))
        with open(YOURLS_FIXTURE) as f:
            self.root_sql(f.read(), database=YOURLS_DB)
        log_rows = int(self.root_sql("SELECT COUNT(*) FROM yourls_log;", database=YOURLS_DB))
        owner = "yourls-bench"
        made = self.admin("user", "create", owner, "yourls-bench@example.com",
                          stdin="bench-password-%d\n" % random.randint(0, 1 << 30))
        if made.returncode != 0:
            raise RuntimeError("shortener-admin user create failed: " + made.stderr)
        env = self.stack_env()
        t0 = time.time()
        out = subprocess.run(
            [self.env["STACK_ADMIN_BIN"], "import", "yourls", "--database", YOURLS_DB, "--socket",
             env["SHORTENER_MYSQL_SOCKET"], "--user", env["SHORTENER_MYSQL_USER"], "--owner",
             owner], env=dict(env, YOURLS_DB_PASSWORD=env["SHORTENER_MYSQL_PASSWORD"]),
            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
        took = time.time() - t0
        # Exit 1: the fixture holds rows that cannot come over (reported and skipped, by design).
        if out.returncode not in (0, 1):
            raise RuntimeError("shortener-admin import yourls failed: " + out.stderr)
        links = int(self.root_sql("SELECT COUNT(*) FROM links l JOIN users u ON u.id = l.owner_id "
                                  "WHERE u.username = '%s';" % owner,
                                  database=env["SHORTENER_MYSQL_DATABASE"]))
        self.notes.append("YOURLS import of tests/fixtures/yourls.sql: %d links and %d log rows "
                          "in %.1f s: %.0f links/s, %.0f log rows/s (one `shortener-admin import "
                          "yourls` from a database on the same MariaDB)"
                          % (links, log_rows, took, links / took, log_rows / took))
        log(self.notes[-1])

    def run_import(self):
        """--only import: the YOURLS import row alone."""
        self.rows, self.refs, self.memory, self.targets = [], [], [], []
        self.yourls_import()

    def admin(self, *args, stdin=""):
        return subprocess.run([self.env["STACK_ADMIN_BIN"], *args], input=stdin, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=self.stack_env(), timeout=60)

    def make_api_key(self):
        """An API key from the admin CLI, or "" when this build has no accounts yet."""
        user = self.admin("user", "create", "bench", "bench@example.com",
                          stdin="bench-password-%d\n" % random.randint(0, 1 << 30))
        if user.returncode != 0:
            self.notes.append("The admin CLI has no `user create` (%s): links are created "
                              "without an API key." % (user.stderr.strip().splitlines() or
                                                       ["exit %d" % user.returncode])[0])
            return ""
        key = self.admin("apikey", "create", "bench", "--name", "bench")
        if key.returncode != 0 or not key.stdout.strip():
            raise RuntimeError("shortener-admin apikey create failed: " + key.stderr)
        self.notes.append("Links are created with an API key (X-API-Key) of a user made by "
                          "`shortener-admin user create` + `apikey create`.")
        return key.stdout.strip().splitlines()[-1]

    def worker_accepts(self, **variables):
        """Whether this worker build starts with these SHORTENER_* variables (it refuses an
        unknown one), checked with --check-config."""
        env = self.stack_env(**variables)
        out = subprocess.run([self.env["STACK_WORKER_BIN"], "--check-config"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        return out.returncode == 0

    def check_create(self, port):
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        c.request("POST", "/api/v1/url-shortener", '{"original_url": "https://example.com/x"}',
                  headers)
        r = c.getresponse()
        body = r.read()
        c.close()
        if r.status != 201:
            raise RuntimeError("a creation got %d, not 201: %r" % (r.status, body[:300]))

    # ---- the rows ----------------------------------------------------------------------------

    def ceiling_static(self):
        port = pick_port(self.ports)
        d = os.path.join(self.dir, "static-%d" % port)
        os.makedirs(d)
        conf = fill(os.path.join(HERE, "lighttpd-static.conf"), d, PORT=port, DIR=d)
        p = self.start(["lighttpd", "-D", "-f", conf])
        status = wait_http(port)
        if status != 302:
            raise RuntimeError("static lighttpd answered %d, not 302" % status)
        self.measure("lighttpd static 302 (mod_redirect)", port, "hot", [p.pid], [],
                     note="server ceiling")
        self.stop_own()

    def ceiling_fcgi(self, workers, name, reference=False):
        port = self.web_up(os.path.join(self.build, "fcgi_302"), workers)
        if wait_http(port) != 302:
            raise RuntimeError("fcgi_302 did not answer 302")
        row = self.measure(name, port, "hot", *self.web_pids(port),
                           note="FastCGI ceiling: the reference of the ratios" if reference else "")
        self.web_down(port)
        return row

    def ceiling_tcp(self, workers):
        """The reference's own lighttpd.conf, with a TCP FastCGI pool instead of the socket."""
        ref_port = self.web_up(os.path.join(self.build, "fcgi_302"), workers)
        with open(os.path.join(self.dir, "web-%d" % ref_port, "lighttpd.conf")) as f:
            text = f.read()
        self.web_down(ref_port)
        port, fport = pick_port(self.ports), pick_port(self.ports)
        d = os.path.join(self.dir, "tcp-%d" % port)
        os.makedirs(d)
        lines = []
        for line in text.splitlines():
            if line.startswith("server.port"):
                line = "server.port = %d" % port
            elif '"socket" =>' in line:
                line = '    "host" => "127.0.0.1", "port" => %d,' % fport
            lines.append(line)
        conf = os.path.join(d, "lighttpd.conf")
        with open(conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        pool = self.spawn_pool(d, os.path.join(self.build, "fcgi_302"), workers, tcp_port=fport)
        p = self.start(["lighttpd", "-D", "-f", conf])
        wait_http(port)
        self.measure("lighttpd + fcgi_302, TCP, pool %d" % workers, port, "hot", [p.pid], pool)
        self.stop_own()

    def ceiling_nginx(self, workers, keep_conn):
        port = pick_port(self.ports)
        d = os.path.join(self.dir, "nginx-%d" % port)
        os.makedirs(d)
        sock = os.path.join(d, "fcgi.sock")
        conf = fill(os.path.join(HERE, "nginx-fcgi.conf"), d, PORT=port, DIR=d,
                    UPSTREAM="unix:" + sock, KEEP_CONN="on" if keep_conn else "off",
                    KEEPALIVE="keepalive %d;" % workers if keep_conn else "")
        pool = self.spawn_pool(d, os.path.join(self.build, "fcgi_302"), workers)
        p = self.start(["nginx", "-e", os.path.join(d, "error.log"), "-p", d, "-c", conf])
        wait_http(port)
        name = "nginx + fcgi_302, unix, pool %d%s" % (
            workers, ", keep_conn + keepalive %d" % workers if keep_conn else "")
        note = ""
        if keep_conn:
            note = ("a kept connection holds its single-threaded worker, so connections beyond "
                    "the pool wait in the listen queue")
        self.measure(name, port, "hot", [p.pid], pool, note=note)
        self.stop_own()

    def set_ours_env(self):
        """The workers' settings of every row of ours: the limits that one client address and
        one API key would run into go out of the way (each is still counted)."""
        self.ours_env = {}
        # One API key creates every link, so the per-user creation limit (API.md) goes out of
        # the way once the worker has it.
        unlimited = {"SHORTENER_RATE_LIMIT_CREATE": "1000000/1"}
        if self.worker_accepts(**unlimited):
            self.ours_env.update(unlimited)
            self.notes.append("The creation rate limit is raised to 1000000/1 for the bench (still one memcached increment per creation).")
        # The unknown-slug rows come from one address: its 404 allowance goes out of the way.
        not_found = {"SHORTENER_RATE_LIMIT_NOT_FOUND": "1000000/1"}
        if self.worker_accepts(**not_found):
            self.ours_env.update(not_found)

    def unknown_rows(self, port, web, pids, ours=True):
        """404s: a flood over UNKNOWN_SLUGS slugs that name no link, asked again and again (after
        its first request each one is a remembered absence, negative_cache_ttl), and one where
        every request brings a new unknown slug (each a cache miss and a MySQL read)."""
        self.measure("GET /r/{slug}, flood of %d unknown slugs, repeated" % UNKNOWN_SLUGS, port,
                     "unknown", web, pids, ours, BENCH_UNKNOWN_COUNT=UNKNOWN_SLUGS)
        self.measure("GET /r/{slug}, a new unknown slug every request", port, "unknown", web,
                     pids, ours, BENCH_UNKNOWN_COUNT=0)

    def ours(self, workers):
        shortener = os.path.join(self.build, "shortener")
        self.set_ours_env()
        # The login flood stands for many addresses: no per-address limit may stop it early.
        logins = {"SHORTENER_RATE_LIMIT_LOGIN": "1000000/1",
                  "SHORTENER_RATE_LIMIT_LOGIN_FAIL": "1000000/1"}
        self.login_flood = self.worker_accepts(**logins)
        if self.login_flood:
            self.ours_env.update(logins)
        self.clicks_supported = self.worker_accepts(SHORTENER_CLICK_COUNTING="false")
        on = {"SHORTENER_CLICK_COUNTING": "true"} if self.clicks_supported else {}
        port = self.web_up(shortener, workers, dict(self.ours_env, **on))
        off_port = None
        if self.clicks_supported:
            off_port = self.web_up(shortener, workers,
                                   dict(self.ours_env, SHORTENER_CLICK_COUNTING="false"))
        else:
            self.notes.append("This worker has no `click_counting` key (SHORTENER_CLICK_COUNTING "
                              "refused by --check-config): the clicks-off row is skipped.")
        self.stats_supported = self.worker_accepts(SHORTENER_VISIT_STATISTICS="false")
        plain_port = None
        if self.stats_supported:
            plain_port = self.web_up(shortener, workers,
                                     dict(self.ours_env, SHORTENER_VISIT_STATISTICS="false"))
        web, pids = self.web_pids(port)
        self.api_key = self.make_api_key()
        if self.stats_supported and self.api_key:
            self.seed_stats()
        self.check_create(port)
        self.warm_up(port)
        for other in (off_port, plain_port):
            if other:
                self.wrk(other, "hot", 2)
        start = [rss_kib(p) for p in pids]
        label = " (clicks and statistics on)" if self.clicks_supported else ""
        hot = self.measure("GET /r/{slug}, hot cache" + label, port, "hot", web, pids, True)
        off = None
        if off_port:
            off = self.measure("GET /r/{slug}, hot cache (clicks off)", off_port, "hot",
                               *self.web_pids(off_port), True)
        self.statistics_rows(hot, port, web, pids, plain_port)
        self.local_cache_rows(port, web, pids)
        self.measure("GET /r/{slug}, every one a cache miss", port, "miss", web, pids, True,
                     BENCH_MISS_FIRST=MISS_FIRST, BENCH_MISS_COUNT=self.miss_count(0))
        self.unknown_rows(port, web, pids)
        create = self.measure(self.create_name(), port, "create", web, pids, True)
        self.note_galera(create)
        if self.args.cluster:
            self.cluster_rows(port, web, pids, create)
        self.measure("mix: 95% hot redirects, 5% creations", port, "mix", web, pids, True)
        if self.login_flood:
            self.hot_under_login_flood(port, web, pids)
        end = [rss_kib(p) for p in pids]
        self.memory = list(zip(pids, start, end))
        self.web_down(port)
        for other in (off_port, plain_port):
            if other:
                self.web_down(other)
        return hot, off, create

    def hot_under_login_flood(self, port, web, pids):
        """The hot row while clients send wrong logins of random users without pause."""
        stop = threading.Event()
        answers = {}

        def flood():
            while not stop.is_set():
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                try:
                    c.request("POST", "/url/login",
                              json.dumps({"username": "flood%08d" % random.randint(0, 10**8),
                                          "password": "not the password"}),
                              {"Content-Type": "application/json"})
                    status = c.getresponse().status
                except OSError:
                    status = "error"
                finally:
                    c.close()
                answers[status] = answers.get(status, 0) + 1

        threads = [threading.Thread(target=flood, daemon=True) for _ in range(LOGIN_FLOOD_CLIENTS)]
        for t in threads:
            t.start()
        try:
            row = self.measure("GET /r/{slug}, hot cache, %d clients flooding POST /url/login"
                               % LOGIN_FLOOD_CLIENTS, port, "hot", web, pids, True)
        finally:
            stop.set()
            for t in threads:
                t.join(15)
        row.note = "logins answered: " + ", ".join(
            "%s x %d" % (k, v) for k, v in sorted(answers.items(), key=str))

    def warm_up(self, port):
        """Every hot slug cached, and the workers' connections, statements and buffers of the
        miss and creation paths made (so the "before" memory has them too)."""
        log("warming up our workers")
        self.fill_cache(port)
        self.wrk(port, "miss", 1, BENCH_MISS_FIRST=WARM_FIRST, BENCH_MISS_COUNT=WARM_COUNT)
        self.wrk(port, "create", 1)

    def fill_cache(self, port):
        """Requests every hot slug once, so the hot rows see no miss at all."""
        done = 0
        while done < HOT_SLUGS:
            r = self.wrk(port, "miss", 2, BENCH_MISS_FIRST=1 + done,
                         BENCH_MISS_COUNT=HOT_SLUGS - done)
            if not r["requests"]:
                raise RuntimeError("warm-up: no answers")
            done += r["requests"]

    def create_name(self):
        return "POST /api/v1/url-shortener" + (" (API key)" if self.api_key else " (no auth)")

    def miss_count(self, part):
        """The miss rows' share of the unseen slugs: part 0 of 2, or part 1."""
        half = (self.args.links - MISS_FIRST + 1) // 2
        self.miss_first = MISS_FIRST + part * half
        return half

    def ours_pool(self, workers):
        """Our hot, miss and creation rows again with another pool size."""
        port = self.web_up(os.path.join(self.build, "shortener"), workers, self.ours_env)
        web, pids = self.web_pids(port)
        self.fill_cache(port)
        suffix = ", pool %d" % workers
        self.measure("GET /r/{slug}, hot cache" + suffix, port, "hot", web, pids)
        count = self.miss_count(1)
        self.measure("GET /r/{slug}, every one a cache miss" + suffix, port, "miss", web, pids,
                     BENCH_MISS_FIRST=self.miss_first, BENCH_MISS_COUNT=count)
        self.measure(self.create_name() + suffix, port, "create", web, pids)
        self.web_down(port)

    def cluster_rows(self, single_port, single_web, single_pids, single_create):
        """--cluster: our hot, miss and creation rows again on a three-node Galera cluster of
        this machine (scripts/stack.sh cluster-up: every node on loopback, durable commits as
        on the single server) with its own memcached on a socket, as the single server's; one
        instance of the same pool size, mysql_servers listing node 1, 2, 3 (reads and writes go
        to node 1, which certifies each commit with the two others), and a second one with
        causal reads off for the miss row's cost. Then the single server's creation row again,
        so the ratio divides by the mean of the two rows around the cluster's."""
        a, single, single_key = self.args, self.dir, self.api_key
        self.dir = tempfile.mkdtemp(prefix="sbc-", dir="/tmp")
        self.stack_dirs.append(self.dir)
        try:
            t0 = time.time()
            log("cluster: %d Galera nodes in %s" % (CLUSTER_NODES, self.dir))
            self.stack("cluster-up", self.dir, str(CLUSTER_NODES), timeout=CLUSTER_UP_TIMEOUT)
            self.stack("memcached-up", self.dir, "socket")
            log("cluster: up in %.0fs" % (time.time() - t0))
            self.seed(a.links)
            shortener = os.path.join(self.build, "shortener")
            port = self.web_up(shortener, a.workers, self.ours_env)
            causal_off = {"SHORTENER_MYSQL_CAUSAL_READS": "false"}
            off_port = None
            if self.worker_accepts(**causal_off):
                off_port = self.web_up(shortener, a.workers, dict(self.ours_env, **causal_off))
            web, pids = self.web_pids(port)
            self.api_key = self.make_api_key()
            self.check_create(port)
            self.warm_up(port)
            label = "cluster of %d: " % CLUSTER_NODES
            self.note_galera(self.measure(label + "GET /r/{slug}, hot cache", port, "hot", web,
                                          pids, True))
            miss = self.measure(label + "GET /r/{slug}, every one a cache miss", port, "miss",
                                web, pids, True, BENCH_MISS_FIRST=MISS_FIRST,
                                BENCH_MISS_COUNT=self.miss_count(0))
            self.note_galera(miss)
            if off_port:
                off_web, off_pids = self.web_pids(off_port)
                # Its workers' connections and statements, by slugs that name no link (each a
                # MySQL read of the same lookup), so the row's slugs stay unseen.
                self.wrk(off_port, "unknown", 1, BENCH_UNKNOWN_COUNT=0)
                count = self.miss_count(1)
                off = self.measure(label + "GET /r/{slug}, every one a cache miss, causal reads "
                                   "off", off_port, "miss", off_web, off_pids, True,
                                   BENCH_MISS_FIRST=self.miss_first, BENCH_MISS_COUNT=count)
                self.note_galera(off)
                self.notes.append(
                    "Causal reads (mysql_causal_reads, wsrep_sync_wait = 1) on the cluster's miss "
                    "row: %.0f/s on, %.0f/s off (%.0f%% of the rate), p50 %.2f / %.2f ms, "
                    "database CPU %.0f / %.0f µs a request."
                    % (miss.rate(), off.rate(), 100 * (1 - miss.rate() / off.rate()),
                       miss.result["p50_us"] / 1000, off.result["p50_us"] / 1000,
                       miss.cpu["db"] * 1e6 / max(1, miss.result["requests"]),
                       off.cpu["db"] * 1e6 / max(1, off.result["requests"])))
            create = self.measure(label + self.create_name(), port, "create", web, pids, True)
            self.note_galera(create)
            if off_port:
                # Not a setting to run with: what the API key's read waiting for the node to
                # catch up costs a creation.
                self.note_galera(self.measure(label + self.create_name() + ", causal reads off",
                                              off_port, "create", off_web, off_pids, True))
            self.create_without_flush(label, port, web, pids)
            for p in (port, off_port):
                if p:
                    self.web_down(p)
            # Down before the single server's row again, so the idle nodes take no CPU from it.
            self.stack("down", self.dir)
        finally:
            self.dir, self.api_key = single, single_key
        again = self.measure(self.create_name() + " (again)", single_port, "create", single_web,
                             single_pids, True)
        self.note_galera(again)
        ref = (single_create.rate() + again.rate()) / 2
        ratio = create.rate() / ref
        # By CPU too: on a shared machine the rates drift during a run, the CPU a request less.
        cpu_ref = (single_create.cpu_per_request() + again.cpu_per_request()) / 2
        self.notes.append("Creation, cluster / single server: %.0f / %.0f per second (the mean of "
                          "the single server's rows before and after the cluster's) = %.2f; by "
                          "CPU, the single server's µs a creation (all parts, the mean) / the "
                          "cluster's: %.0f / %.0f = %.2f."
                          % (create.rate(), ref, ratio, cpu_ref * 1e6,
                             create.cpu_per_request() * 1e6,
                             cpu_ref / create.cpu_per_request()))
        self.cluster_target = (
            "creation on the cluster of %d >= %.2f of the single server's, no errors"
            % (CLUSTER_NODES, CLUSTER_CREATE_RATIO),
            "%.2f (%.0f/s against %.0f/s), %d errors" % (ratio, create.rate(), ref,
                                                         create.errors()),
            ratio >= CLUSTER_CREATE_RATIO and create.errors() == 0)

    def create_without_flush(self, label, port, web, pids):
        """The cluster's creation row with every node writing its redo log at commit but
        flushing it once a second (innodb_flush_log_at_trx_commit = 2, set and put back on the
        running nodes): not what the stack runs (a link answered 201 would then be lost if all
        three nodes' machines failed within that second; here they share one), only a measure
        of what the flushes cost."""
        def on_each(value):
            for sock in self.db_sockets():
                self.root_sql("SET GLOBAL innodb_flush_log_at_trx_commit = %d" % value,
                              socket=sock)
        on_each(2)
        try:
            self.note_galera(self.measure(
                label + self.create_name() + ", innodb_flush_log_at_trx_commit = 2", port,
                "create", web, pids, True))
        finally:
            on_each(1)

    def note_galera(self, row):
        """A row's InnoDB flushes, and on a cluster each node's CPU and what Galera did meanwhile
        (summed over the nodes): write-sets replicated, causal reads, certification failures,
        transactions aborted by a replicated one, flow control."""
        d = self.last_db or {}
        n = max(1, row.result["requests"])
        nodes = d.get("nodes", 1)
        row.note += "%s%.2f InnoDB fsyncs a request%s" % (
            "; " if row.note else "", d.get("Innodb_data_fsyncs", 0) / n,
            " (all nodes)" if nodes > 1 else "")
        if row.db_each:
            row.note += "; database CPU µs a request, node by node: " + ", ".join(
                "%.0f" % (c * 1e6 / n) for c in row.db_each)
        if nodes > 1:
            row.note += ("; a request: %.2f write-sets replicated, %.2f causal reads; %d "
                         "certification failures, %d brute-force aborts; flow control: %d pause "
                         "requests, each node paused %.0f ms on average"
                         % (d.get("wsrep_replicated", 0) / n, d.get("wsrep_causal_reads", 0) / n,
                            d.get("wsrep_local_cert_failures", 0),
                            d.get("wsrep_local_bf_aborts", 0), d.get("wsrep_flow_control_sent", 0),
                            d.get("wsrep_flow_control_paused_ns", 0) / 1e6 / nodes))

    def run(self):
        a = self.args
        log("stack in %s" % self.dir)
        # The redo log as MariaDB ships it (96M, the stack's default too; a 16M one filled in
        # seconds under the bench's flushes and InnoDB then held commits past the workers' 1 s
        # timeout). --only scale also sizes the buffer pool as a production server would: the
        # links table in memory.
        db_env = {"STACK_DB_LOG_FILE_SIZE": a.db_log_file_size}
        if a.only == "scale":
            db_env["STACK_DB_BUFFER_POOL"] = a.db_buffer_pool
        self.stack("db-up", self.dir, extra_env=db_env)
        self.stack("memcached-up", self.dir)
        if a.only == "login-flood":
            return self.run_login_flood()
        if a.only == "stats":
            return self.run_statistics()
        if a.only == "import":
            return self.run_import()
        if a.only == "core":
            return self.run_core()
        if a.only == "scale":
            return self.run_scale()
        if a.only == "hot":
            return self.run_hot()
        self.seed(a.links)
        self.ceiling_static()
        name = "lighttpd + fcgi_302, unix, pool %d" % a.workers
        self.refs = [self.ceiling_fcgi(a.workers, name, reference=True)]
        hot, off, create = self.ours(a.workers)
        # Measured again after our rows: the ratios divide by the mean of both, so a load that
        # came or went on the shared machine meanwhile skews them less.
        self.refs.append(self.ceiling_fcgi(a.workers, name + " (again)", reference=True))
        for n in sorted({max(1, a.workers // 2), a.workers * 2}):
            self.ceiling_fcgi(n, "lighttpd + fcgi_302, unix, pool %d" % n)
        self.ours_pool(a.workers * 2)
        self.ceiling_tcp(a.workers)
        self.ceiling_nginx(a.workers, keep_conn=False)
        self.ceiling_nginx(a.workers, keep_conn=True)
        self.targets = self.check_targets(hot, off, create)
        if self.cluster_target:
            self.targets.append(self.cluster_target)
        self.yourls_import()

    def run_core(self):
        """--only core: the FastCGI ceiling before and after our hot, miss, unknown-slug and
        creation rows (the rows issue 17 moves), a few minutes instead of the whole bench."""
        a = self.args
        self.seed(a.links)
        name = "lighttpd + fcgi_302, unix, pool %d" % a.workers
        self.refs = [self.ceiling_fcgi(a.workers, name, reference=True)]
        self.set_ours_env()
        port = self.web_up(os.path.join(self.build, "shortener"), a.workers, self.ours_env)
        web, pids = self.web_pids(port)
        self.api_key = self.make_api_key()
        self.check_create(port)
        self.warm_up(port)
        start = [rss_kib(p) for p in pids]
        self.measure("GET /r/{slug}, hot cache", port, "hot", web, pids, True)
        self.measure("GET /r/{slug}, every one a cache miss", port, "miss", web, pids, True,
                     BENCH_MISS_FIRST=MISS_FIRST, BENCH_MISS_COUNT=self.miss_count(0))
        self.unknown_rows(port, web, pids)
        create = self.measure(self.create_name(), port, "create", web, pids, True)
        self.note_galera(create)
        if a.cluster:
            self.cluster_rows(port, web, pids, create)
        self.memory = list(zip(pids, start, [rss_kib(p) for p in pids]))
        self.web_down(port)
        self.refs.append(self.ceiling_fcgi(a.workers, name + " (again)", reference=True))
        self.targets = [self.cluster_target] if self.cluster_target else []

    def run_scale(self):
        """--only scale (issue 17, target 5): the hot, spread-miss and list rows with --links links,
        then again after the table has grown to --scale-links, in the same run: the slug and
        owner indexes must keep a miss and a deep page as cheap in the big table."""
        a = self.args
        name = "lighttpd + fcgi_302, unix, pool %d" % a.workers
        self.refs = [self.ceiling_fcgi(a.workers, name, reference=True)]
        self.set_ours_env()
        self.api_key = self.make_api_key()
        if not self.api_key:
            raise RuntimeError("--only scale needs the admin CLI's user and apikey commands")
        owner = int(self.mariadb("SELECT id FROM users WHERE username = 'bench';"))
        # The small table's links are the bench user's: its list has LIST_PAGES pages and more.
        self.seed(a.links, owner=owner)
        port = self.web_up(os.path.join(self.build, "shortener"), a.workers, self.ours_env)
        web, pids = self.web_pids(port)
        log("warming up our workers")
        self.fill_cache(port)
        self.wrk(port, "miss", 1, BENCH_MISS_FIRST=WARM_FIRST, BENCH_MISS_COUNT=WARM_COUNT)
        deep = self.list_page(port, LIST_PAGES)
        start = [rss_kib(p) for p in pids]
        rows = {}
        for links, first in ((a.links, MISS_FIRST), (a.scale_links, a.links + 1)):
            if links != a.links:
                self.seed(links, first=a.links + 1)
                self.settle()
            label = " (%s links)" % "{:,}".format(links)
            count = links - first + 1
            rows[links] = (
                self.measure("GET /r/{slug}, hot cache" + label, port, "hot", web, pids, True),
                self.measure("GET /r/{slug}, every one a cache miss, spread" + label, port, "miss",
                             web, pids, True, BENCH_MISS_FIRST=first, BENCH_MISS_COUNT=count,
                             BENCH_MISS_STRIDE=coprime_stride(count)),
                self.measure("GET /api/v1/url-shorteners?limit=%d, 1st page, 1 client%s"
                             % (LIST_LIMIT, label), port, "get", web, pids, True, clients=1,
                             BENCH_PATH=self.list_path(None)),
                self.measure("GET /api/v1/url-shorteners?limit=%d, page %d, 1 client%s"
                             % (LIST_LIMIT, LIST_PAGES, label), port, "get", web, pids, True,
                             clients=1, BENCH_PATH=self.list_path(deep)))
        self.memory = list(zip(pids, start, [rss_kib(p) for p in pids]))
        self.web_down(port)
        self.refs.append(self.ceiling_fcgi(a.workers, name + " (again)", reference=True))
        # Judged by CPU per request (the "/ ceiling by CPU" column): on a shared machine the
        # rates move with other people's load between rows, the CPU a request costs much less.
        small, big = rows[a.links], rows[a.scale_links]
        ref_cpu = sum(r.cpu_per_request() for r in self.refs) / len(self.refs)
        ref = self.ref_rate()
        self.targets = []
        sizes = ("{:,}".format(a.links), "{:,}".format(a.scale_links))
        for what, i in (("hot", 0), ("miss", 1)):
            by_cpu = [ref_cpu / r[i].cpu_per_request() for r in (small, big)]
            self.targets.append((
                "%s with %s links within %.0f%% of %s links (by CPU)"
                % (what, sizes[1], SCALE_TOLERANCE * 100, sizes[0]),
                "%.2f vs %.2f of the ceiling by CPU (%.2f vs %.2f by rate)"
                % (by_cpu[1], by_cpu[0], big[i].rate() / ref, small[i].rate() / ref),
                by_cpu[1] >= by_cpu[0] * (1 - SCALE_TOLERANCE)))
        for size, r in zip(sizes, (small, big)):
            first, deep_page = r[2], r[3]
            self.targets.append((
                "list page %d costs what page 1 does (CPU per request, within %.0f%%), %s links"
                % (LIST_PAGES, SCALE_TOLERANCE * 100, size),
                "%.0f vs %.0f µs (p50 %.2f vs %.2f ms)"
                % (deep_page.cpu_per_request() * 1e6, first.cpu_per_request() * 1e6,
                   deep_page.result["p50_us"] / 1000, first.result["p50_us"] / 1000),
                deep_page.cpu_per_request() <= first.cpu_per_request() * (1 + SCALE_TOLERANCE)))

    def settle(self):
        """Waits (up to SETTLE_SECONDS) until InnoDB has written the seeded rows' dirty pages, so
        the next rows do not share the machine with that background flushing."""
        self.root_sql("SET GLOBAL innodb_max_dirty_pages_pct = 0;")
        t0 = time.time()
        try:
            while time.time() - t0 < SETTLE_SECONDS:
                dirty = int(self.mariadb("SHOW GLOBAL STATUS LIKE "
                                         "'Innodb_buffer_pool_pages_dirty';").split()[1])
                if dirty < 100:
                    break
                time.sleep(1)
        finally:
            self.root_sql("SET GLOBAL innodb_max_dirty_pages_pct = DEFAULT;")
        log("InnoDB settled in %.0fs (%d dirty pages left)" % (time.time() - t0, dirty))

    def list_path(self, cursor):
        path = "/api/v1/url-shorteners?limit=%d" % LIST_LIMIT
        return path + ("&cursor=" + urllib.parse.quote(cursor, safe="") if cursor else "")

    def list_page(self, port, page):
        """The cursor of the bench user's list page `page` (walked from the first)."""
        cursor = None
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            for _ in range(page - 1):
                c.request("GET", self.list_path(cursor), headers={"X-API-Key": self.api_key})
                r = c.getresponse()
                body = json.loads(r.read())
                if r.status != 200 or not body["data"]["next_cursor"]:
                    raise RuntimeError("list walk: status %d, no page %d" % (r.status, page))
                cursor = body["data"]["next_cursor"]
        finally:
            c.close()
        return cursor

    def run_hot(self):
        """--only hot: the FastCGI ceiling before and after our hot row with the default,
        seen-at-once cache, then the LOCAL_HOT_SLUGS hottest slugs without and with the
        in-worker cache (local_cache_ttl), with visit statistics on and off (issue 17, target
        3); clicks are counted in every row."""
        a = self.args
        self.seed(HOT_SLUGS)
        name = "lighttpd + fcgi_302, unix, pool %d" % a.workers
        self.refs = [self.ceiling_fcgi(a.workers, name, reference=True)]
        self.ours_env = {}
        shortener = os.path.join(self.build, "shortener")
        port = self.web_up(shortener, a.workers, self.ours_env)
        web, pids = self.web_pids(port)
        self.fill_cache(port)
        start = [rss_kib(p) for p in pids]
        self.measure_gets("GET /r/{slug}, hot cache", port, web, pids)
        self.local_cache_rows(port, web, pids)
        self.memory = list(zip(pids, start, [rss_kib(p) for p in pids]))
        self.web_down(port)
        if self.worker_accepts(SHORTENER_VISIT_STATISTICS="false"):
            self.ours_env = {"SHORTENER_VISIT_STATISTICS": "false"}
            port = self.web_up(shortener, a.workers, self.ours_env)
            self.local_cache_rows(port, *self.web_pids(port), label=", statistics off")
            self.web_down(port)
        self.refs.append(self.ceiling_fcgi(a.workers, name + " (again)", reference=True))
        self.targets = []

    def local_cache_rows(self, port, web, pids, label=""):
        """The hot row over the LOCAL_HOT_SLUGS hottest slugs on `port` (the default cache; its
        links already in memcached), then on a pool with the same settings and local_cache_ttl
        = LOCAL_CACHE_TTL, warmed for LOCAL_CACHE_WARM_SECONDS (a worker keeps a link only once
        the web server has handed it a request for it). Skipped, with a note, when the worker
        has no local_cache_ttl key."""
        local = dict(self.ours_env, SHORTENER_LOCAL_CACHE_TTL=str(LOCAL_CACHE_TTL))
        if not self.worker_accepts(**local):
            self.notes.append("This worker has no `local_cache_ttl` key: its hot rows are skipped.")
            return
        few = {"BENCH_HOT_SLUGS": LOCAL_HOT_SLUGS}
        name = "GET /r/{slug}, hot cache, %d slugs%s" % (LOCAL_HOT_SLUGS, label)
        self.wrk(port, "hot", 2, **few)
        self.measure_gets(name, port, web, pids, **few)
        local_port = self.web_up(os.path.join(self.build, "shortener"), self.args.workers, local)
        self.wrk(local_port, "hot", LOCAL_CACHE_WARM_SECONDS, **few)
        self.measure_gets(name + ", local_cache_ttl = %d" % LOCAL_CACHE_TTL, local_port,
                          *self.web_pids(local_port), **few)
        self.web_down(local_port)

    def memcached_gets(self):
        """memcached's count of gets so far (its `stats`), over the stack's socket or port."""
        data = memcached_ask(self.stack_env()["SHORTENER_MEMCACHED_SERVERS"].split(",")[0],
                             b"stats\r\n")
        for line in data.decode().split("\r\n"):
            parts = line.split()
            if len(parts) == 3 and parts[1] == "cmd_get":
                return int(parts[2])
        raise RuntimeError("memcached stats without cmd_get")

    def measure_gets(self, name, port, web, pids, **lua_env):
        """measure() of a hot row of ours, noting memcached gets per request (every redirect
        asks memcached once by default; the in-worker cache asks it only for links a worker
        does not hold)."""
        before = self.memcached_gets()
        row = self.measure(name, port, "hot", web, pids, True, **lua_env)
        gets = self.memcached_gets() - before
        row.note = "%.2f memcached gets a request" % (gets / max(1, row.result["requests"]))
        return row

    def run_login_flood(self):
        """--only login-flood: the hot row beside the FastCGI ceiling, then again while logins of
        random users flood the same pool (issue 10 point 6): a few minutes instead of the whole
        bench."""
        a = self.args
        self.seed(HOT_SLUGS)
        name = "lighttpd + fcgi_302, unix, pool %d" % a.workers
        self.refs = [self.ceiling_fcgi(a.workers, name, reference=True)]
        logins = {"SHORTENER_RATE_LIMIT_LOGIN": "1000000/1",
                  "SHORTENER_RATE_LIMIT_LOGIN_FAIL": "1000000/1"}
        if not self.worker_accepts(**logins):
            raise RuntimeError("this worker has no login limits to raise: no login-flood row")
        self.ours_env = dict(logins)
        port = self.web_up(os.path.join(self.build, "shortener"), a.workers, self.ours_env)
        web, pids = self.web_pids(port)
        self.fill_cache(port)
        start = [rss_kib(p) for p in pids]
        self.measure("GET /r/{slug}, hot cache", port, "hot", web, pids, True)
        self.hot_under_login_flood(port, web, pids)
        self.memory = list(zip(pids, start, [rss_kib(p) for p in pids]))
        self.web_down(port)
        self.refs.append(self.ceiling_fcgi(a.workers, name + " (again)", reference=True))
        self.targets = []

    def statistics_rows(self, hot, port, web, pids, plain_port):
        """Issue 13's rows, after `hot`, the hot row of `port` (statistics on): hot with
        statistics off (plain_port); --stats-rounds - 1 more pairs of the two, in alternating
        order (off, on; then on, off; ...), since two 10 s rows one after the other differ by
        more than what is compared; hot with a new referrer host and User-Agent each request;
        and the stats endpoint of STATS_SLUG (366 days) from one client."""
        self.plain = self.spam = self.stats_row = None
        self.stats_pairs = []
        if not plain_port:
            return
        off_name = "GET /r/{slug}, hot cache (clicks on, statistics off)"
        self.plain = self.measure_flushes(off_name, plain_port, *self.web_pids(plain_port))
        self.stats_pairs.append((hot, self.plain))
        for r in range(2, self.args.stats_rounds + 1):
            rows = {}
            for on in ((False, True) if r % 2 == 0 else (True, False)):
                if on:
                    rows[on] = self.measure_flushes("%s, round %d" % (hot.name, r), port, web, pids)
                else:
                    rows[on] = self.measure_flushes("%s, round %d" % (off_name, r), plain_port,
                                                    *self.web_pids(plain_port))
            self.stats_pairs.append((rows[True], rows[False]))
        self.spam = self.measure_flushes(
            "GET /r/{slug}, hot cache, a new referrer host and User-Agent each request",
            port, web, pids, BENCH_SPAM=1)
        if self.api_key:
            first = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 365 * 86400))
            last = time.strftime("%Y-%m-%d", time.gmtime())
            self.stats_row = self.measure(
                "GET .../stats, 366 days of statistics, 1 client", port, "get", web, pids, True,
                clients=1, BENCH_PATH="/api/v1/url-shorteners/%s/stats?from=%s&to=%s"
                % (STATS_SLUG, first, last))

    def statistics_targets(self, hot):
        """The targets of statistics_rows, against `hot` (the same row with statistics on)."""
        t = []
        if self.plain:
            # Each pair (statistics on, off) gives one cost; the target reads their medians.
            costs = [1 - on.rate() / off.rate() for on, off in self.stats_pairs]
            cpu = [on.cpu_per_request() / off.cpu_per_request() - 1 for on, off in self.stats_pairs]
            p99s = [on.result["p99_us"] / max(1, off.result["p99_us"])
                    for on, off in self.stats_pairs]
            cost, p99 = statistics.median(costs), statistics.median(p99s)
            t.append(("visit statistics cost <= %d%% of hot throughput, p99 <= %.1fx "
                      "(medians of %d pairs)"
                      % (STATS_COST * 100, STATS_P99_FACTOR, len(self.stats_pairs)),
                      "%.1f%%, p99 %.2fx; by CPU %.1f%%; pair by pair: %s" % (
                          cost * 100, p99, statistics.median(cpu) * 100,
                          ", ".join("%.1f%% %.2fx %.1f%%" % (c * 100, q, u * 100)
                                    for c, q, u in zip(costs, p99s, cpu))),
                      cost <= STATS_COST and p99 <= STATS_P99_FACTOR))
            grown = max(e - b for b, e in self.spam.rss)
            t.append(("referrer/User-Agent spam: worker memory bounded (%d KiB)" % RSS_DRIFT_KIB,
                      "largest growth %d KiB, %d errors" % (grown, self.spam.errors()),
                      grown <= RSS_DRIFT_KIB and self.spam.errors() == 0))
        else:
            t.append(("visit statistics cost", "not measured: no visit_statistics key", None))
        if self.stats_row:
            p50 = self.stats_row.result["p50_us"] / 1000
            p99 = self.stats_row.result["p99_us"] / 1000
            t.append(("stats endpoint, 366 days: p50 < %g ms, no errors" % STATS_ENDPOINT_MS,
                      "p50 %.1f ms, p99 %.1f ms, %d errors" % (p50, p99, self.stats_row.errors()),
                      p50 < STATS_ENDPOINT_MS and self.stats_row.errors() == 0))
        return t

    def run_statistics(self):
        """--only stats: the FastCGI ceiling, our hot row with statistics on and off, the spam
        row and the stats endpoint (issue 13): a few minutes instead of the whole bench."""
        a = self.args
        self.seed(HOT_SLUGS)
        name = "lighttpd + fcgi_302, unix, pool %d" % a.workers
        self.refs = [self.ceiling_fcgi(a.workers, name, reference=True)]
        if not self.worker_accepts(SHORTENER_VISIT_STATISTICS="false"):
            raise RuntimeError("this worker has no visit_statistics key: no statistics rows")
        self.ours_env = {}
        shortener = os.path.join(self.build, "shortener")
        port = self.web_up(shortener, a.workers, self.ours_env)
        plain_port = self.web_up(shortener, a.workers, {"SHORTENER_VISIT_STATISTICS": "false"})
        web, pids = self.web_pids(port)
        self.api_key = self.make_api_key()
        if self.api_key:
            self.seed_stats()
        self.fill_cache(port)
        self.wrk(plain_port, "hot", 2)
        start = [rss_kib(p) for p in pids]
        hot = self.measure_flushes("GET /r/{slug}, hot cache (clicks and statistics on)", port,
                                   web, pids)
        self.statistics_rows(hot, port, web, pids, plain_port)
        self.memory = list(zip(pids, start, [rss_kib(p) for p in pids]))
        self.web_down(port)
        self.web_down(plain_port)
        self.refs.append(self.ceiling_fcgi(a.workers, name + " (again)", reference=True))
        self.targets = self.statistics_targets(hot)

    def smoke(self):
        """The machinery without a database: static + FastCGI ceiling + nginx, one second each."""
        open(os.path.join(self.dir, "stack.env"), "w").close()  # web-up wants a stack
        self.ceiling_static()
        self.refs = [self.ceiling_fcgi(self.args.workers, "lighttpd + fcgi_302", reference=True)]
        self.ceiling_nginx(self.args.workers, keep_conn=False)
        bad = [r.name for r in self.rows if r.errors() or not r.result["requests"]]
        self.targets = []
        return bad

    def down(self):
        self.stop_own()
        for d in reversed(self.stack_dirs):
            try:
                self.stack("down", d)
            except (RuntimeError, subprocess.TimeoutExpired) as e:
                log(str(e))

    # ---- the report --------------------------------------------------------------------------

    def check_targets(self, hot, off, create):
        ref = self.ref_rate()
        ref_cpu = sum(r.cpu_per_request() for r in self.refs) / len(self.refs)

        def ratios(row):
            return row.rate() / ref, ref_cpu / row.cpu_per_request()

        t = []
        r, c = ratios(hot)
        p99 = hot.result["p99_us"] / 1000
        t.append(("hot redirect >= %.2f of the FastCGI ceiling, p99 <= %g ms, no errors"
                  % (HOT_RATIO, HOT_P99_MS),
                  "%.2f (by CPU %.2f), p99 %.1f ms, %d errors" % (r, c, p99, hot.errors()),
                  r >= HOT_RATIO and p99 <= HOT_P99_MS and hot.errors() == 0))
        miss = next(row for row in self.rows if "miss" in row.name)
        r, c = ratios(miss)
        t.append(("cache-miss redirect >= %.2f of the FastCGI ceiling" % MISS_RATIO,
                  "%.2f (by CPU %.2f)" % (r, c), r >= MISS_RATIO))
        what = "click counting costs <= %d%% of hot throughput" % (CLICK_COST * 100)
        if off:
            cost = 1 - hot.rate() / off.rate()
            cpu_cost = 1 - off.cpu_per_request() / hot.cpu_per_request()
            t.append((what, "%.1f%% (by CPU %.1f%%)" % (cost * 100, cpu_cost * 100),
                      cost <= CLICK_COST))
        else:
            t.append((what, "not measured: no click_counting key", None))
        t += self.statistics_targets(hot)
        t.append(("link creation >= %d/s, no errors" % CREATE_PER_S,
                  "%.0f/s, %d errors" % (create.rate(), create.errors()),
                  create.rate() >= CREATE_PER_S and create.errors() == 0))
        drift = max(abs(e - s) for _, s, e in self.memory)
        t.append(("worker memory flat within 1 MiB over the bench",
                  "largest change %d KiB" % drift, drift <= RSS_DRIFT_KIB))
        return t

    def ref_rate(self):
        return sum(r.rate() for r in self.refs) / len(self.refs)

    def table(self, markdown):
        if not self.rows:
            return "(no wrk rows in this run)"
        ref = self.ref_rate()
        ref_cpu = sum(r.cpu_per_request() for r in self.refs) / len(self.refs)
        head = ["", "req/s", "p50 ms", "p99 ms", "errors", "/ ceiling", "/ ceiling by CPU",
                "MySQL stmts/req"]
        head += ["CPU µs/req " + k if k == "web" else k for k in CPU_PARTS] + ["sum"]
        head += ["worker RSS KiB before→after"]
        lines = []
        for r in self.rows:
            n = max(1, r.result["requests"])
            cpu = [r.cpu[k] * 1e6 / n for k in CPU_PARTS]
            rss = " ".join("%d→%d" % (b, e) for b, e in r.rss) if r.rss else ""
            lines.append([r.name, "%.0f" % r.rate(), "%.2f" % (r.result["p50_us"] / 1000),
                          "%.2f" % (r.result["p99_us"] / 1000), str(r.errors()),
                          "%.2f" % (r.rate() / ref), "%.2f" % (ref_cpu / r.cpu_per_request()),
                          "" if r.mysql is None else "%.2f" % (r.mysql / n)]
                         + ["%.0f" % c for c in cpu] +
                         ["%.0f" % sum(cpu), rss])
        if markdown:
            out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            out += ["| " + " | ".join(cells) + " |" for cells in lines]
            return "\n".join(out)
        last = len(head) - 1
        widths = [max(len(x[i]) for x in [head] + lines) for i in range(len(head))]

        def fmt(cells):
            return "  ".join(c.ljust(w) if i in (0, last) else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

        return "\n".join([fmt(head)] + [fmt(c) for c in lines])

    def report(self):
        a = self.args
        cpu = platform.processor() or ""
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")),
                           cpu)
        except OSError:
            pass
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        header = ("%s; %d cores (%s); wrk -t%d -c%d, %d s a row; pool %d; %s"
                  % (when, os.cpu_count(), cpu, a.threads, a.connections, a.duration, a.workers,
                     "smoke: no database" if a.smoke else "no links seeded"
                     if a.only == "import" else "%s links seeded"
                     % (a.links if a.only == "core" else "%d then %d" % (a.links, a.scale_links)
                        if a.only == "scale" else HOT_SLUGS if a.only else a.links)))
        print()
        print(header)
        print(self.table(markdown=False))
        notes = [r for r in self.rows if r.note]
        for r in notes:
            print("  %s: %s" % (r.name, r.note))
        tl = []
        for what, got, ok in self.targets:
            mark = "n/a" if ok is None else ("met" if ok else "MISSED")
            tl.append((what, got, mark))
            print("target %-6s %s: %s" % (mark, what, got))
        self.notes = list(dict.fromkeys(self.notes))  # once each (a cluster's stack repeats some)
        for n in self.notes:
            print("note: " + n)
        if a.smoke:
            return
        # A partial run keeps the whole bench's file: it goes beside it.
        results = RESULTS.replace(".md", "-%s.md" % a.only) if a.only else RESULTS
        md = ["# make bench: latest results" + (" (--only %s)" % a.only if a.only else ""), "", header, "", self.table(markdown=True), ""]
        md += ["- %s: %s" % (r.name, r.note) for r in notes]
        md += ["", "| target | this run | |", "|---|---|---|"]
        md += ["| %s | %s | %s |" % t for t in tl]
        md += [""] + ["- " + n for n in self.notes]
        md += ["", "Worker RSS at the start (after warm-up) and the end of the bench, KiB: " +
               ", ".join("pid %d %d→%d" % m for m in self.memory), ""]
        os.makedirs(os.path.dirname(results), exist_ok=True)
        with open(results, "w") as f:
            f.write("\n".join(md))
        print("written to %s" % os.path.relpath(results, REPO))


def sparse_sketch(rng, visitors):
    """A HyperLogLog sketch of `visitors` random hashes as src/domain/hll.h serialises a sparse
    one (format version 1: version, representation 0, p = 14, varint n, varint entries)."""
    registers = {}
    for _ in range(visitors):
        h = rng.getrandbits(64)
        index, rest = h >> 50, h & ((1 << 50) - 1)
        rank = 51 - rest.bit_length() if rest else 51
        registers[index] = max(registers.get(index, 0), rank)

    def varint(n):
        out = bytearray()
        while True:
            byte = n & 0x7F
            n >>= 7
            out.append(byte | (0x80 if n else 0))
            if not n:
                return bytes(out)

    out = bytearray([1, 0, 14]) + varint(len(registers))
    last = 0
    for index in sorted(registers):
        out += varint((index - last) << 6 | registers[index])
        last = index
    return bytes(out)


def fill(template, d, **values):
    """TEMPLATE with its @NAME@ placeholders filled, written into d; returns the path."""
    with open(template) as f:
        text = f.read()
    for k, v in values.items():
        text = text.replace("@%s@" % k, str(v))
    if "@" in "".join(l for l in text.splitlines() if not l.lstrip().startswith("#")):
        raise RuntimeError("unfilled placeholder in " + template)
    path = os.path.join(d, os.path.basename(template))
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build-dir", default="build-bench")
    p.add_argument("--workers", type=int, default=8)
    p.add_argument("--duration", type=int, default=10, help="seconds of each row")
    p.add_argument("--stats-rounds", type=int, default=3,
                   help="pairs of hot rows with visit statistics on and off (medians compared)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--links", type=int, default=300000, help="links seeded (>= 100000)")
    p.add_argument("--smoke", action="store_true",
                   help="the machinery only: no database, ceilings for one second each")
    p.add_argument("--keep", action="store_true", help="keep the temp dir (logs)")
    p.add_argument("--cluster", action="store_true",
                   help="also the hot, miss and creation rows on a three-node Galera cluster "
                        "(and the miss row with causal reads off), after the single server's "
                        "creation row, then that row again (make bench CLUSTER=1; adds about "
                        "three minutes); with the whole bench or --only core")
    p.add_argument("--scale-links", type=int, default=10000000,
                   help="--only scale: the big table's size (> --links)")
    p.add_argument("--db-log-file-size", default="96M",
                   help="MariaDB's innodb_log_file_size (the stack's default: 96M)")
    p.add_argument("--db-buffer-pool", default="4G",
                   help="--only scale: MariaDB's innodb_buffer_pool_size (the other modes keep "
                        "the stack's 64M)")
    p.add_argument("--only", choices=["core", "login-flood", "stats", "import", "scale", "hot"],
                   help="core: the ceiling, our hot, miss, unknown-slug and creation rows; "
                        "login-flood: only the hot row, alone and under a login flood, beside "
                        "the FastCGI ceiling; stats: only the hot row with visit statistics on "
                        "and off, with referrer spam, and the stats endpoint; import: only the YOURLS "
                        "import of the fixture; scale: hot, spread-miss and list rows with --links "
                        "links, then with --scale-links; hot: the hot row by default and with "
                        "local_cache_ttl, beside the FastCGI ceiling")
    a = p.parse_args()
    if a.cluster and (a.smoke or a.only not in (None, "core")):
        p.error("--cluster goes with the whole bench or --only core")
    if a.smoke:
        a.duration, a.connections = 1, 16
    elif a.links < MISS_FIRST + 10000:
        p.error("--links must be at least %d" % (MISS_FIRST + 10000))
    elif a.only == "scale" and a.scale_links <= a.links:
        p.error("--scale-links must be more than --links")
    elif a.only == "scale" and a.links < LIST_PAGES * LIST_LIMIT:
        p.error("--only scale needs --links of at least %d (list page %d)"
                % (LIST_PAGES * LIST_LIMIT, LIST_PAGES))
    for tool in ("wrk", "lighttpd", "spawn-fcgi", "nginx"):
        if not shutil.which(tool):
            sys.exit("bench: %s not found (make deps installs it)" % tool)
    b = Bench(a)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(130))
    failed = True
    t0 = time.time()
    try:
        bad = b.smoke() if a.smoke else b.run()
        b.report()
        if a.smoke and bad:
            log("rows with errors or no requests: %s" % ", ".join(bad))
        else:
            failed = False
    finally:
        # A second Ctrl-C must not cut the teardown short (it is bounded: stop timeouts); the
        # stack.sh calls below inherit the ignored signals too.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        b.down()
        for d in b.stack_dirs:
            if failed or a.keep:
                log("kept %s (logs)" % d)
            else:
                shutil.rmtree(d, ignore_errors=True)
        log("%s in %.0fs" % ("failed" if failed else "done", time.time() - t0))
    if a.smoke:
        print("bench smoke: %s" % ("failed" if failed else "passed"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
