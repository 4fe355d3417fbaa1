#!/usr/bin/env bash
# db.sh up|down|restart|purge DIR: the stack's private MariaDB (DIR/mysql, created on first
# start, on the unix socket DIR/mysql.sock only), its migrations, and shortener-admin
# purge-expired on it. Writes the workers' SHORTENER_MYSQL_* and slug_secret to DIR/stack.env.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
readonly STOP_TIMEOUT=30  # MariaDB flushes InnoDB
if (( EUID == 0 )); then RUN_AS=(--user=root) DB_ADMIN=root; else RUN_AS=() DB_ADMIN=$(id -un); fi
# Small and quick to start; flush at every commit stays on (default), links must be durable.
readonly DB_OPTS=(--no-defaults --innodb-buffer-pool-size=64M --innodb-log-file-size=16M
  --key-buffer-size=8M --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci)

ping_db() { mariadb-admin --no-defaults --socket="$D/mysql.sock" --user="$DB_ADMIN" --connect-timeout=2 ping &>/dev/null; }
write_env() {
  env_set SHORTENER_MYSQL_SOCKET "$D/mysql.sock"
  env_set SHORTENER_MYSQL_USER shortener
  env_set SHORTENER_MYSQL_PASSWORD "$(<"$D/mysql.password")"
  env_set SHORTENER_MYSQL_DATABASE shortener
  env_set SHORTENER_SLUG_SECRET "$(<"$D/slug_secret")"
}

up() {
  local pid deadline password
  if pid=$(live_pid "$D/mysql.pid" mariadbd); then write_env; say "MariaDB already running (pid $pid)"; return 0; fi
  check_bin "$ADMIN_BIN" STACK_ADMIN_BIN
  (( ${#D} < 100 )) || die "stack directory too long for a unix socket path: $D"
  secret "$D/mysql.password" 24
  secret "$D/slug_secret" 32
  rm -f "$D/mysql.pid" "$D/mysql.sock"
  if [[ ! -d $D/mysql ]]; then
    # Made in mysql.new and renamed when complete: an interrupted first start leaves nothing
    # that a later start would take for a good data directory.
    say "creating MariaDB data directory $D/mysql"
    rm -rf "$D/mysql.new"
    local socket_user=()
    (( EUID == 0 )) || socket_user=(--auth-root-socket-user="$DB_ADMIN")
    mariadb-install-db "${DB_OPTS[@]}" --datadir="$D/mysql.new" --auth-root-authentication-method=socket \
      "${socket_user[@]}" --skip-test-db --skip-name-resolve "${RUN_AS[@]}" >"$D/mysql-install.log" 2>&1 </dev/null ||
      { show_log "$D/mysql-install.log"; die "mariadb-install-db failed"; }
    mv "$D/mysql.new" "$D/mysql"
  fi
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
  # Every start, so the account always matches mysql.password.
  password=$(<"$D/mysql.password")
  mariadb --no-defaults --socket="$D/mysql.sock" --user="$DB_ADMIN" --batch <<SQL || die "could not create the database and user"
CREATE DATABASE IF NOT EXISTS shortener;
CREATE USER IF NOT EXISTS 'shortener'@'localhost' IDENTIFIED BY '$password';
ALTER USER 'shortener'@'localhost' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON shortener.* TO 'shortener'@'localhost';
SQL
  write_env
  with_stack_env "$ADMIN_BIN" migrate --sql-dir "$REPO/sql" || die "migration failed"
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
