#!/usr/bin/env bash
# run.sh [instance|cluster]: what `make run`, `make run-instance` and `make run-cluster` call, with
# PORT and WORKERS from make. In the foreground; Ctrl-C, SIGTERM or closing the terminal stops
# what it started, and it returns only once all of that is gone.
#   run.sh           the whole private stack (MariaDB, memcached, lighttpd + `shortener --workers
#                    WORKERS` on 127.0.0.1:PORT), data in var/ of this checkout (or STACK_DIR)
#   run.sh instance  one more web server + worker pool on PORT, on the data of a running
#                    `make run`; stopping `make run` stops it too
#   run.sh cluster   a three-node MariaDB Galera cluster (node 1 bootstraps it, 2 and 3 join), a
#                    pool of two memcached and instances on PORT and PORT+1, the first preferring
#                    node 1, the second node 2; data in var/cluster/ (or STACK_DIR)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly STACK=$REPO/scripts/stack.sh MODE=${1:-run}
case $MODE in
  run) NAME=run VAR=${STACK_DIR:-$REPO/var} PORT=${PORT:-8000} WORKERS=${WORKERS:-8} ;;
  instance) NAME=run-instance VAR=${STACK_DIR:-$REPO/var} PORT=${PORT:-8001} WORKERS=${WORKERS:-8} ;;
  cluster) NAME=run-cluster VAR=${STACK_DIR:-$REPO/var/cluster} PORT=${PORT:-8000} WORKERS=${WORKERS:-4} ;;
  *) echo "usage: run.sh [instance|cluster]" >&2; exit 2 ;;
esac
PORTS=("$PORT")
[[ $MODE != cluster ]] || PORTS+=("$((PORT + 1))")
die() { printf '%s: %s\n' "$NAME" "$*" >&2; exit 1; }

run_sh_alive() {  # the `make run` recorded in var/run.pid is still running
  local pid='' args
  if [[ -s $VAR/run.pid ]]; then read -r pid <"$VAR/run.pid" || true; fi
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # Started through env and bash, so its name is bash: look for this script among its arguments.
  args=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  grep -qE '(^|/)run\.sh$' <<<"$args"
}

case $MODE in
  run) if "$STACK" is-running "$VAR"; then
      urls=$("$STACK" status "$VAR" | grep -o 'http://localhost:[0-9]*' | paste -sd ' ') || true
      if run_sh_alive; then
        die "another \`make run\` is already running from this checkout (pid $(<"$VAR/run.pid"), stack in var/)${urls:+, serving $urls}.
run: use it, or stop it with Ctrl-C in its terminal.
run: to add a second web server + worker pool on the same data: make run-instance PORT=8001"
      fi
      die "a stack from an earlier \`make run\` is still running in var/${urls:+ (at $urls)}, but that \`make run\` is gone.
run: stop it with: scripts/stack.sh down var    (or add an instance to it: make run-instance PORT=8001)"
    fi ;;
  instance) "$STACK" is-running "$VAR" db ||
    die "no \`make run\` stack is running in var/: start one first with \`make run\` (in another terminal), then: make run-instance PORT=$PORT" ;;
  cluster) if "$STACK" is-running "$VAR" || "$STACK" cluster-status "$VAR" 2>/dev/null | grep -q running; then
      die "a cluster stack already runs in $VAR; stop it with Ctrl-C in its terminal, or: scripts/stack.sh down $VAR"
    fi ;;
esac
for p in "${PORTS[@]}"; do
  "$STACK" port-free "$p" || die "port $p is in use by another program; choose another one: make ${NAME} PORT=$((PORT + ${#PORTS[@]}))"
done

readonly PURGE_INTERVAL=60  # seconds; systemd/shortener-purge.timer does this in production
sleeper='' purger=''
# shellcheck disable=SC2317  # run by the EXIT trap
stop_all() {
  trap '' INT TERM HUP  # a second Ctrl-C must not cut the shutdown short
  [[ -z $sleeper ]] || kill "$sleeper" 2>/dev/null || true
  if [[ -n $purger ]]; then kill "$purger" 2>/dev/null || true; wait "$purger" || true; fi
  echo
  case $MODE in
    run) rm -f "$VAR/purge.pid"; echo "run: stopping the stack"; "$STACK" down "$VAR" || true; rm -f "$VAR/run.pid" ;;
    instance) echo "run-instance: stopping the instance on port $PORT"; "$STACK" web-down "$VAR" "$PORT" || true ;;
    cluster) echo "run-cluster: stopping the instances, memcached and the three nodes"; "$STACK" down "$VAR" || true ;;
  esac
}
trap stop_all EXIT
for sig in HUP:129 INT:130 TERM:143; do trap "exit ${sig#*:}" "${sig%:*}"; done
mkdir -p "$VAR"

try_key() {  # the hint's line that makes an API key of the demo user
  printf 'KEY=$(%sscripts/admin.sh apikey create demo --name "make %s")' "${1:-}" "$NAME"
}
case $MODE in
  run)
    echo $$ >"$VAR/run.pid"
    "$STACK" up "$VAR" "$PORT" "$WORKERS"
    # Expired links are deleted every PURGE_INTERVAL seconds, as the systemd timer does on a
    # server. The loop's own sleep is killed with it, so nothing outlives `make run`.
    (
      nap=''
      trap '[[ -z $nap ]] || kill "$nap" 2>/dev/null; exit 0' TERM
      while true; do
        sleep "$PURGE_INTERVAL" & nap=$!
        wait "$nap" || true
        "$STACK" purge "$VAR" >>"$VAR/purge.log" 2>&1 || true
      done
    ) &
    purger=$!
    echo "$purger" >"$VAR/purge.pid"
    # A demo account on first start, so the hint below works as printed: its API key is shown
    # this once (the database keeps only its digest); later starts show how to make another.
    key_line=$(try_key)
    if [[ ! -e $VAR/demo-user ]]; then
      password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
      if printf '%s\n' "$password" | "$REPO/scripts/admin.sh" user create demo demo@example.org >/dev/null &&
          key=$("$REPO/scripts/admin.sh" apikey create demo --name "make run demo"); then
        echo demo >"$VAR/demo-user"
        key_line="KEY=$key"
        printf '\nrun: created the user '"'demo'"' (password %s) and an API key, shown only now:\n' "$password"
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
    ;;
  instance)
    "$STACK" web-up "$VAR" "$PORT" "$WORKERS"
    cat <<EOF

second instance runs at http://localhost:$PORT  ($WORKERS workers; same data as \`make run\`; logs in var/web-$PORT/)
try (an API key of \`make run\`'s demo user; the answer is a 201 with the short URL):
  $(try_key)
  curl -s http://localhost:$PORT/url/shorten -H "X-API-Key: \$KEY" -H 'Content-Type: application/json' -d '{"url":"https://example.com/"}'
Ctrl-C stops this instance only.
EOF
    ;;
  cluster)
    "$STACK" cluster-up "$VAR" 3
    "$STACK" memcached-pool-up "$VAR" 2
    n1=$VAR/galera-1/mysql.sock n2=$VAR/galera-2/mysql.sock n3=$VAR/galera-3/mysql.sock
    SHORTENER_MYSQL_SERVERS="$n1,$n2,$n3" "$STACK" web-up "$VAR" "$PORT" "$WORKERS"
    SHORTENER_MYSQL_SERVERS="$n2,$n3,$n1" "$STACK" web-up "$VAR" "${PORTS[1]}" "$WORKERS"
    cat <<EOF

shortener runs on a three-node Galera cluster:
  http://localhost:$PORT   (workers prefer node 1, then 2, then 3)
  http://localhost:${PORTS[1]}   (workers prefer node 2, then 3, then 1)
memcached pool: $(grep '^SHORTENER_MEMCACHED_SERVERS=' "$VAR/stack.env" | cut -d= -f2)
nodes, their state and sockets:  scripts/stack.sh cluster-status $VAR
a node crashing and coming back: scripts/stack.sh node-kill $VAR 2; scripts/stack.sh node-up $VAR 2
a user and a key:  printf 'a long password\n' | STACK_DIR=$VAR scripts/admin.sh user create demo demo@example.org
                   $(try_key "STACK_DIR=$VAR ")
logs: $VAR/galera-N/mysql.log, $VAR/web-PORT/workers.log
Ctrl-C stops everything.
EOF
    ;;
esac

# Until Ctrl-C, or until the web server of an instance is gone.
front_alive() {  # PORT: the web server stack.sh started there (lighttpd unless STACK_FRONT says)
  local front pid
  read -r front <"$VAR/web-$1/front" && read -r pid <"$VAR/web-$1/$front.pid" && kill -0 "$pid" 2>/dev/null
}
while front_alive "$PORT" && front_alive "${PORTS[-1]}"; do
  sleep 2 & sleeper=$!
  wait "$sleeper" || true
done
sleeper=''
case $MODE in
  run) echo "run: the web server on port $PORT has stopped" >&2 ;;
  instance) echo "run-instance: the web server on port $PORT has stopped (did \`make run\` stop?)" >&2 ;;
  cluster) echo "run-cluster: a web server has stopped (ports ${PORTS[*]}); stopping the rest" >&2 ;;
esac
exit 1
