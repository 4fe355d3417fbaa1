# lib.sh: what every scripts/stack/*.sh shares (sourced, not run). See scripts/stack.sh.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORKER_BIN=${STACK_WORKER_BIN:-$REPO/build/shortener}
ADMIN_BIN=${STACK_ADMIN_BIN:-$REPO/build/shortener-admin}
readonly START_TIMEOUT=30  # seconds a server gets to answer after start
D=''     # the stack directory, absolute
UNDO=()  # how to stop what this invocation started, run in reverse order if it fails

die() { printf 'stack: %s\n' "$*" >&2; exit 1; }
say() { printf 'stack: %s\n' "$*"; }
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

# dir_init DIR [create]: sets D; returns 1 if DIR does not exist (and is not to be created).
dir_init() {
  # The path goes into config files, stack.env and sed replacements unquoted.
  [[ ${1:-} =~ ^[A-Za-z0-9_./+-]+$ ]] || die "stack directory must be a path of letters, digits and _ . / + - only: '${1:-}'"
  if [[ ${2:-} == create ]]; then mkdir -p -- "$1"; elif [[ ! -d $1 ]]; then return 1; fi
  D=$(cd -- "$1" && pwd -P)
  # Private, but passable (not listable) once an Apache instance's www-data children must reach it.
  if [[ -e $D/traverse ]]; then chmod 711 "$D"; else chmod 700 "$D"; fi
}
check_port() { [[ $1 =~ ^[1-9][0-9]{0,4}$ ]] && (( $1 <= 65535 )) || die "bad port '$1'"; }
check_bin() { [[ -x $1 && -f $1 ]] || die "$1 not found or not executable (build it with make, or set $2)"; }
show_log() { [[ ! -s $1 ]] || { echo "stack: last lines of $1:"; tail -n 15 "$1" | sed 's/^/  | /'; } >&2; }
tcp_accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_in_use() { [[ -n $(ss -Htln "sport = :$1" 2>/dev/null) ]]; }
# A free port outside Linux's ephemeral range, where the tests' bind-to-port-0 picks land.
pick_port() {
  local port i
  for (( i = 0; i < 200; i++ )); do
    port=$(( 20000 + RANDOM % 12000 ))
    port_in_use "$port" || { echo "$port"; return 0; }
  done
  die "found no free port"
}

is_alive() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; [[ ${s%% *} != Z ]]; }
# live_pid FILE COMM: the pid recorded in FILE if that process is alive and named COMM.
live_pid() {
  local pid=''
  [[ -s $1 ]] && read -r pid <"$1" || true
  [[ $pid =~ ^[0-9]+$ ]] && is_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$2" ]] || return 1
  echo "$pid"
}
# children PID: its live child processes (a supervisor's workers).
children() { local c; for c in $(cat "/proc/$1/task/$1/children" 2>/dev/null); do is_alive "$c" && echo "$c"; done; return 0; }
# gone TIMEOUT PID...: waits up to TIMEOUT seconds for every PID to exit; 1 if one is left.
gone() {
  local deadline=$(( SECONDS + $1 )) pid
  shift
  for pid; do
    while is_alive "$pid"; do (( SECONDS < deadline )) || return 1; sleep 0.1; done
  done
}
# stop_pids TIMEOUT WHAT PID...: SIGTERM, wait up to TIMEOUT seconds for all, then SIGKILL.
stop_pids() {
  local timeout=$1 what=$2
  shift 2
  (( $# > 0 )) || return 0
  kill -TERM "$@" 2>/dev/null || true
  gone "$timeout" "$@" && return 0
  say "$what did not stop within ${timeout}s: SIGKILL to what is left of $*" >&2
  kill -KILL "$@" 2>/dev/null || true
  gone 5 "$@" || true
}
# stop_daemon LABEL PIDFILE COMM TIMEOUT: stops it if that pid is still a live COMM process.
stop_daemon() {
  local pid
  if pid=$(live_pid "$2" "$3"); then say "stopping $1 (pid $pid)"; stop_pids "$4" "$1" "$pid"; fi
  rm -f "$2"
}
# start_bg LOG PIDFILE CMD...: in the background, in its own session (a Ctrl-C meant for
# `make run` reaches run.sh, which stops everything in order), output appended to LOG.
start_bg() {
  local log=$1 pidfile=$2
  shift 2
  setsid "$@" </dev/null >>"$log" 2>&1 &
  echo "$!" >"$pidfile"
}

secret() {  # FILE BYTES: a random hex secret, made once, mode 0600
  [[ -s $1 ]] || (umask 077 && od -An -tx1 -N"$2" /dev/urandom | tr -d ' \n' >"$1.tmp" && mv -f "$1.tmp" "$1")
  chmod 600 "$1"
}
env_set() {  # KEY VALUE: one line of DIR/stack.env, atomically, mode 0600
  (
    umask 077
    flock 9
    { grep -v "^$1=" "$D/stack.env" 2>/dev/null || true; printf '%s=%s\n' "$1" "$2"; } >"$D/stack.env.tmp"
    mv -f "$D/stack.env.tmp" "$D/stack.env"
  ) 9>"$D/stack.lock"
}
# with_stack_env CMD...: CMD with stack.env's variables that the caller has not exported itself.
with_stack_env() {
  (
    local line
    while IFS= read -r line || [[ -n $line ]]; do
      [[ $line =~ ^SHORTENER_[A-Z0-9_]+= && ! -v ${line%%=*} ]] && export "${line?}"
    done < <(cat "$D/stack.env" 2>/dev/null)
    "$@"
  )
}

# What the stack's MariaDB (db.sh) and its Galera cluster (cluster.sh) share.
db_secrets() { check_bin "$ADMIN_BIN" STACK_ADMIN_BIN; secret "$D/mysql.password" 24; secret "$D/slug_secret" 32; }
# db_install DATADIR LOG CMD...: a new data directory by CMD (mariadb-install-db and options),
# made in DATADIR.new and renamed when complete: an interrupted first start leaves nothing that a
# later start would take for a good one. The database's root logs in by socket authentication.
db_install() {
  local dir=$1 log=$2 user=()
  shift 2
  (( EUID == 0 )) || user=(--auth-root-socket-user="$(id -un)")
  say "creating MariaDB data directory $dir"
  rm -rf "$dir.new"
  "$@" --datadir="$dir.new" --auth-root-authentication-method=socket "${user[@]}" --skip-test-db \
    --skip-name-resolve >"$log" 2>&1 </dev/null || { show_log "$log"; die "mariadb-install-db failed"; }
  mv "$dir.new" "$dir"
}
# db_account CLIENT...: the database and its account through CLIENT (mariadb, as root), every
# start, so the account always matches mysql.password.
db_account() {
  local password
  password=$(<"$D/mysql.password")
  "$@" <<SQL || die "could not create the database and user"
CREATE DATABASE IF NOT EXISTS shortener;
CREATE USER IF NOT EXISTS 'shortener'@'localhost' IDENTIFIED BY '$password';
ALTER USER 'shortener'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON shortener.* TO 'shortener'@'localhost';
SQL
}
# db_env KEY VALUE: the workers' database settings in stack.env, the servers as KEY = VALUE.
db_env() {
  env_set "$1" "$2"
  env_set SHORTENER_MYSQL_USER shortener
  env_set SHORTENER_MYSQL_PASSWORD "$(<"$D/mysql.password")"
  env_set SHORTENER_MYSQL_DATABASE shortener
  env_set SHORTENER_SLUG_SECRET "$(<"$D/slug_secret")"
}
db_migrate() { with_stack_env "$ADMIN_BIN" migrate --sql-dir "$REPO/sql" || die "migration failed"; }
