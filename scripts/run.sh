#!/usr/bin/env bash
# run.sh: what `make run` calls, with PORT and WORKERS from make. Runs the whole private stack
# (MariaDB, memcached, lighttpd + `shortener --workers WORKERS` on 127.0.0.1:PORT) with its data in
# var/ of this checkout (STACK_DIR to put it elsewhere), in the foreground. Ctrl-C, SIGTERM or
# closing the terminal stops all of it, and run.sh returns only once all of it is gone.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly STACK=$REPO/scripts/stack.sh
readonly VAR=${STACK_DIR:-$REPO/var}
readonly PORT=${PORT:-8000}
readonly WORKERS=${WORKERS:-8}

die() { printf 'run: %s\n' "$*" >&2; exit 1; }

run_sh_alive() {  # the run.sh recorded in var/run.pid is still running
  local pid=''
  if [[ -s $VAR/run.pid ]]; then read -r pid <"$VAR/run.pid" || true; fi
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # Started through env and bash, so its name is bash: look for this script among its arguments.
  local args
  args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qE '(^|/)run\.sh$' <<<"$args"
}

if "$STACK" is-running "$VAR"; then
  urls=$("$STACK" status "$VAR" | grep -o 'http://localhost:[0-9]*' | paste -sd ' ') || true
  if run_sh_alive; then
    cat >&2 <<EOF
run: another \`make run\` is already running from this checkout (pid $(<"$VAR/run.pid"), stack in var/)${urls:+, serving $urls}.
run: use it, or stop it with Ctrl-C in its terminal.
run: to add a second web server + worker pool on the same data: make run-instance PORT=8001
EOF
  else
    cat >&2 <<EOF
run: a stack from an earlier \`make run\` is still running in var/${urls:+ (at $urls)}, but that \`make run\` is gone.
run: stop it with: scripts/stack.sh down var    (or add an instance to it: make run-instance PORT=8001)
EOF
  fi
  exit 1
fi
"$STACK" port-free "$PORT" ||
  die "port $PORT is in use by another program; choose another one: make run PORT=8080"

readonly PURGE_INTERVAL=60  # seconds; systemd/shortener-purge.timer does this in production
sleeper=''
purger=''
# shellcheck disable=SC2317  # run by the EXIT trap
stop_all() {
  # A second Ctrl-C must not cut the shutdown short; stack.sh inherits the ignored signals.
  trap '' INT TERM HUP
  if [[ -n $sleeper ]]; then kill "$sleeper" 2>/dev/null || true; fi
  if [[ -n $purger ]]; then kill "$purger" 2>/dev/null || true; wait "$purger" || true; fi
  rm -f "$VAR/purge.pid"
  echo
  echo "run: stopping the stack"
  "$STACK" down "$VAR" || true
  rm -f "$VAR/run.pid"
}
trap stop_all EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$VAR"
echo $$ >"$VAR/run.pid"
"$STACK" up "$VAR" "$PORT" "$WORKERS"

# Expired links are deleted every PURGE_INTERVAL seconds, as the systemd timer does on a server.
# The loop's own sleep is killed with it, so nothing outlives `make run`.
(
  nap=''
  trap 'if [[ -n $nap ]]; then kill "$nap" 2>/dev/null; fi; exit 0' TERM
  while true; do
    sleep "$PURGE_INTERVAL" &
    nap=$!
    wait "$nap" || true
    "$STACK" purge "$VAR" >>"$VAR/purge.log" 2>&1 || true
  done
) &
purger=$!
echo "$purger" >"$VAR/purge.pid"

# A demo account on first start, so the hint below works as printed: its API key is shown this
# once (the database keeps only its digest, like any key); later starts show how to make another.
readonly ADMIN=$REPO/scripts/admin.sh
key_line='KEY=$(scripts/admin.sh apikey create demo --name "make run")'
if [[ ! -e $VAR/demo-user ]]; then
  password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
  if printf '%s\n' "$password" | "$ADMIN" user create demo demo@example.org >/dev/null &&
      key=$("$ADMIN" apikey create demo --name "make run demo"); then
    echo demo >"$VAR/demo-user"
    key_line="KEY=$key"
    echo
    echo "run: created the user 'demo' (password $password) and an API key, shown only now:"
  fi
fi

cat <<EOF

shortener runs at http://localhost:$PORT  ($WORKERS workers; data in var/, logs in var/web-$PORT/, var/mysql.log
and var/purge.log, where expired links are deleted once a minute)
try (the demo user's API key; the answer is a 201 with the short URL):
  $key_line
  curl -s http://localhost:$PORT/url/shorten -H "X-API-Key: \$KEY" -H 'Content-Type: application/json' -d '{"url":"https://example.com/"}'
the admin tool on this stack (users, keys, links; --help lists the commands):
  scripts/admin.sh user list
a second instance on the same data: make run-instance PORT=8001
Ctrl-C stops everything.
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
echo "run: the web server on port $PORT has stopped" >&2
exit 1
