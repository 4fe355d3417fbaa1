#!/usr/bin/env python3
"""Runs the test suites of `make check` and `make test` against the binaries in $BUILD_DIR
(default build/), and ends with one line "N passed, M failed" summing them all. Exit status 0
only if nothing failed.

  /usr/bin/python3 tests/run_suites.py                     every suite
  SUITES="unit" ...                                        only those named
  INTEGRATION_ARGS="--skip test_fronts." ...               arguments for tests/integration/run.py
  SUITES="fuzz" ...    every libFuzzer target for FUZZ_SECONDS (default 10)
  SUITES="bench" ...   the bench machinery, a few seconds (not the bench itself)
  SUITES="deploy" ...  make install/uninstall and systemd-analyze verify (tests/deploy/)
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PYTHON = "/usr/bin/python3"  # the one with the modules the suites use


def run(argv, env=None):
    """Runs argv in the checkout; returns (exit status, its output, stderr included)."""
    p = subprocess.run(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace")
    return p.returncode, p.stdout


def lines_counted(out, rc, pattern):
    """(passed, failed) from the "... passed|failed" lines of a suite; a suite that failed
    without saying what counts one failure."""
    p = len(re.findall(pattern % "passed", out, re.M))
    f = len(re.findall(pattern % "failed", out, re.M))
    return p, (1 if rc != 0 and f == 0 else f)


def layers():
    # The check itself, then the check against a copy of src/ with an upward include planted: a
    # check that cannot fail would pass both.
    p = f = 0
    if run(["make", "-s", "layers"])[0] == 0:
        p += 1
    else:
        f += 1
    planted = tempfile.mkdtemp()
    try:
        shutil.copytree(os.path.join(REPO, "src"), os.path.join(planted, "src"))
        with open(os.path.join(planted, "src", "base", "clock.h"), "a") as h:
            h.write('#include "cmd/config.h"\n')
        if run(["scripts/check-layers.sh", os.path.join(planted, "src")])[0] == 0:
            print("layers: the planted upward include in base/clock.h was not found")
            f += 1
        else:
            p += 1
    finally:
        shutil.rmtree(planted)
    return p, f


def unit(build):
    rc, out = run([os.path.join(build, "unit_tests"), "--report_level=short"])
    print("\n".join(out.splitlines()[-40:]))
    total = re.search(r"^ *\d+ test cases? out of (\d+) (passed|failed)", out, re.M)
    bad = re.search(r"^ *(\d+) test cases? out of \d+ failed", out, re.M)
    total, bad = int(total.group(1)) if total else 0, int(bad.group(1)) if bad else 0
    if rc != 0 and bad == 0:
        bad = 1  # crashed before reporting
    return total - bad, bad


def integration(build):
    env = dict(os.environ, STACK_WORKER_BIN=os.path.join(REPO, build, "shortener"),
               STACK_ADMIN_BIN=os.path.join(REPO, build, "shortener-admin"))
    args = shlex.split(os.environ.get("INTEGRATION_ARGS", ""))
    rc, out = run([PYTHON, "tests/integration/run.py"] + args, env)
    # Which tests failed, each with its traceback and assertion message (unittest's block, cut to
    # its last 30 lines), then the tail (the stack's logs when something failed).
    blocks = re.findall(r"^(?:FAIL|ERROR): [^\n]*\n-{20,}\n.*?(?=^={20,}$|^-{20,}$|\Z)", out,
                        re.M | re.S)
    for block in blocks[:20]:
        lines = block.rstrip().splitlines()
        print("\n".join(lines[:2] + lines[2:][-30:]))
    print("\n".join(out.splitlines()[-60:]))
    last = re.findall(r"^integration: (\d+) passed, (\d+) failed$", out, re.M)
    p, f = (int(last[-1][0]), int(last[-1][1])) if last else (0, 0)
    return p, (1 if rc != 0 and f == 0 else f)


def deploy():
    rc, out = run([PYTHON, "tests/deploy/check_deploy.py"])
    print(out, end="")
    return lines_counted(out, rc, r"^deploy [a-z-]+: %s")


def fuzz():
    # One "fuzz <target>: passed|failed" line per target from `make fuzz`; nothing if it did
    # not build.
    rc, out = run(["make", "-s", "-j%d" % os.cpu_count(), "fuzz",
                   "FUZZ_SECONDS=" + os.environ.get("FUZZ_SECONDS", "10")])
    print(out if rc != 0 else "\n".join(re.findall(r"^fuzz .*$", out, re.M)))
    return lines_counted(out, rc, r"^fuzz [a-z0-9_]+: %s")


def bench(build):
    # make bench's machinery (wrk, lighttpd, nginx, spawn-fcgi, the bare FastCGI 302), one second
    # a row and no database; the bench itself is `make bench`.
    ok = subprocess.run([PYTHON, "tests/bench/bench.py", "--build-dir", build, "--smoke"],
                        cwd=REPO).returncode == 0
    return (1, 0) if ok else (0, 1)


def main():
    build = os.environ.get("BUILD_DIR", "build")
    suites = os.environ.get("SUITES", "format layers unit integration deploy fuzz bench").split()
    started = time.time()
    passed = failed = 0
    for suite in suites:
        sys.stdout.flush()
        if suite == "format":
            p, f = (1, 0) if subprocess.run(["make", "-s", "format-check"], cwd=REPO).returncode == 0 \
                else (0, 1)
        elif suite in ("layers", "deploy", "fuzz"):
            p, f = globals()[suite]()
        elif suite in ("unit", "integration", "bench"):
            p, f = globals()[suite](build)
        else:
            print("unknown suite %s" % suite, file=sys.stderr)
            failed += 1
            continue
        print("== %s: %d passed, %d failed" % (suite, p, f))
        passed, failed = passed + p, failed + f
    print("(took %d min)" % ((time.time() - started + 59) // 60))
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
