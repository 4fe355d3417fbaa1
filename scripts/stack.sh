#!/usr/bin/env bash
# stack.sh: the private development/test stack of `make run`, `make run-instance`, the
# integration tests and `make bench`, all of it under one directory DIR, on loopback and unix
# sockets only. One script per concern under scripts/stack/ (db.sh, memcached.sh, web.sh, and
# lib.sh, which they share); this one runs them together:
#
#   stack.sh up DIR PORT [WORKERS]       db-up + memcached-up (unix socket) + web-up
#   stack.sh down DIR                    every web instance, then memcached, then MariaDB
#   stack.sh status DIR                  what runs (for a supervisor pool: its pid and workers)
#   stack.sh is-running DIR [db]         exit 0 if any process of the stack (with db: its MariaDB) is alive
#   stack.sh port-free PORT              exit 0 if nothing listens on TCP port PORT
#   stack.sh db-up|db-down|db-restart|purge DIR              scripts/stack/db.sh
#   stack.sh cluster-up DIR [NODES] | cluster-down DIR | cluster-status DIR |
#            node-up|node-down|node-kill DIR N               scripts/stack/cluster.sh (Galera)
#   stack.sh memcached-up DIR [PORT|socket] | memcached-down DIR   scripts/stack/memcached.sh
#   stack.sh memcached-pool-up DIR N | memcached-pool-down DIR
#   stack.sh web-up DIR PORT [WORKERS] | web-down DIR PORT | web-alive DIR PORT   scripts/stack/web.sh (STACK_FRONT, STACK_POOL)
#
# DIR/stack.env (0600) holds the SHORTENER_* config of the stack; the workers and the admin tool
# get these unless the caller exported the same variable. Environment: STACK_WORKER_BIN,
# STACK_ADMIN_BIN (default build/shortener, build/shortener-admin), WORKERS (default 4),
# STACK_ACCESS_LOG=0 (no access log). Processes are stopped only through the pids recorded under
# DIR, and only while each is still the program that was started there.
source "$(dirname "${BASH_SOURCE[0]}")/stack/lib.sh"
readonly PARTS=$REPO/scripts/stack

web_ports() { local w; for w in "$D"/web-*; do [[ ${w##*/web-} =~ ^[0-9]+$ ]] && echo "${w##*/web-}"; done; return 0; }

cmd=${1:-}
(( $# > 0 )) && shift
case $cmd in
  db-up | db-down | db-restart | purge) exec "$PARTS/db.sh" "${cmd#db-}" "$@" ;;
  cluster-up | cluster-down | cluster-status) exec "$PARTS/cluster.sh" "${cmd#cluster-}" "$@" ;;
  node-up | node-down | node-kill) exec "$PARTS/cluster.sh" "$cmd" "$@" ;;
  memcached-up | memcached-down | memcached-pool-up | memcached-pool-down)
    exec "$PARTS/memcached.sh" "${cmd#memcached-}" "$@" ;;
  web-up | web-down | web-alive) exec "$PARTS/web.sh" "${cmd#web-}" "$@" ;;
  up)
    [[ -n ${1:-} && -n ${2:-} ]] || die "usage: stack.sh up DIR PORT [WORKERS]"
    check_port "$2"
    ! port_in_use "$2" || die "port $2 is in use by another program"  # before starting anything
    dir_init "$1" create
    UNDO+=("'$0' down '$D'")
    "$PARTS/db.sh" up "$D"
    "$PARTS/memcached.sh" up "$D" socket
    "$PARTS/web.sh" up "$D" "$2" "${3:-}" ;;
  down)
    dir_init "${1:?usage: stack.sh down DIR}" || exit 0
    for port in $(web_ports); do "$PARTS/web.sh" down "$D" "$port" >/dev/null; done
    "$PARTS/memcached.sh" down "$D"
    "$PARTS/memcached.sh" pool-down "$D"
    "$PARTS/db.sh" down "$D"
    "$PARTS/cluster.sh" down "$D" ;;
  status)
    dir_init "${1:?usage: stack.sh status DIR}" || { say "no stack in $1"; exit 0; }
    echo "stack $D"
    if pid=$(live_pid "$D/mysql.pid" mariadbd); then row="running, pid $pid, socket $D/mysql.sock"; else row=stopped; fi
    printf '  %-10s %s\n' mariadb "$row"
    row=stopped
    if pid=$(live_pid "$D/memcached.pid" memcached); then
      row="running, pid $pid, $(sed 's/^/127.0.0.1:/' "$D/memcached.port" 2>/dev/null || echo "$D/memcached.sock")"
    fi
    printf '  %-10s %s\n' memcached "$row"
    for port in $(web_ports); do "$PARTS/web.sh" status "$D" "$port"; done ;;
  is-running)
    dir_init "${1:?usage: stack.sh is-running DIR [db]}" || exit 1
    live_pid "$D/mysql.pid" mariadbd >/dev/null && exit 0
    [[ ${2:-} != db ]] || exit 1
    live_pid "$D/memcached.pid" memcached >/dev/null && exit 0
    for port in $(web_ports); do "$PARTS/web.sh" alive "$D" "$port" && exit 0; done
    exit 1 ;;
  port-free) check_port "${1:?usage: stack.sh port-free PORT}"; ! port_in_use "$1" ;;
  *) grep '^#   stack.sh' "$0" | sed 's/^# /usage: /' >&2; exit 2 ;;
esac
