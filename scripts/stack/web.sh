#!/usr/bin/env bash
# web.sh up DIR PORT [WORKERS] | down DIR PORT | status DIR PORT | alive DIR PORT: one web
# instance of the stack in DIR/web-PORT: a web server on 127.0.0.1:PORT in front of a pool of
# FastCGI workers on DIR/web-PORT/fcgi.sock.
#   STACK_FRONT  lighttpd (default; "dev" means the same), nginx or apache: the shipped
#                conf/FRONT.conf, rendered with its paths and port rewritten to the instance's
#   STACK_POOL   supervisor (default): one `shortener --workers N --listen unix:...`, as in
#                production; spawn-fcgi: N workers forked by spawn-fcgi (their stderr goes to
#                /dev/null: spawn-fcgi's doing)
# Files: front pool public_base_url workers.pid (the supervisor, or spawn-fcgi's workers) workers.comm workers.log
# (appended; moved to workers.log.1 at a start once over 10 MiB) FRONT.conf error.log access.log
# password-hash.lock.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
readonly WORKER_STOP_TIMEOUT=15  # a worker finishes its request and writes its pending clicks
readonly LOG_ROTATE_BYTES=$((10 * 1024 * 1024))
readonly DEFAULT_MAX_BODY_BYTES=65536  # the worker's max_body_bytes default (API.md)
W='' PORT=''

front() { cat "$W/front" 2>/dev/null || echo lighttpd; }
front_pid() { live_pid "$W/$(front).pid" "$(front)"; }
# workers: the live worker processes (a supervisor pool: the supervisor first, then its children).
workers() {
  local comm pid
  comm=$(cat "$W/workers.comm" 2>/dev/null) || return 0
  if [[ $(cat "$W/pool") == supervisor ]]; then
    pid=$(live_pid "$W/workers.pid" "$comm") && { echo "$pid"; children "$pid"; }
  else
    for pid in $(cat "$W/workers.pid" 2>/dev/null); do
      [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]] && is_alive "$pid" && echo "$pid"
    done
  fi
  return 0
}

# render TEMPLATE OUT SED-ARGS...: a checked-in config with the system paths, log files and port
# rewritten to the instance's: what the tests run is what an operator installs.
render() {
  local user=''
  if (( EUID == 0 )); then
    # As root, nginx must be told to stay root; Apache refuses root and serves as www-data.
    [[ $(front) == nginx ]] && user='user root;'
    [[ $(front) == apache2 ]] && user='User www-data\nGroup www-data'
  fi
  sed -e "s|/run/shortener/fcgi.sock|$W/fcgi.sock|g" -e "s|/usr/local/share/shortener/errors|$W/errors|g" \
    -e "s|/usr/local/share/shortener/web|$W/web|g" -e "s|/usr/local/share/shortener/conf|$W/conf|g" \
    -e "s#\(/var/log/[a-z]*\|\${APACHE_LOG_DIR}\)/\(shortener\.\)\?\(error\|access\)\.log#$W/\3.log#" \
    -e "s|@DIR@|$W|g" -e "s|@PORT@|$PORT|g" -e "s|@USER@|$user|" "${@:3}" "$1" >"$2"
  ! grep -n '^[^#]*\(/run/\|/usr/local/share\|/var/\|@[A-Z]*@\)' "$2" >&2 || die "unreplaced system path in $2"
}
# write_conf: the front's config rendered and checked; FRONT_ARGV runs it in the foreground.
write_conf() {
  local kb body_bytes no_log=()
  case $(front) in
    lighttpd)
      # lighttpd refuses a body over max_body_bytes + 64 KiB, so a usual oversize body still
      # reaches a worker and gets its full 413 (as conf/lighttpd.conf says).
      body_bytes=$(with_stack_env printenv SHORTENER_MAX_BODY_BYTES) || true
      [[ $body_bytes =~ ^[0-9]{1,12}$ ]] || body_bytes=$DEFAULT_MAX_BODY_BYTES
      kb=$(( (body_bytes + 1023) / 1024 + 64 ))
      [[ ${STACK_ACCESS_LOG:-1} != 0 ]] || no_log=(-e '/^accesslog\./d' -e 's/, "mod_accesslog"//')
      render "$REPO/conf/lighttpd.conf" "$W/lighttpd.conf" "${no_log[@]}" \
        -e "s|^server.port = 80|server.bind = \"127.0.0.1\"\nserver.port = $PORT|" \
        -e '/^server.username\|^server.groupname/d' -e "s|/run/lighttpd.pid|$W/lighttpd.pid|" \
        -e "s|/var/www/html|$W/htdocs|" -e "s|/var/cache/lighttpd/uploads|$W/tmp|" \
        -e "s|^server.max-request-size = .*|server.max-request-size = $kb|"
      FRONT_ARGV=(lighttpd -D -f "$W/lighttpd.conf")
      lighttpd -tt -f "$W/lighttpd.conf" ;;
    nginx)
      render "$REPO/conf/nginx.conf" "$W/site.conf" -e "s|^\( *\)listen 80;|\1listen 127.0.0.1:$PORT;|" \
        -e '/listen \[::\]:80;/d' -e "s|include fastcgi_params;|include /etc/nginx/fastcgi_params;|"
      render "$REPO/conf/dev/nginx-main.conf" "$W/nginx.conf"
      FRONT_ARGV=(nginx -c "$W/nginx.conf" -g 'daemon off;')
      nginx -t -q -c "$W/nginx.conf" ;;
    apache2)
      render "$REPO/conf/apache.conf" "$W/site.conf" -e "s|<VirtualHost \*:80>|<VirtualHost 127.0.0.1:$PORT>|"
      render "$REPO/conf/dev/apache-main.conf" "$W/apache2.conf"
      FRONT_ARGV=(apache2 -f "$W/apache2.conf" -DFOREGROUND)
      apache2 -t -f "$W/apache2.conf" ;;
  esac
}
# Runs inside with_stack_env: the caller's and stack.env's SHORTENER_* reach the workers.
start_pool() {  # WORKERS
  [[ -v SHORTENER_PUBLIC_BASE_URL ]] || export SHORTENER_PUBLIC_BASE_URL="http://localhost:$PORT"
  echo "$SHORTENER_PUBLIC_BASE_URL" >"$W/public_base_url"  # for admin.sh
  # Each instance's pool bounds its own password hashing: a login flood against one instance
  # must not hold the slots of another (or of another stack on this host).
  [[ -v SHORTENER_PASSWORD_HASH_LOCK_FILE ]] || export SHORTENER_PASSWORD_HASH_LOCK_FILE="$W/password-hash.lock"
  if [[ $(<"$W/pool") == supervisor ]]; then
    start_bg "$W/workers.log" "$W/workers.pid" "$WORKER_BIN" --workers "$1" --listen "unix:$W/fcgi.sock"
  else
    spawn-fcgi -s "$W/fcgi.sock" -M 0600 -b 1024 -F "$1" -P "$W/workers.pid" -- "$WORKER_BIN" >>"$W/workers.log" 2>&1
  fi
}
failed() { show_log "$W/workers.log"; show_log "$W/error.log"; die "$1"; }

up() {
  local n=${1:-${WORKERS:-4}} pool=${STACK_POOL:-supervisor} comm pid code deadline expected alive=()
  [[ $n =~ ^[1-9][0-9]{0,2}$ ]] && (( n <= 256 )) || die "bad worker count '$n' (1-256)"
  [[ -f $D/stack.env ]] || die "no stack in $D: start its database first (stack.sh db-up $D)"
  if pid=$(front_pid); then say "web instance on port $PORT already running ($(front) pid $pid)"; return 0; fi
  down quiet  # workers left from an instance whose web server died
  case ${STACK_FRONT:-lighttpd} in
    dev | lighttpd) comm=lighttpd ;; nginx) comm=nginx ;; apache) comm=apache2 ;;
    *) die "unknown STACK_FRONT '$STACK_FRONT' (lighttpd, apache or nginx)" ;;
  esac
  [[ $pool == supervisor || $pool == spawn-fcgi ]] || die "unknown STACK_POOL '$pool' (supervisor or spawn-fcgi)"
  command -v "$comm" >/dev/null || die "$comm is not installed (make deps)"
  ! port_in_use "$PORT" || die "port $PORT is in use by another program"
  [[ $WORKER_BIN == /* ]] || WORKER_BIN=$PWD/$WORKER_BIN
  check_bin "$WORKER_BIN" STACK_WORKER_BIN
  (( ${#W} < 95 )) || die "stack directory too long for a unix socket path: $W/fcgi.sock"
  mkdir -p "$W/htdocs" "$W/tmp"
  echo "$comm" >"$W/front"
  echo "$pool" >"$W/pool"
  basename "$WORKER_BIN" | cut -c1-15 >"$W/workers.comm"  # /proc/PID/comm keeps 15 bytes
  if [[ $comm == apache2 ]] && (( EUID == 0 )); then
    touch "$D/traverse"  # Apache's www-data children must pass through DIR to the socket
    chmod 711 "$D" "$W"
  fi
  # The error bodies, the web interface with Debian's Chart.js (libjs-chart.js) and nginx's
  # header include, as `make install` lays them.
  rm -rf "$W/errors" "$W/web" && cp -r "$REPO/conf/lighttpd-errors" "$W/errors" && cp -r "$REPO/web" "$W/web" &&
    mkdir -p "$W/web/ui/v1/vendor" "$W/conf" && cp "$REPO/conf/nginx-web-headers.conf" "$W/conf/" &&
    cp /usr/share/javascript/chart.js/chart.min.js "$W/web/ui/v1/vendor/" && chmod -R a+rX "$W/errors" "$W/web" "$W/conf"
  if [[ $(stat -c %s "$W/workers.log" 2>/dev/null || echo 0) -gt $LOG_ROTATE_BYTES ]]; then
    mv -f "$W/workers.log" "$W/workers.log.1"
  fi
  write_conf >>"$W/error.log" 2>&1 || failed "bad $comm config in $W"
  expected=$n
  [[ $pool == spawn-fcgi ]] || expected=$((n + 1))
  UNDO+=("down quiet")
  with_stack_env start_pool "$n" || failed "the workers did not start ($WORKER_BIN)"
  for (( deadline = SECONDS + 10; SECONDS < deadline; )); do  # a pool with a bad config exits
    mapfile -t alive < <(workers)
    (( ${#alive[@]} != expected )) || [[ ! -S $W/fcgi.sock ]] || break
    sleep 0.1
  done
  (( ${#alive[@]} == expected )) || failed "${#alive[@]} of $expected worker processes running"
  [[ $comm != apache2 ]] || (( EUID != 0 )) || chown www-data:www-data "$W/fcgi.sock"
  start_bg "$W/error.log" "$W/$comm.pid" "${FRONT_ARGV[@]}"
  pid=$(<"$W/$comm.pid")
  for (( deadline = SECONDS + START_TIMEOUT; ; )); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz") || true
    # The answer must come from our web server, not from a program that took the port first.
    is_alive "$pid" || failed "$comm exited during start"
    [[ $code == 000 || -z $code ]] || break
    (( SECONDS < deadline )) || failed "no HTTP answer on 127.0.0.1:$PORT within ${START_TIMEOUT}s"
    sleep 0.1
  done
  echo "$pid" >"$W/$comm.pid"  # nginx and Apache write theirs too: the same pid
  say "web instance up: http://localhost:$PORT ($comm pid $pid, $n workers ($pool); /healthz answered $code)"
}

down() {  # [quiet]
  local pid wpids=()
  if pid=$(front_pid); then say "stopping $(front) of ${W##*/} (pid $pid)"; stop_pids 10 "$(front)" "$pid"; fi
  mapfile -t wpids < <(workers)
  if (( ${#wpids[@]} > 0 )); then
    say "stopping the workers of ${W##*/}"
    # A supervisor passes SIGTERM on and exits after its workers; all are waited for.
    stop_pids "$WORKER_STOP_TIMEOUT" workers "${wpids[@]}"
  elif [[ -z $pid && -z ${1:-} ]]; then
    say "${W##*/} not running"
  fi
  rm -f "$W/$(front).pid" "$W/workers.pid" "$W/fcgi.sock"
}

status() {
  local pid wpids=() what
  mapfile -t wpids < <(workers)
  what="${#wpids[@]} workers: ${wpids[*]}"
  if [[ $(cat "$W/pool" 2>/dev/null) == supervisor && ${#wpids[@]} -gt 0 ]]; then
    what="supervisor pid ${wpids[0]}, $(( ${#wpids[@]} - 1 )) workers: ${wpids[*]:1}"
  fi
  if pid=$(front_pid); then
    printf '  %-10s %s\n' "web $PORT" "running, http://localhost:$PORT, $(front) pid $pid, $what"
  elif (( ${#wpids[@]} > 0 )); then
    printf '  %-10s %s\n' "web $PORT" "$(front) stopped, $what left (stack.sh web-down $D $PORT)"
  else
    printf '  %-10s %s\n' "web $PORT" stopped
  fi
}

cmd=${1:-}
PORT=${3:-}
[[ -n ${2:-} && -n $PORT ]] || die "usage: web.sh up DIR PORT [WORKERS] | down|status|alive DIR PORT"
check_port "$PORT"
case $cmd in
  up) dir_init "$2" || die "no stack in $2: start its database first (stack.sh db-up $2)" ;;
  *) dir_init "$2" || exit 0 ;;
esac
W=$D/web-$PORT
case $cmd in
  up) up "${4:-}" ;;
  down) if [[ -d $W ]]; then down; else say "no web instance on port $PORT in $D"; fi ;;
  status) status ;;
  alive) front_pid >/dev/null || [[ -n $(workers) ]] ;;
  *) die "usage: web.sh up DIR PORT [WORKERS] | down|status|alive DIR PORT" ;;
esac
