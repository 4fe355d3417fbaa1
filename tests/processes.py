"""Process and port helpers shared by the integration harness (tests/integration/harness.py) and
make bench (tests/bench/bench.py): both start a private stack with scripts/stack.sh and must
stop only what they started, by pid, checking that a pid still names the program started."""

import os
import random
import signal
import socket
import time


def alive(pid):
    """The process exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def comm(pid):
    """The program name of pid (15 bytes at most), "" if it is gone."""
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def read_pids(path):
    """The pids listed in a pid file (one or more, whitespace-separated); [] if unreadable."""
    try:
        with open(path) as f:
            return [int(x) for x in f.read().split() if x.isdigit()]
    except OSError:
        return []


def children(pid):
    """The live children of pid, sorted (a supervisor's workers)."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return sorted(int(x) for x in f.read().split() if alive(int(x)))
    except OSError:
        return []


def pool_pids(web_dir):
    """The worker processes of a scripts/stack/web.sh instance: for a supervisor pool (the
    default) the supervisor's children, for a spawn-fcgi pool the pids spawn-fcgi recorded."""
    pids = read_pids(os.path.join(web_dir, "workers.pid"))
    try:
        with open(os.path.join(web_dir, "pool")) as f:
            pool = f.read().strip()
    except OSError:
        pool = "supervisor"
    if pool == "supervisor":
        return children(pids[0]) if pids and alive(pids[0]) else []
    return [p for p in pids if alive(p)]


def wait_for(predicate, seconds, step=0.05):
    """Polls predicate until it is true or `seconds` passed; returns its last value."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def stop_pids(pids, name=None, timeout=10.0, log=None):
    """SIGTERM, then SIGKILL after `timeout`, to those of pids (started by the caller) that are
    still alive and (with name) still named name, so a pid reused meanwhile is left alone."""
    pids = [p for p in pids if alive(p) and (name is None or comm(p) == name)]
    for p in pids:
        os.kill(p, signal.SIGTERM)
    wait_for(lambda: not any(alive(p) for p in pids), timeout)
    left = [p for p in pids if alive(p)]
    if left and log:
        log("%s did not stop: SIGKILL to %s" % (name or "processes", left))
    for p in left:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    wait_for(lambda: not any(alive(p) for p in left), 5)


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on right now (from the kernel's ephemeral range)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pick_port(taken):
    """A free port outside Linux's ephemeral range (where wrk's and the tests' own client ports
    land), not in the set `taken`, which it is added to."""
    for _ in range(500):
        port = random.randint(20000, 31999)
        if port not in taken and port_free(port):
            taken.add(port)
            return port
    raise RuntimeError("found no free port")
