#!/usr/bin/env python3
"""Runs the integration tests against the real stack; the last line is the summary.

    python3 tests/integration/run.py              every tests/integration/test_*.py
    python3 tests/integration/run.py -k redirect  only tests whose id contains "redirect"
                                                  (-k as in unittest: a substring or fnmatch pattern; repeatable)
    python3 tests/integration/run.py --skip test_fronts.
                                                  all but the tests whose id contains the text (repeatable;
                                                  `make test` skips the slowest modules so)

Binaries: $STACK_WORKER_BIN and $STACK_ADMIN_BIN, default build/shortener and build/shortener-admin.
The stack (one MariaDB, one memcached, web instances on free ports) is torn down whatever happens;
its temp dir is kept, and the tail of its logs printed, only when a test failed.
Once the stack is down, the workers' logs are searched for sanitizer reports (counted as one more
test). Last line: "integration: N passed, M failed" (errors, skips and tests that never ran count as
failed).
"""

import argparse
import os
import signal
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import harness  # noqa: E402


class CountingResult(unittest.TextTestResult):
    """Counts tests, not subtests: a test passed only if it and all its subtests passed."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.passed_ids = set()
        self.failed_ids = set()

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed_ids.add(test.id())

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.failed_ids.add(test.id())

    def addError(self, test, err):
        super().addError(test, err)
        self.failed_ids.add(test.id())

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.failed_ids.add(test.id())

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.failed_ids.add(test.id())

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.failed_ids.add(test.id())


def _ids(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _ids(t)
        else:
            yield t.id()


def _without(suite, skips):
    """The suite minus the tests whose id contains one of skips (module setups stay lazy: a
    module none of whose tests remain starts nothing)."""
    kept = unittest.TestSuite()
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            inner = _without(t, skips)
            if inner.countTestCases():
                kept.addTest(inner)
        elif not any(s in t.id() for s in skips):
            kept.addTest(t)
    return kept


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="only run tests whose id matches this substring/fnmatch pattern")
    ap.add_argument("--skip", dest="skips", action="append", default=[],
                    help="leave out tests whose id contains this text")
    args = ap.parse_args()

    os.chdir(REPO)
    os.environ.setdefault("STACK_WORKER_BIN", os.path.join(REPO, "build", "shortener"))
    os.environ.setdefault("STACK_ADMIN_BIN", os.path.join(REPO, "build", "shortener-admin"))

    # A SIGTERM/SIGINT still tears the stack down (finally below).
    def on_signal(signum, _frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)

    loader = unittest.TestLoader()
    if args.patterns:
        loader.testNamePatterns = ["*%s*" % p if not any(c in p for c in "*?[") else p
                                   for p in args.patterns]
    suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    if args.skips:
        suite = _without(suite, args.skips)
    all_ids = list(_ids(suite))
    # Loader failures (import errors) show up as tests named unittest.loader._FailedTest.*.
    total = len(all_ids)

    result = None
    hits = None
    passed = 0
    t0 = time.time()
    try:
        runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout, resultclass=CountingResult)
        result = runner.run(suite)
    except KeyboardInterrupt as e:
        print("interrupted: %s" % e, flush=True)
    finally:
        ok = result is not None and not result.failed_ids and len(result.passed_ids) == total
        sys.stdout.flush()
        hits = harness.teardown_stack(keep=not ok)
    if result is not None:
        passed = len(result.passed_ids - result.failed_ids)
    if hits is not None:
        # One more check once the workers have stopped (leak reports are written at exit).
        total += 1
        if hits:
            print("FAIL: worker logs hold %d sanitizer report line(s), see above" % len(hits))
        else:
            passed += 1
    failed = total - passed
    if total == 0:
        print("no test matched %r" % args.patterns)
    print("(%.1fs)" % (time.time() - t0))
    print("integration: %d passed, %d failed" % (passed, failed), flush=True)
    return 0 if failed == 0 and total > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
