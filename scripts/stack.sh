#!/usr/bin/env bash
# stack.sh: the one implementation of the private development/test stack, used by `make run`,
# `make run-instance` and the integration tests. Everything lives under one directory DIR and
# listens on loopback or unix sockets only:
#
#   stack.sh up DIR PORT [WORKERS]       db-up + memcached-up (unix socket) + web-up
#   stack.sh down DIR                    every web instance, then memcached, then MariaDB
#   stack.sh status DIR                  what runs
#   stack.sh db-up DIR                   private MariaDB (created on first start), then migrations
#   stack.sh db-down DIR
#   stack.sh db-restart DIR              stop and start MariaDB on the same data
#   stack.sh purge DIR                   shortener-admin purge-expired on the stack's database
#   stack.sh memcached-up DIR [PORT]     default: the port it had before if free, else a free one;
#                                        PORT "socket": DIR/memcached.sock, mode 0700, no TCP
#   stack.sh memcached-down DIR
#   stack.sh web-up DIR PORT [WORKERS]   a web server on 127.0.0.1:PORT + a pool of FastCGI workers
#   stack.sh web-down DIR PORT
#   stack.sh is-running DIR [db]         exit 0 if any process of the stack (with db: its MariaDB) is alive
#   stack.sh port-free PORT              exit 0 if nothing listens on TCP port PORT
#
# Files under DIR (mode 0700):
#   stack.env            SHORTENER_* config of this stack, KEY=VALUE lines (0600); the workers and the
#                        admin tool get these unless the caller exported the same variable
#   mysql/ (datadir) mysql.sock mysql.pid mysql.log mysql-install.log mysql.password (0600)
#   slug_secret (0600)
#   memcached.pid memcached.port (TCP) or memcached.sock (socket) memcached.log
#   web-PORT/            front (the web server's program name) FRONT.conf FRONT.pid FRONT.error.log
#                        access.log fcgi.sock (FRONT: lighttpd, nginx or apache2) password-hash.lock
#                        workers.pid (one pid a line) workers.log (the workers' stderr) spawn-fcgi.log
#
# Environment: STACK_WORKER_BIN, STACK_ADMIN_BIN (default build/shortener, build/shortener-admin),
# STACK_ACCESS_LOG=0 (no lighttpd access log), WORKERS (default pool size, 4),
# STACK_FRONT (web-up's web server: dev = lighttpd from conf/lighttpd-dev.conf, the default;
# lighttpd, apache or nginx = the shipped production config conf/FRONT.conf, its paths and port
# rewritten to the instance's), STACK_POOL (spawn-fcgi = WORKERS workers started by spawn-fcgi,
# the default; supervisor = one `shortener --workers WORKERS` that forks and supervises them,
# workers.pid then holds the supervisor's pid), and any SHORTENER_*
# config variable, which wins over stack.env. Own variables never start with SHORTENER_: the worker
# refuses to start on an unknown one.
#
# Processes are stopped only through the pids recorded under DIR, and only after checking that each
# one is still what was started there (program name; for workers, holding DIR's FastCGI socket).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly REPO
readonly SQL_DIR=$REPO/sql
readonly TEMPLATE=$REPO/conf/lighttpd-dev.conf
readonly DEFAULT_MAX_BODY_BYTES=65536  # the worker's max_body_bytes default (API.md)
WORKER_BIN=${STACK_WORKER_BIN:-$REPO/build/shortener}
ADMIN_BIN=${STACK_ADMIN_BIN:-$REPO/build/shortener-admin}
readonly START_TIMEOUT=30  # seconds a server gets to answer after start
# Seconds between SIGTERM and SIGKILL. MariaDB flushes InnoDB; a worker finishes its request and
# flushes its pending clicks; lighttpd and memcached just exit.
readonly DB_STOP_TIMEOUT=30
readonly WORKER_STOP_TIMEOUT=15
readonly DAEMON_STOP_TIMEOUT=10
readonly MAX_SOCKET_PATH=107  # sun_path is 108 bytes with the terminating NUL

if (( EUID == 0 )); then
  # mariadbd and memcached refuse to run as root unless told to; lighttpd and spawn-fcgi keep root
  # when no server.username / -u is given.
  RUN_AS=(--user=root)
  MEMCACHED_AS=(-u root)
  DB_ADMIN=root
else
  RUN_AS=()
  MEMCACHED_AS=()
  DB_ADMIN=$(id -un)
fi
# Small and quick to start; flush at every commit stays on (default), links must be durable.
readonly DB_TUNING=(--innodb-buffer-pool-size=64M --innodb-log-file-size=16M --key-buffer-size=8M
  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci)

D=''     # the stack directory, absolute
UNDO=()  # how to stop what this invocation started; run in reverse order if it fails

die() { printf 'stack.sh: %s\n' "$*" >&2; exit 1; }
say() { printf 'stack.sh: %s\n' "$*"; }

on_exit() {
  local rc=$? i
  if (( rc != 0 && ${#UNDO[@]} > 0 )); then
    say "stopping what this command started" >&2
    for (( i = ${#UNDO[@]} - 1; i >= 0; i-- )); do eval "${UNDO[i]}" || true; done
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

usage() {
  echo "usage:" >&2
  grep '^#   stack.sh' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
  exit 2
}

# dir_init DIR create|existing: sets D. With "existing", returns 1 if DIR does not exist.
dir_init() {
  [[ -n ${1:-} ]] || usage
  # The path goes into config files, stack.env and sed replacements unquoted.
  [[ $1 =~ ^[A-Za-z0-9_./+-]+$ ]] ||
    die "stack directory must be a path of letters, digits and _ . / + - only: '$1'"
  if [[ $2 == create ]]; then
    mkdir -p -- "$1" || die "cannot create directory $1"
  elif [[ ! -d $1 ]]; then
    return 1
  fi
  D=$(cd -- "$1" && pwd -P)
  [[ $D =~ ^[A-Za-z0-9_./+-]+$ ]] ||
    die "stack directory must be a path of letters, digits and _ . / + - only: '$D'"
  # Private, but passable (not listable) once an Apache instance's www-data children must reach
  # their socket and error files inside (see cmd_web_up).
  if [[ -e $D/traverse ]]; then chmod 711 "$D"; else chmod 700 "$D"; fi
}

check_socket_path() {
  (( ${#1} <= MAX_SOCKET_PATH )) ||
    die "socket path too long for a unix socket (${#1} > $MAX_SOCKET_PATH bytes): $1; use a shorter DIR"
}

check_port() {
  if ! [[ $1 =~ ^[1-9][0-9]{0,4}$ ]] || (( $1 > 65535 )); then die "bad port '$1'"; fi
}

check_workers() {
  if ! [[ $1 =~ ^[1-9][0-9]{0,2}$ ]] || (( $1 > 256 )); then die "bad worker count '$1' (1-256)"; fi
}

check_bin() {  # PATH WHAT VARIABLE
  [[ -x $1 && -f $1 ]] || die "$2 $1 not found or not executable (build it with make, or set $3)"
}

show_log() {  # FILE: its tail, on stderr, after a failure
  [[ -s $1 ]] || return 0
  printf 'stack.sh: last lines of %s:\n' "$1" >&2
  tail -n 15 "$1" | sed 's/^/  | /' >&2
}

random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

ensure_secret() {  # FILE BYTES: a random hex secret, created once, mode 0600
  if [[ ! -s $1 ]]; then
    (umask 077 && random_hex "$2" >"$1.tmp" && mv -f "$1.tmp" "$1")
  fi
  chmod 600 "$1"
}

# ---- processes -------------------------------------------------------------------------------

is_alive() {  # PID: exists and is not a zombie
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# live_pid FILE COMM: prints the pid recorded in FILE if that process is alive and named COMM.
live_pid() {
  local pid=''
  [[ -s $1 ]] || return 1
  read -r pid <"$1" || true
  [[ $pid =~ ^[0-9]+$ ]] && is_alive "$pid" || return 1
  [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]] || return 1
  echo "$pid"
}

# live_workers WEBDIR: the pids of WEBDIR/workers.pid that are alive and still have WEBDIR's
# FastCGI listening socket as their stdin (which is how spawn-fcgi hands it over).
live_workers() {
  local w=$1 pid fd0 inodes
  [[ -s $w/workers.pid ]] || return 0
  inodes=" $(awk -v p="$w/fcgi.sock" '$NF == p { printf "%s ", $7 }' /proc/net/unix) "
  # spawn-fcgi writes no newline after the last pid.
  while read -r pid || [[ -n $pid ]]; do
    [[ $pid =~ ^[0-9]+$ ]] || continue
    is_alive "$pid" || continue
    fd0=$(readlink "/proc/$pid/fd/0" 2>/dev/null) || continue
    if [[ $fd0 =~ ^socket:\[([0-9]+)\]$ && $inodes == *" ${BASH_REMATCH[1]} "* ]]; then
      echo "$pid"
      # A supervisor's workers: its children on the same socket.
      [[ -s $w/supervisor ]] || continue
      local child cfd0
      for child in $(cat "/proc/$pid/task/$pid/children" 2>/dev/null); do
        is_alive "$child" || continue
        cfd0=$(readlink "/proc/$child/fd/0" 2>/dev/null) || continue
        [[ $cfd0 == "$fd0" ]] && echo "$child"
      done
    fi
  done <"$w/workers.pid"
  return 0
}

# stop_pids TIMEOUT WHAT PID...: SIGTERM, wait up to TIMEOUT seconds, then SIGKILL.
stop_pids() {
  local timeout=$1 what=$2 pid deadline left
  shift 2
  (( $# > 0 )) || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$(( SECONDS + timeout ))
  while :; do
    left=()
    for pid; do
      if is_alive "$pid"; then left+=("$pid"); fi
    done
    (( ${#left[@]} > 0 )) || return 0
    (( SECONDS < deadline )) || break
    sleep 0.1
  done
  say "$what did not stop within ${timeout}s: SIGKILL to ${left[*]}" >&2
  kill -KILL "${left[@]}" 2>/dev/null || true
  deadline=$(( SECONDS + 5 ))
  for pid in "${left[@]}"; do
    while is_alive "$pid" && (( SECONDS < deadline )); do sleep 0.1; done
  done
  return 0
}

# For UNDO: the pids in FILE were started by this invocation moments ago, so they need no
# check against reuse.
stop_pidfile() {  # TIMEOUT WHAT FILE
  local pids=()
  if [[ -s $3 ]]; then mapfile -t pids < <(grep -E '^[0-9]+$' "$3"); fi
  stop_pids "$1" "$2" "${pids[@]}"
}

# ---- ports -----------------------------------------------------------------------------------

port_in_use() {
  if command -v ss >/dev/null; then
    [[ -n $(ss -Htln "sport = :$1" 2>/dev/null) ]]
  else
    tcp_accepts "$1"
  fi
}

tcp_accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A free port outside Linux's ephemeral range (32768-60999), where the tests' bind-to-port-0
# picks land.
pick_port() {
  local port i
  for (( i = 0; i < 200; i++ )); do
    port=$(( 20000 + RANDOM % 12000 ))
    if ! port_in_use "$port"; then echo "$port"; return 0; fi
  done
  die "found no free port"
}

# ---- stack.env -------------------------------------------------------------------------------

env_set() {  # KEY VALUE: set one line of DIR/stack.env, atomically, mode 0600
  local f=$D/stack.env
  (
    umask 077
    flock 9
    {
      if [[ -f $f ]]; then grep -v "^$1=" "$f" || true; fi
      printf '%s=%s\n' "$1" "$2"
    } >"$f.tmp"
    mv -f "$f.tmp" "$f"
  ) 9>"$D/stack.lock"
}

# with_stack_env CMD...: runs CMD (in a subshell) with stack.env's variables that the caller has
# not exported itself: the caller wins.
with_stack_env() {
  (
    local line
    if [[ -f $D/stack.env ]]; then
      while IFS= read -r line || [[ -n $line ]]; do
        [[ $line =~ ^SHORTENER_[A-Z0-9_]+= ]] || continue
        [[ -v ${line%%=*} ]] || export "${line?}"
      done <"$D/stack.env"
    fi
    "$@"
  )
}

# ---- MariaDB ---------------------------------------------------------------------------------

db_ping() {
  mariadb-admin --no-defaults --socket="$D/mysql.sock" --user="$DB_ADMIN" --connect-timeout=2 \
    ping >/dev/null 2>&1
}

write_db_env() {
  env_set SHORTENER_MYSQL_SOCKET "$D/mysql.sock"
  env_set SHORTENER_MYSQL_USER shortener
  env_set SHORTENER_MYSQL_PASSWORD "$(<"$D/mysql.password")"
  env_set SHORTENER_MYSQL_DATABASE shortener
  env_set SHORTENER_SLUG_SECRET "$(<"$D/slug_secret")"
}

cmd_db_up() {
  dir_init "${1:-}" create
  local pid deadline
  if pid=$(live_pid "$D/mysql.pid" mariadbd); then
    write_db_env
    say "MariaDB already running (pid $pid, socket $D/mysql.sock)"
    return 0
  fi
  check_bin "$ADMIN_BIN" "admin tool" STACK_ADMIN_BIN
  check_socket_path "$D/mysql.sock"
  ensure_secret "$D/mysql.password" 24
  ensure_secret "$D/slug_secret" 32
  rm -f "$D/mysql.pid" "$D/mysql.sock"

  if [[ ! -d $D/mysql ]]; then
    # Made in mysql.new and renamed when complete: an interrupted first start leaves no
    # half-made data directory that a later start would take for a good one.
    say "creating MariaDB data directory $D/mysql"
    rm -rf "$D/mysql.new"
    local socket_user=()
    (( EUID == 0 )) || socket_user=(--auth-root-socket-user="$DB_ADMIN")
    if ! mariadb-install-db --no-defaults --datadir="$D/mysql.new" --auth-root-authentication-method=socket \
        "${socket_user[@]}" --skip-test-db --skip-name-resolve "${RUN_AS[@]}" "${DB_TUNING[@]}" \
        >"$D/mysql-install.log" 2>&1 </dev/null; then
      rm -rf "$D/mysql.new"
      show_log "$D/mysql-install.log"
      die "mariadb-install-db failed (log: $D/mysql-install.log)"
    fi
    mv "$D/mysql.new" "$D/mysql"
  fi

  # setsid: the servers leave the caller's session, so a Ctrl-C meant for `make run` reaches
  # run.sh, which then stops them in order, instead of killing them all at once.
  setsid mariadbd --no-defaults --datadir="$D/mysql" --socket="$D/mysql.sock" \
    --pid-file="$D/mysql.pid" --log-error="$D/mysql.log" --skip-networking --skip-name-resolve \
    --max-connections=500 "${RUN_AS[@]}" "${DB_TUNING[@]}" </dev/null >>"$D/mysql.log" 2>&1 &
  pid=$!
  echo "$pid" >"$D/mysql.pid"
  UNDO+=("stop_pids $DB_STOP_TIMEOUT MariaDB $pid")

  deadline=$(( SECONDS + START_TIMEOUT ))
  until db_ping; do
    if ! is_alive "$pid"; then
      show_log "$D/mysql.log"
      die "mariadbd exited during start (log: $D/mysql.log)"
    fi
    if (( SECONDS >= deadline )); then
      show_log "$D/mysql.log"
      die "MariaDB did not answer within ${START_TIMEOUT}s (log: $D/mysql.log)"
    fi
    sleep 0.2
  done

  # Every start, so the account always matches mysql.password.
  local password
  password=$(<"$D/mysql.password")
  if ! mariadb --no-defaults --socket="$D/mysql.sock" --user="$DB_ADMIN" --batch <<SQL; then
CREATE DATABASE IF NOT EXISTS shortener;
CREATE USER IF NOT EXISTS 'shortener'@'localhost' IDENTIFIED BY '$password';
ALTER USER 'shortener'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON shortener.* TO 'shortener'@'localhost';
SQL
    die "could not create the database and user 'shortener'"
  fi
  write_db_env

  with_stack_env "$ADMIN_BIN" migrate --sql-dir "$SQL_DIR" ||
    die "migration failed: $ADMIN_BIN migrate --sql-dir $SQL_DIR"
  say "MariaDB up (pid $pid, socket $D/mysql.sock)"
}

# Stops the daemon recorded in PIDFILE if that pid is still a live COMM process.
stop_daemon() {  # LABEL PIDFILE COMM TIMEOUT
  local pid
  if pid=$(live_pid "$2" "$3"); then
    say "stopping $1 (pid $pid)"
    stop_pids "$4" "$1" "$pid"
  else
    say "$1 not running"
  fi
  rm -f "$2"
}

stop_db() { stop_daemon MariaDB "$D/mysql.pid" mariadbd "$DB_STOP_TIMEOUT"; }

cmd_db_down() {
  dir_init "${1:-}" existing || { say "no stack in ${1:-}"; return 0; }
  stop_db
}

cmd_purge() {
  dir_init "${1:-}" existing || die "no stack in ${1:-}"
  check_bin "$ADMIN_BIN" "admin tool" STACK_ADMIN_BIN
  with_stack_env "$ADMIN_BIN" purge-expired
}

cmd_db_restart() {
  dir_init "${1:-}" existing || die "no stack in ${1:-}"
  check_bin "$ADMIN_BIN" "admin tool" STACK_ADMIN_BIN  # before stopping anything
  stop_db
  cmd_db_up "$D"
}

# ---- memcached -------------------------------------------------------------------------------

# start_memcached PORT: 0 once it accepts connections, 1 if it exited (e.g. the port was taken).
start_memcached() {
  local port=$1 pid deadline
  setsid memcached -l 127.0.0.1 -p "$port" -U 0 -m 64 "${MEMCACHED_AS[@]}" \
    </dev/null >>"$D/memcached.log" 2>&1 &
  pid=$!
  echo "$pid" >"$D/memcached.pid"
  UNDO+=("stop_pids $DAEMON_STOP_TIMEOUT memcached $pid")
  deadline=$(( SECONDS + START_TIMEOUT ))
  until tcp_accepts "$port"; do
    is_alive "$pid" || return 1
    if (( SECONDS >= deadline )); then
      show_log "$D/memcached.log"
      die "memcached did not accept connections on 127.0.0.1:$port within ${START_TIMEOUT}s"
    fi
    sleep 0.05
  done
  # Something else may have answered on the port; it must be ours.
  is_alive "$pid" || return 1
}

# start_memcached_socket: 0 once DIR/memcached.sock exists, 1 if memcached exited. Mode 0700:
# only this user may connect (whoever can write to memcached can delete the service's entries
# and spend anyone's rate limits; README "Running in production").
start_memcached_socket() {
  local sock=$D/memcached.sock pid deadline
  check_socket_path "$sock"
  rm -f "$sock" "$D/memcached.port"
  setsid memcached -s "$sock" -a 0700 -m 64 "${MEMCACHED_AS[@]}" \
    </dev/null >>"$D/memcached.log" 2>&1 &
  pid=$!
  echo "$pid" >"$D/memcached.pid"
  UNDO+=("stop_pids $DAEMON_STOP_TIMEOUT memcached $pid")
  deadline=$(( SECONDS + START_TIMEOUT ))
  until [[ -S $sock ]]; do
    is_alive "$pid" || return 1
    (( SECONDS < deadline )) || die "memcached did not create $sock within ${START_TIMEOUT}s"
    sleep 0.05
  done
  env_set SHORTENER_MEMCACHED_SERVERS "$sock"
  say "memcached up (pid $pid, $sock)"
}

cmd_memcached_up() {
  dir_init "${1:-}" create
  local want=${2:-} pid port='' try
  if [[ $want == socket ]]; then
    if pid=$(live_pid "$D/memcached.pid" memcached); then
      say "memcached already running (pid $pid)"
      return 0
    fi
    start_memcached_socket && return 0
    show_log "$D/memcached.log"
    die "memcached exited during start (log: $D/memcached.log)"
  fi
  [[ -z $want ]] || check_port "$want"
  if pid=$(live_pid "$D/memcached.pid" memcached); then
    [[ -s $D/memcached.port ]] || die "memcached of $D already runs on $D/memcached.sock"
    port=$(<"$D/memcached.port")
    [[ -z $want || $want == "$port" ]] || die "memcached of $D already runs on port $port, not $want"
    env_set SHORTENER_MEMCACHED_SERVERS "127.0.0.1:$port"
    say "memcached already running (pid $pid, 127.0.0.1:$port)"
    return 0
  fi
  rm -f "$D/memcached.pid"
  if [[ -n $want ]]; then
    ! port_in_use "$want" || die "port $want is in use by another program"
  fi
  for try in 1 2 3 4 5; do
    if [[ -n $want ]]; then
      port=$want
    elif [[ $try == 1 && -s $D/memcached.port ]] && ! port_in_use "$(<"$D/memcached.port")"; then
      # The same address as before, so running workers find it again after a memcached restart.
      port=$(<"$D/memcached.port")
    else
      port=$(pick_port)
    fi
    if start_memcached "$port"; then
      echo "$port" >"$D/memcached.port"
      env_set SHORTENER_MEMCACHED_SERVERS "127.0.0.1:$port"
      say "memcached up (pid $(<"$D/memcached.pid"), 127.0.0.1:$port)"
      return 0
    fi
    [[ -z $want ]] || break
  done
  show_log "$D/memcached.log"
  die "memcached exited during start (log: $D/memcached.log)"
}

# memcached.port and the stack.env line stay: the next memcached-up takes the same port.
stop_memcached() { stop_daemon memcached "$D/memcached.pid" memcached "$DAEMON_STOP_TIMEOUT"; }

cmd_memcached_down() {
  dir_init "${1:-}" existing || { say "no stack in ${1:-}"; return 0; }
  stop_memcached
}

# ---- web instances ---------------------------------------------------------------------------

# front_comm WEBDIR: the program name of the instance's web server (lighttpd, nginx, apache2).
front_comm() {
  local comm=lighttpd
  [[ ! -s $1/front ]] || read -r comm <"$1/front"
  echo "$comm"
}

# front_pid WEBDIR: the pid of the instance's web server if it is alive.
front_pid() {
  local comm
  comm=$(front_comm "$1")
  live_pid "$1/$comm.pid" "$comm"
}

# The shipped production configs (conf/{lighttpd,apache,nginx}.conf) with their system paths
# replaced by the instance's: what the tests run is what an operator installs.
# The error bodies are copied into the instance (as make install copies them), so a web server
# running as another user reads them whatever the permissions of the checkout.
prod_paths() {  # WEBDIR: sed arguments
  local w=$1
  printf '%s\n' -e "s|/run/shortener/fcgi.sock|$w/fcgi.sock|g" \
    -e "s|/usr/local/share/shortener/errors|$w/errors|g"
}

write_nginx_conf() {  # WEBDIR PORT
  local w=$1 port=$2 sed_paths=()
  mapfile -t sed_paths < <(prod_paths "$w")
  sed "${sed_paths[@]}" -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$port;|" -e '/listen \[::\]:80;/d' \
    -e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|" \
    -e "s|/var/log/nginx/shortener.access.log|$w/access.log|" \
    -e "s|/var/log/nginx/shortener.error.log|$w/nginx.error.log|" \
    "$REPO/conf/nginx.conf" >"$w/site.conf"
  local user=''
  (( EUID != 0 )) || user='user root;'
  cat >"$w/nginx.conf" <<CONF
# Generated by scripts/stack.sh: a private nginx around conf/nginx.conf (site.conf).
$user
worker_processes 2;
pid $w/nginx.pid;
error_log $w/nginx.error.log;
events { worker_connections 1024; }
http {
  client_body_temp_path $w/tmp/body;
  fastcgi_temp_path $w/tmp/fastcgi;
  proxy_temp_path $w/tmp/proxy;
  uwsgi_temp_path $w/tmp/uwsgi;
  scgi_temp_path $w/tmp/scgi;
  include $w/site.conf;
}
CONF
}

write_apache_conf() {  # WEBDIR PORT
  local w=$1 port=$2 sed_paths=() m user=''
  mapfile -t sed_paths < <(prod_paths "$w")
  sed "${sed_paths[@]}" -e "s|<VirtualHost \*:80>|<VirtualHost 127.0.0.1:$port>|" \
    -e "s|\${APACHE_LOG_DIR}/shortener.error.log|$w/apache2.error.log|" \
    -e "s|\${APACHE_LOG_DIR}/shortener.access.log|$w/access.log|" \
    "$REPO/conf/apache.conf" >"$w/site.conf"
  # As root, Apache serves as www-data (it refuses root): that user reaches the socket.
  (( EUID != 0 )) || user=$'User www-data\nGroup www-data'
  {
    echo "# Generated by scripts/stack.sh: a private Apache around conf/apache.conf (site.conf)."
    echo "ServerRoot /etc/apache2"
    echo "ServerName localhost"
    echo "Listen 127.0.0.1:$port"
    echo "PidFile $w/apache2.pid"
    echo "DefaultRuntimeDir $w/tmp"
    echo "ErrorLog $w/apache2.error.log"
    echo "LogLevel warn"
    echo "$user"
    for m in mpm_event authz_core authz_host alias headers proxy proxy_fcgi reqtimeout buffer env; do
      echo "LoadModule ${m}_module /usr/lib/apache2/modules/mod_$m.so"
    done
    echo "LogFormat \"%h %l %u %t \\\"%r\\\" %>s %O\" combined"
    echo "MaxRequestWorkers 150"
    echo "Include $w/site.conf"
  } >"$w/apache2.conf"
}

write_front_conf() {  # WEBDIR PORT FRONT
  case $3 in
    dev) write_lighttpd_conf "$1" "$2" ;;
    lighttpd)
      local sed_paths=()
      mapfile -t sed_paths < <(prod_paths "$1")
      sed "${sed_paths[@]}" -e "s|^server.port = 80|server.bind = \"127.0.0.1\"\nserver.port = $2|" \
        -e '/^server.username\|^server.groupname/d' -e "s|/run/lighttpd.pid|$1/lighttpd.pid|" \
        -e "s|/var/log/lighttpd/error.log|$1/lighttpd.error.log|" \
        -e "s|/var/log/lighttpd/access.log|$1/access.log|" -e "s|/var/www/html|$1/htdocs|" \
        -e "s|/var/cache/lighttpd/uploads|$1/tmp|" "$REPO/conf/lighttpd.conf" >"$1/lighttpd.conf"
      ;;
    nginx) write_nginx_conf "$1" "$2" ;;
    apache) write_apache_conf "$1" "$2" ;;
    *) die "unknown STACK_FRONT '$3' (dev, lighttpd, apache or nginx)" ;;
  esac
  ! grep -n '/run/shortener\|/usr/local/share' "$1"/*.conf >&2 || die "unreplaced system path in $1"
}

check_front_conf() {  # WEBDIR COMM
  case $2 in
    lighttpd) lighttpd -tt -f "$1/lighttpd.conf" ;;
    nginx) nginx -t -q -c "$1/nginx.conf" ;;
    apache2) apache2 -t -f "$1/apache2.conf" ;;
  esac
}

start_front() {  # WEBDIR COMM: in the background, in its own session, foreground mode
  local cmd=()
  case $2 in
    lighttpd) cmd=(lighttpd -D -f "$1/lighttpd.conf") ;;
    nginx) cmd=(nginx -c "$1/nginx.conf" -g 'daemon off;') ;;
    apache2) cmd=(apache2 -f "$1/apache2.conf" -DFOREGROUND) ;;
  esac
  setsid "${cmd[@]}" </dev/null >>"$1/$2.error.log" 2>&1 &
  echo "$!" >"$1/$2.pid"
}

# The instance's lighttpd.conf from the template; lighttpd's own limit on a request body is the
# worker's max_body_bytes plus 64 KiB, so the usual oversize body still reaches the worker and
# gets its full 413 (with every header), and only a far larger one is refused by lighttpd.
write_lighttpd_conf() {  # WEBDIR PORT
  local w=$1 port=$2 body_bytes kb access_log_edit=()
  body_bytes=$(with_stack_env printenv SHORTENER_MAX_BODY_BYTES) || true
  [[ $body_bytes =~ ^[0-9]{1,12}$ ]] || body_bytes=$DEFAULT_MAX_BODY_BYTES
  kb=$(((body_bytes + 1023) / 1024 + 64))
  # The access log's two lines are the ones that name @ACCESS_LOG...@.
  if [[ ${STACK_ACCESS_LOG:-1} == 0 ]]; then
    access_log_edit=(-e '/@ACCESS_LOG/d')
  else
    access_log_edit=(-e 's| *# @ACCESS_LOG_MODULE@||')
  fi
  sed "${access_log_edit[@]}" \
    -e "s|@PORT@|$port|g" -e 's|@BIND@|127.0.0.1|g' -e "s|@DOCROOT@|$w/htdocs|g" \
    -e "s|@ERROR_LOG@|$w/lighttpd.error.log|g" -e "s|@ACCESS_LOG@|$w/access.log|g" \
    -e "s|@UPLOAD_DIR@|$w/tmp|g" -e "s|@MAX_REQUEST_KB@|$kb|g" \
    -e "s|@ERRORFILE_PREFIX@|$REPO/conf/lighttpd-errors/status-|g" \
    -e "s|@ERRORS_DIR@|$REPO/conf/lighttpd-errors|g" \
    -e "s|@FCGI_SOCKET@|$w/fcgi.sock|g" "$TEMPLATE" >"$w/lighttpd.conf"
  ! grep -n '^[^#]*@[A-Z_]*@' "$w/lighttpd.conf" >&2 || die "unreplaced placeholder in $w/lighttpd.conf"
}

# Runs inside with_stack_env: the caller's and stack.env's SHORTENER_* reach the workers.
spawn_workers() {  # WEBDIR PORT WORKERS
  local w=$1
  [[ -v SHORTENER_PUBLIC_BASE_URL ]] || export SHORTENER_PUBLIC_BASE_URL="http://localhost:$2"
  # Each instance's pool bounds its own password hashing: a login flood against one test
  # instance must not hold the slots of another (or of another stack on this host).
  [[ -v SHORTENER_PASSWORD_HASH_LOCK_FILE ]] ||
    export SHORTENER_PASSWORD_HASH_LOCK_FILE="$w/password-hash.lock"
  # spawn-fcgi sends a forked child's stdout/stderr to /dev/null; the sh in between sends them to
  # workers.log instead and execs the worker, so the recorded pid is the worker's.
  # shellcheck disable=SC2016  # $1 and $@ belong to that inner sh
  local forks=$3 args=() owner=()
  if [[ -s $w/supervisor ]]; then
    forks=1
    args=(--workers "$3")
  fi
  # Apache runs as www-data when started as root; it must reach the socket.
  if [[ $(front_comm "$w") == apache2 ]] && (( EUID == 0 )); then owner=(-U www-data -G www-data); fi
  spawn-fcgi -s "$w/fcgi.sock" -M 0600 "${owner[@]}" -b 1024 -F "$forks" -P "$w/workers.pid" -- \
    /bin/sh -c 'log=$1; shift; exec "$@" >>"$log" 2>&1' shortener-worker "$w/workers.log" "$WORKER_BIN" \
    "${args[@]}"
}

web_failed() {  # WEBDIR MESSAGE
  show_log "$1/workers.log"
  show_log "$1/spawn-fcgi.log"
  show_log "$1/$(front_comm "$1").error.log"
  die "$2"
}

cmd_web_up() {
  local port=${2:-} workers=${3:-${WORKERS:-4}} front=${STACK_FRONT:-dev} pool=${STACK_POOL:-spawn-fcgi}
  [[ -n $port ]] || usage
  dir_init "${1:-}" existing || die "no stack in ${1:-}: start its database first (stack.sh db-up ${1:-})"
  check_port "$port"
  check_workers "$workers"
  local w=$D/web-$port pid lpid code deadline alive=() comm expected
  [[ -f $D/stack.env ]] || die "no stack in $D: start its database first (stack.sh db-up $D)"
  if pid=$(front_pid "$w"); then
    mapfile -t alive < <(live_workers "$w")
    say "web instance on port $port already running ($(front_comm "$w") pid $pid, ${#alive[@]} workers)"
    return 0
  fi
  stop_web "$w" quiet  # workers left from an instance whose web server died
  case $front in
    dev | lighttpd) comm=lighttpd ;;
    nginx) comm=nginx ;;
    apache) comm=apache2 ;;
    *) die "unknown STACK_FRONT '$front' (dev, lighttpd, apache or nginx)" ;;
  esac
  case $pool in
    spawn-fcgi | supervisor) ;;
    *) die "unknown STACK_POOL '$pool' (spawn-fcgi or supervisor)" ;;
  esac
  command -v "$comm" >/dev/null || die "$comm is not installed (make deps)"
  ! port_in_use "$port" || die "port $port is in use by another program"
  [[ $WORKER_BIN == /* ]] || WORKER_BIN=$PWD/$WORKER_BIN
  check_bin "$WORKER_BIN" "worker" STACK_WORKER_BIN
  check_socket_path "$w/fcgi.sock"
  mkdir -p "$w/htdocs" "$w/tmp"
  rm -f "$w/fcgi.sock" "$w/workers.pid" "$w/$comm.pid" "$w/supervisor"
  echo "$comm" >"$w/front"
  expected=$workers
  if [[ $pool == supervisor ]]; then
    echo 1 >"$w/supervisor"
    expected=$((workers + 1))
  fi
  if [[ $comm == apache2 ]] && (( EUID == 0 )); then
    # Apache's www-data children must reach $w/fcgi.sock and $w/errors: traverse (not list)
    # rights on the way, kept by later stack.sh calls.
    touch "$D/traverse"
    chmod 711 "$D" "$w"
  fi
  rm -rf "$w/errors"
  mkdir -p "$w/errors"
  cp "$REPO"/conf/lighttpd-errors/status-*.html "$REPO"/conf/lighttpd-errors/*.lua "$w/errors/"
  chmod 755 "$w/errors"
  chmod 644 "$w"/errors/*
  : >"$w/workers.log"
  write_front_conf "$w" "$port" "$front"
  check_front_conf "$w" "$comm" >"$w/$comm.error.log" 2>&1 ||
    web_failed "$w" "bad $comm config in $w"

  UNDO+=("stop_pidfile $WORKER_STOP_TIMEOUT workers $w/workers.pid")
  with_stack_env spawn_workers "$w" "$port" "$workers" >"$w/spawn-fcgi.log" 2>&1 ||
    web_failed "$w" "the workers did not start ($WORKER_BIN; log: $w/workers.log)"
  # A worker with a bad config exits at once; a supervisor forks its workers only after checking
  # the config itself, which on a busy machine takes more than a moment: wait up to 10 s for
  # them all, then take the count as it is.
  deadline=$(( SECONDS + 10 ))
  while sleep 0.2; do
    mapfile -t alive < <(live_workers "$w")
    (( ${#alive[@]} != expected && ${#alive[@]} > 0 && SECONDS < deadline )) || break
  done
  (( ${#alive[@]} == expected )) ||
    web_failed "$w" "only ${#alive[@]} of $expected worker processes are running (log: $w/workers.log)"

  start_front "$w" "$comm"
  lpid=$(<"$w/$comm.pid")
  UNDO+=("stop_pids $DAEMON_STOP_TIMEOUT $comm $lpid")

  deadline=$(( SECONDS + START_TIMEOUT ))
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$port/healthz") || true
    [[ $code == 000 || -z $code ]] || break
    is_alive "$lpid" || web_failed "$w" "$comm exited during start (log: $w/$comm.error.log)"
    (( SECONDS < deadline )) ||
      web_failed "$w" "no HTTP answer on 127.0.0.1:$port within ${START_TIMEOUT}s"
    sleep 0.1
  done
  # The answer must have come from our web server, not from a program that took the port first.
  is_alive "$lpid" || web_failed "$w" "$comm exited during start (log: $w/$comm.error.log)"
  echo "$lpid" >"$w/$comm.pid"  # nginx and Apache write theirs too: the same pid
  mapfile -t alive < <(live_workers "$w")
  (( ${#alive[@]} == expected )) ||
    web_failed "$w" "workers died after start: ${#alive[@]} of $expected left (log: $w/workers.log)"
  say "web instance up: http://localhost:$port ($comm pid $lpid, $workers workers; /healthz answered $code)"
}

stop_web() {  # WEBDIR [quiet]
  local w=$1 quiet=${2:-} pid wpids=() comm
  comm=$(front_comm "$w")
  if pid=$(front_pid "$w"); then
    say "stopping $comm of ${w##*/} (pid $pid)"
    stop_pids "$DAEMON_STOP_TIMEOUT" "$comm" "$pid"
  fi
  mapfile -t wpids < <(live_workers "$w")
  if (( ${#wpids[@]} > 0 )); then
    say "stopping ${#wpids[@]} worker processes of ${w##*/}"
    stop_pids "$WORKER_STOP_TIMEOUT" workers "${wpids[@]}"
  fi
  if [[ -z $pid && ${#wpids[@]} == 0 && -z $quiet ]]; then say "${w##*/} not running"; fi
  rm -f "$w/$comm.pid" "$w/workers.pid" "$w/fcgi.sock"
}

cmd_web_down() {
  [[ -n ${2:-} ]] || usage
  check_port "$2"
  dir_init "${1:-}" existing || { say "no stack in ${1:-}"; return 0; }
  if [[ -d $D/web-$2 ]]; then stop_web "$D/web-$2"; else say "no web instance on port $2 in $D"; fi
}

# ---- whole stack -----------------------------------------------------------------------------

cmd_up() {
  local port=${2:-} workers=${3:-${WORKERS:-4}}
  [[ -n ${1:-} && -n $port ]] || usage
  check_port "$port"
  check_workers "$workers"
  # Fail before starting anything when the web part cannot start.
  ! port_in_use "$port" || die "port $port is in use by another program"
  check_bin "$WORKER_BIN" "worker" STACK_WORKER_BIN
  cmd_db_up "$1"
  cmd_memcached_up "$1" socket
  cmd_web_up "$1" "$port" "$workers"
}

web_dirs() {  # the web-PORT directories of D
  local w
  for w in "$D"/web-*; do
    [[ -d $w && ${w##*/web-} =~ ^[0-9]+$ ]] && echo "$w"
  done
  return 0
}

cmd_down() {
  dir_init "${1:-}" existing || { say "no stack in ${1:-}"; return 0; }
  local w
  while read -r w; do stop_web "$w" quiet; done < <(web_dirs)
  stop_memcached
  stop_db
}

row() { printf '  %-10s %s\n' "$1" "$2"; }

cmd_status() {
  dir_init "${1:-}" existing || { say "no stack in ${1:-}"; return 0; }
  local pid w port lpid wpids=() total
  echo "stack $D"
  if pid=$(live_pid "$D/mysql.pid" mariadbd); then
    row mariadb "running, pid $pid, socket $D/mysql.sock"
  else
    row mariadb stopped
  fi
  if pid=$(live_pid "$D/memcached.pid" memcached); then
    if [[ -s $D/memcached.port ]]; then
      row memcached "running, pid $pid, 127.0.0.1:$(<"$D/memcached.port")"
    else
      row memcached "running, pid $pid, socket $D/memcached.sock"
    fi
  else
    row memcached stopped
  fi
  while read -r w; do
    port=${w##*/web-}
    mapfile -t wpids < <(live_workers "$w")
    total=0
    [[ ! -s $w/workers.pid ]] || total=$(grep -c . "$w/workers.pid")
    if lpid=$(front_pid "$w"); then
      row "web $port" "running, http://localhost:$port, $(front_comm "$w") pid $lpid, ${#wpids[@]}/$total workers: ${wpids[*]}"
    elif (( ${#wpids[@]} > 0 )); then
      row "web $port" "$(front_comm "$w") stopped, ${#wpids[@]}/$total workers left: ${wpids[*]} (stack.sh web-down $D $port)"
    else
      row "web $port" stopped
    fi
  done < <(web_dirs)
}

cmd_is_running() {
  dir_init "${1:-}" existing || return 1
  live_pid "$D/mysql.pid" mariadbd >/dev/null && return 0
  [[ ${2:-} != db ]] || return 1
  live_pid "$D/memcached.pid" memcached >/dev/null && return 0
  local w
  while read -r w; do
    front_pid "$w" >/dev/null && return 0
    [[ -z $(live_workers "$w") ]] || return 0
  done < <(web_dirs)
  return 1
}

main() {
  local cmd=${1:-}
  (( $# > 0 )) && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    db-up) cmd_db_up "$@" ;;
    db-down) cmd_db_down "$@" ;;
    db-restart) cmd_db_restart "$@" ;;
    purge) cmd_purge "$@" ;;
    memcached-up) cmd_memcached_up "$@" ;;
    memcached-down) cmd_memcached_down "$@" ;;
    web-up) cmd_web_up "$@" ;;
    web-down) cmd_web_down "$@" ;;
    is-running) cmd_is_running "$@" ;;
    port-free)
      [[ -n ${1:-} ]] || usage
      check_port "$1"
      ! port_in_use "$1"
      ;;
    *) usage ;;
  esac
}

main "$@"
