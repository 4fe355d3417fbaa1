#!/usr/bin/env bash
# run-instance.sh: what `make run-instance PORT=8001` calls. Adds one more web server + worker pool
# (lighttpd on 127.0.0.1:PORT, `shortener --workers WORKERS`) to the stack of a running `make run`, on the same
# MariaDB and memcached, in the foreground. Ctrl-C stops this instance only; stopping `make run`
# stops it too.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly STACK=$REPO/scripts/stack.sh
readonly VAR=${STACK_DIR:-$REPO/var}
readonly PORT=${PORT:-8001}
readonly WORKERS=${WORKERS:-8}

die() { printf 'run-instance: %s\n' "$*" >&2; exit 1; }

"$STACK" is-running "$VAR" db ||
  die "no \`make run\` stack is running in var/: start one first with \`make run\` (in another terminal), then: make run-instance PORT=$PORT"
"$STACK" port-free "$PORT" ||
  die "port $PORT is in use (by the \`make run\` stack or another program); choose another one: make run-instance PORT=$((PORT + 1))"

sleeper=''
# shellcheck disable=SC2317  # run by the EXIT trap
stop_instance() {
  trap '' INT TERM HUP
  if [[ -n $sleeper ]]; then kill "$sleeper" 2>/dev/null || true; fi
  echo
  echo "run-instance: stopping the instance on port $PORT"
  "$STACK" web-down "$VAR" "$PORT" || true
}
trap stop_instance EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

"$STACK" web-up "$VAR" "$PORT" "$WORKERS"

cat <<EOF

second instance runs at http://localhost:$PORT  ($WORKERS workers; same data as \`make run\`; logs in var/web-$PORT/)
try (an API key of \`make run\`'s demo user; the answer is a 201 with the short URL):
  KEY=\$(scripts/admin.sh apikey create demo --name "make run-instance")
  curl -s http://localhost:$PORT/url/shorten -H "X-API-Key: \$KEY" -H 'Content-Type: application/json' -d '{"url":"https://example.com/"}'
Ctrl-C stops this instance only.
EOF

# The web server stack.sh started (lighttpd unless STACK_FRONT chose nginx or Apache).
read -r front <"$VAR/web-$PORT/front"
read -r web_pid <"$VAR/web-$PORT/$front.pid"
while kill -0 "$web_pid" 2>/dev/null; do
  sleep 2 &
  sleeper=$!
  wait "$sleeper" || true
  sleeper=''
done
echo "run-instance: the web server on port $PORT has stopped (did \`make run\` stop?)" >&2
exit 1
