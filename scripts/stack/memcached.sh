#!/usr/bin/env bash
# memcached.sh up DIR [PORT|socket] | down DIR: the stack's memcached on 127.0.0.1. Without PORT it
# takes the port it had before (so running workers find it again) if free, else a free one; with
# "socket" it listens on DIR/memcached.sock only, mode 0700 (whoever can write to memcached can
# delete the service's entries and spend anyone's rate limits). Writes SHORTENER_MEMCACHED_SERVERS
# to DIR/stack.env.
#   memcached.sh pool-up DIR N | pool-down DIR: a pool of N memcached servers, each in
# DIR/memcached-K (K = 1..N) on a port of its own, all of them in DIR/stack.env's
# SHORTENER_MEMCACHED_SERVERS (the workers hash keys over them, libmemcached ketama).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
if (( EUID == 0 )); then AS=(-u root); else AS=(); fi

# start READY ARGS...: memcached ARGS; 0 once the command READY succeeds, 1 if memcached exited
# first (e.g. its port was taken).
start() {
  local ready=$1 deadline pid
  shift
  start_bg "$D/memcached.log" "$D/memcached.pid" memcached "$@" -m 64 "${AS[@]}"
  pid=$(<"$D/memcached.pid")
  UNDO+=("stop_pids 10 memcached $pid")
  for (( deadline = SECONDS + START_TIMEOUT; SECONDS < deadline; )); do
    is_alive "$pid" || return 1
    $ready && { is_alive "$pid" || return 1; return 0; }  # ours, not another program's
    sleep 0.05
  done
  die "memcached did not start ($*) within ${START_TIMEOUT}s"
}

up_socket() {
  local sock=$D/memcached.sock pid
  if ! pid=$(live_pid "$D/memcached.pid" memcached); then
    rm -f "$sock" "$D/memcached.port"
    start "test -S $sock" -s "$sock" -a 0700 || { show_log "$D/memcached.log"; die "memcached did not start on $sock"; }
    pid=$(<"$D/memcached.pid")
  fi
  env_set SHORTENER_MEMCACHED_SERVERS "$sock"
  say "memcached up (pid $pid, $sock)"
}

up() {
  local want=${1:-} pid port try
  [[ $want != socket ]] || { up_socket; return 0; }
  [[ -z $want ]] || check_port "$want"
  if pid=$(live_pid "$D/memcached.pid" memcached); then
    port=$(cat "$D/memcached.port" 2>/dev/null) || die "memcached of $D already runs on $D/memcached.sock"
    [[ -z $want || $want == "$port" ]] || die "memcached of $D already runs on port $port, not $want"
    say "memcached already running (pid $pid, 127.0.0.1:$port)"
  else
    [[ -z $want ]] || ! port_in_use "$want" || die "port $want is in use by another program"
    for try in 1 2 3 4 5; do
      port=$want
      if [[ -z $port ]]; then
        port=$(cat "$D/memcached.port" 2>/dev/null) || true
        [[ $try == 1 && -n $port ]] && ! port_in_use "$port" || port=$(pick_port)
      fi
      if start "tcp_accepts $port" -l 127.0.0.1 -p "$port" -U 0; then break; fi
      [[ -z $want && $try != 5 ]] || { show_log "$D/memcached.log"; die "memcached exited during start"; }
    done
    echo "$port" >"$D/memcached.port"
    say "memcached up (pid $(<"$D/memcached.pid"), 127.0.0.1:$port)"
  fi
  env_set SHORTENER_MEMCACHED_SERVERS "127.0.0.1:$port"
}

pool_up() {  # N
  local n=$1 k list='' top=$D
  [[ $n =~ ^[1-9]$ ]] || die "N must be 1 to 9"
  for (( k = 1; k <= n; k++ )); do
    "$0" up "$top/memcached-$k" >/dev/null || die "memcached $k did not start"
    UNDO+=("'$0' down '$top/memcached-$k'")
    list+="${list:+,}127.0.0.1:$(<"$top/memcached-$k/memcached.port")"
  done
  env_set SHORTENER_MEMCACHED_SERVERS "$list"
  say "memcached pool up: $list"
}
pool_down() {
  local m
  for m in "$D"/memcached-[0-9]*; do [[ ! -d $m ]] || "$0" down "$m"; done
}

case ${1:-} in
  pool-up) dir_init "${2:?usage: memcached.sh pool-up DIR N}" create; pool_up "${3:-2}" ;;
  pool-down) dir_init "${2:?usage: memcached.sh pool-down DIR}" || exit 0; pool_down ;;
  up) dir_init "${2:?usage: memcached.sh up DIR [PORT|socket]}" create; up "${3:-}" ;;
  # memcached.port and the stack.env line stay: the next start takes the same port.
  down) dir_init "${2:?usage: memcached.sh down DIR}" || exit 0; stop_daemon memcached "$D/memcached.pid" memcached 10 ;;
  *) die "usage: memcached.sh up DIR [PORT|socket] | down DIR" ;;
esac
