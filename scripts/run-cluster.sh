#!/usr/bin/env bash
# run-cluster.sh: what `make run-cluster` calls, with PORT and WORKERS from make. Everything on
# loopback, data in var/cluster/ of this checkout (STACK_DIR to put it elsewhere), in the
# foreground: a three-node MariaDB Galera cluster (node 1 bootstraps it, nodes 2 and 3 join),
# a pool of two memcached servers, and two web instances (lighttpd + WORKERS workers each) on
# PORT and PORT+1, the first preferring node 1, the second node 2. Ctrl-C, SIGTERM or closing
# the terminal stops all of it, and run-cluster.sh returns only once all of it is gone.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly STACK=$REPO/scripts/stack.sh
readonly VAR=${STACK_DIR:-$REPO/var/cluster}
readonly PORT=${PORT:-8000}
readonly PORT2=$(( PORT + 1 ))
readonly WORKERS=${WORKERS:-4}

die() { printf 'run-cluster: %s\n' "$*" >&2; exit 1; }

if "$STACK" is-running "$VAR" || [[ -n $("$STACK" cluster-status "$VAR" 2>/dev/null | grep running) ]]; then
  die "a cluster stack already runs in $VAR; stop it with Ctrl-C in its terminal, or: scripts/stack.sh down $VAR"
fi
for p in "$PORT" "$PORT2"; do
  "$STACK" port-free "$p" || die "port $p is in use by another program; choose another: make run-cluster PORT=8080"
done

sleeper=''
# shellcheck disable=SC2317  # run by the EXIT trap
stop_all() {  # a second Ctrl-C must not cut the shutdown short
  trap '' INT TERM HUP
  [[ -z $sleeper ]] || kill "$sleeper" 2>/dev/null || true
  printf '\nrun-cluster: stopping the instances, memcached and the three nodes\n'
  "$STACK" down "$VAR" || true
}
trap stop_all EXIT
for sig in HUP:129 INT:130 TERM:143; do trap "exit ${sig#*:}" "${sig%:*}"; done

mkdir -p "$VAR"
"$STACK" cluster-up "$VAR" 3
"$STACK" memcached-pool-up "$VAR" 2
nodes=()
for n in 1 2 3; do nodes+=("$VAR/galera-$n/mysql.sock"); done
SHORTENER_MYSQL_SERVERS="${nodes[0]},${nodes[1]},${nodes[2]}" "$STACK" web-up "$VAR" "$PORT" "$WORKERS"
SHORTENER_MYSQL_SERVERS="${nodes[1]},${nodes[2]},${nodes[0]}" "$STACK" web-up "$VAR" "$PORT2" "$WORKERS"

cat <<EOF

shortener runs on a three-node Galera cluster:
  http://localhost:$PORT   (workers prefer node 1, then 2, then 3)
  http://localhost:$PORT2   (workers prefer node 2, then 3, then 1)
memcached pool: $(grep '^SHORTENER_MEMCACHED_SERVERS=' "$VAR/stack.env" | cut -d= -f2)
nodes, their state and sockets:  scripts/stack.sh cluster-status $VAR
a node crashing and coming back: scripts/stack.sh node-kill $VAR 2; scripts/stack.sh node-up $VAR 2
a user and a key:  printf 'a long password\n' | STACK_DIR=$VAR scripts/admin.sh user create demo demo@example.org
                   KEY=\$(STACK_DIR=$VAR scripts/admin.sh apikey create demo)
logs: $VAR/galera-N/mysql.log, $VAR/web-PORT/workers.log
Ctrl-C stops everything.
EOF

# Until Ctrl-C, or until either instance's web server is gone (stack.sh web-alive).
until ! "$STACK" web-alive "$VAR" "$PORT" || ! "$STACK" web-alive "$VAR" "$PORT2"; do
  sleep 2 & sleeper=$!
  wait "$sleeper" || true
done
sleeper=''
echo "run-cluster: a web server has stopped (ports $PORT, $PORT2); stopping the rest" >&2
exit 1
