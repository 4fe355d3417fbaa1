#!/usr/bin/env bash
# Runs every test suite against the binaries in $BUILD_DIR (default build/) and ends with one
# line "N passed, M failed" summing them all. Exit status 0 only if nothing failed.
#   scripts/run-tests.sh            all suites
#   SUITES="unit" scripts/run-tests.sh
#   INTEGRATION_ARGS="--skip test_fronts." ...  arguments for tests/integration/run.py
#   SUITES="fuzz" scripts/run-tests.sh   every libFuzzer target for FUZZ_SECONDS (default 10)
#   SUITES="bench" scripts/run-tests.sh  the bench machinery, a few seconds (not the bench itself)
#   SUITES="deploy" scripts/run-tests.sh make install/uninstall and systemd-analyze verify
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
BUILD_DIR=${BUILD_DIR:-build}
SUITES=${SUITES:-"format layers unit integration deploy fuzz bench"}
passed=0
failed=0
started=$(date +%s)

count() {  # count NAME PASSED FAILED
  echo "== $1: $2 passed, $3 failed"
  passed=$((passed + $2))
  failed=$((failed + $3))
}

for suite in $SUITES; do
  case $suite in
    format)
      if make -s format-check; then count format 1 0; else count format 0 1; fi
      ;;
    layers)
      # The check itself, then the check against a copy of src/ with an upward include planted:
      # a check that cannot fail would pass both.
      p=0; f=0
      if make -s layers; then p=$((p + 1)); else f=$((f + 1)); fi
      planted=$(mktemp -d)
      cp -r src "$planted/"
      echo '#include "cmd/config.h"' >>"$planted/src/base/clock.h"
      if scripts/check-layers.sh "$planted/src" 2>/dev/null; then
        echo "layers: the planted upward include in base/clock.h was not found"; f=$((f + 1))
      else p=$((p + 1)); fi
      rm -rf "$planted"
      count layers "$p" "$f"
      ;;
    unit)
      out=$("$BUILD_DIR/unit_tests" --report_level=short 2>&1)
      rc=$?
      echo "$out" | tail -n 40
      total=$(echo "$out" | sed -nE 's/^ *([0-9]+) test cases? out of ([0-9]+) (passed|failed).*/\2/p' | head -n1)
      bad=$(echo "$out" | sed -nE 's/^ *([0-9]+) test cases? out of [0-9]+ failed.*/\1/p' | head -n1)
      total=${total:-0}
      bad=${bad:-0}
      if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi  # crashed before reporting
      count unit $((total - bad)) "$bad"
      ;;
    integration)
      out=$(STACK_WORKER_BIN="$PWD/$BUILD_DIR/shortener" STACK_ADMIN_BIN="$PWD/$BUILD_DIR/shortener-admin" \
        /usr/bin/python3 tests/integration/run.py ${INTEGRATION_ARGS:-} 2>&1)
      rc=$?
      # Which tests failed, then the tail (the stack's logs when something failed).
      echo "$out" | grep -E '^(FAIL|ERROR): ' | head -n 40
      echo "$out" | tail -n 60
      line=$(echo "$out" | grep -E '^integration: [0-9]+ passed, [0-9]+ failed$' | tail -n1)
      p=$(echo "$line" | sed -nE 's/^integration: ([0-9]+) passed.*/\1/p')
      f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed$/\1/p')
      p=${p:-0}
      f=${f:-0}
      if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
      count integration "$p" "$f"
      ;;
    deploy)
      out=$(BUILD_DIR="$BUILD_DIR" scripts/check-deploy.sh 2>&1)
      rc=$?
      echo "$out" | grep -vE '^installed |^kept '
      p=$(echo "$out" | grep -cE '^deploy [a-z-]+: passed')
      f=$(echo "$out" | grep -cE '^deploy [a-z-]+: failed')
      if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
      count deploy "$p" "$f"
      ;;
    fuzz)
      # One "fuzz <target>: passed|failed" line per target from `make fuzz`; nothing if it did
      # not build.
      out=$(make -s -j"$(nproc)" fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-10}" 2>&1)
      rc=$?
      if [ "$rc" -ne 0 ]; then echo "$out"; else echo "$out" | grep -E '^fuzz '; fi
      p=$(echo "$out" | grep -cE '^fuzz [a-z0-9_]+: passed')
      f=$(echo "$out" | grep -cE '^fuzz [a-z0-9_]+: failed')
      if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
      count fuzz "$p" "$f"
      ;;
    bench)
      # make bench's machinery (wrk, lighttpd, nginx, spawn-fcgi, the bare FastCGI 302), one
      # second a row and no database; the bench itself is `make bench`.
      if python3 tests/bench/bench.py --build-dir "$BUILD_DIR" --smoke; then
        count bench 1 0
      else
        count bench 0 1
      fi
      ;;
    *)
      echo "unknown suite $suite" >&2
      failed=$((failed + 1))
      ;;
  esac
done
echo "(took $((($(date +%s) - started + 59) / 60)) min)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
