#!/usr/bin/env bash
# db.sh up|down|restart|purge DIR: the stack's private MariaDB (DIR/mysql, created on first
# start, on the unix socket DIR/mysql.sock only), its migrations, and shortener-admin
# purge-expired on it. Writes the workers' SHORTENER_MYSQL_* and slug_secret to DIR/stack.env.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
readonly STOP_TIMEOUT=30  # MariaDB flushes InnoDB
if (( EUID == 0 )); then RUN_AS=(--user=root) DB_ADMIN=root; else RUN_AS=() DB_ADMIN=$(id -un); fi
# A small buffer pool (STACK_DB_BUFFER_POOL: a bigger one, for the bench's big tables) and the
# redo log MariaDB ships with, 96M (STACK_DB_LOG_FILE_SIZE): a 16M log fills in seconds under a
# few thousand redirects a second, and InnoDB then holds commits past the workers' 1 s timeout
# (503s); it costs no start time. Flush at every commit stays on (default): links are durable.
readonly DB_OPTS=(--no-defaults --innodb-buffer-pool-size="${STACK_DB_BUFFER_POOL:-64M}"
  --innodb-log-file-size="${STACK_DB_LOG_FILE_SIZE:-96M}"
  --key-buffer-size=8M --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci)

ping_db() { mariadb-admin --no-defaults --socket="$D/mysql.sock" --user="$DB_ADMIN" --connect-timeout=2 ping &>/dev/null; }
write_env() { db_env SHORTENER_MYSQL_SOCKET "$D/mysql.sock"; }

up() {
  local pid deadline
  if pid=$(live_pid "$D/mysql.pid" mariadbd); then write_env; say "MariaDB already running (pid $pid)"; return 0; fi
  (( ${#D} < 100 )) || die "stack directory too long for a unix socket path: $D"
  db_secrets
  rm -f "$D/mysql.pid" "$D/mysql.sock"
  [[ -d $D/mysql ]] || db_install "$D/mysql" "$D/mysql-install.log" mariadb-install-db "${DB_OPTS[@]}" "${RUN_AS[@]}"
  start_bg "$D/mysql.log" "$D/mysql.pid" mariadbd "${DB_OPTS[@]}" --datadir="$D/mysql" \
    --socket="$D/mysql.sock" --pid-file="$D/mysql.pid" --log-error="$D/mysql.log" \
    --skip-networking --skip-name-resolve --max-connections=500 "${RUN_AS[@]}"
  pid=$(<"$D/mysql.pid")
  UNDO+=("stop_pids $STOP_TIMEOUT MariaDB $pid")
  deadline=$(( SECONDS + START_TIMEOUT ))
  until ping_db; do
    is_alive "$pid" || { show_log "$D/mysql.log"; die "mariadbd exited during start"; }
    (( SECONDS < deadline )) || { show_log "$D/mysql.log"; die "MariaDB did not answer within ${START_TIMEOUT}s"; }
    sleep 0.2
  done
  db_account mariadb --no-defaults --socket="$D/mysql.sock" --user="$DB_ADMIN" --batch
  write_env
  db_migrate
  say "MariaDB up (pid $pid, socket $D/mysql.sock)"
}

cmd=${1:-}
[[ -n ${2:-} ]] || die "usage: db.sh up|down|restart|purge DIR"
case $cmd in
  up) dir_init "$2" create; up ;;
  down) dir_init "$2" || exit 0; stop_daemon MariaDB "$D/mysql.pid" mariadbd "$STOP_TIMEOUT" ;;
  restart) dir_init "$2" || die "no stack in $2"; check_bin "$ADMIN_BIN" STACK_ADMIN_BIN
    stop_daemon MariaDB "$D/mysql.pid" mariadbd "$STOP_TIMEOUT"; up ;;
  purge) dir_init "$2" || die "no stack in $2"; with_stack_env "$ADMIN_BIN" purge-expired ;;
  *) die "usage: db.sh up|down|restart|purge DIR" ;;
esac
