#!/usr/bin/env bash
# cluster.sh: a MariaDB Galera cluster of the stack in DIR, every node on loopback (`make
# run-cluster` and the cluster test). Each node N has DIR/galera-N: its data directory, its unix
# socket (mysql.sock), its log, and its own ports (ports: mysql, gmcast, IST, SST, picked once).
#
#   cluster.sh up DIR [NODES]     NODES (default 3) nodes: node 1 bootstraps the cluster, the others
#                                 join it (a full copy, rsync SST); database, user and migrations
#                                 (once, cluster-wide); SHORTENER_MYSQL_SERVERS in DIR/stack.env
#   cluster.sh down DIR           stops every node, node 1 last (so it bootstraps the next up)
#   cluster.sh node-up DIR N      starts node N and waits until it has rejoined (IST) and is Synced
#   cluster.sh node-down DIR N    stops node N cleanly
#   cluster.sh node-kill DIR N    SIGKILL to node N (a crash)
#   cluster.sh status DIR         each node's state
#
# mariadbd runs as the mysql user when started as root: the rsync SST's daemon drops privileges
# and, as root, fails with "cannot stat destination". Buffers are small: this is for one machine.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
readonly STOP_TIMEOUT=30
readonly JOIN_TIMEOUT=120  # seconds a joining node gets to reach Synced (an SST copies everything)
readonly PROVIDER=/usr/lib/galera/libgalera_smm.so
# Write-sets each node applies in parallel (wsrep_slave_threads, default 1). With one, nodes 2
# and 3 applied a stream of creations through node 1 more slowly than node 1 committed them, and
# flow control paused the whole cluster for a fifth of the time (`make bench CLUSTER=1`).
readonly APPLIERS=4
# A killed node pauses every commit in the cluster until the others evict it. Keepalives every
# 0.1 s, suspicion after 0.5 s of silence and join messages resent every 0.1 s keep that pause
# (about 0.6 s) inside the worker's 1 s database timeout: no 503 but for requests in flight on
# the node that died (docs/scaling.md, "Noticing a dead node"; Galera's 5 s default: seconds of them).
readonly EVS="evs.keepalive_period=PT0.1S;evs.inactive_check_period=PT0.1S;evs.join_retrans_period=PT0.1S;evs.suspect_timeout=PT0.5S;evs.inactive_timeout=PT6S"
if (( EUID == 0 )); then AS=(setpriv --reuid=mysql --regid=mysql --init-groups) OWNER=mysql; else AS=() OWNER=$(id -un); fi

node_dir() { echo "$D/galera-$1"; }
nodes() { local n; for n in "$D"/galera-*; do [[ ! ${n##*/galera-} =~ ^[0-9]+$ ]] || echo "${n##*/galera-}"; done | sort -n; }
sql() {  # N SQL...: as the database's root (socket authentication) on node N
  local n=$1; shift
  mariadb --no-defaults --socket="$(node_dir "$n")/mysql.sock" --user=root --batch --skip-column-names "$@"
}
state() { sql "$1" --connect-timeout=2 -e "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2; }
port_of() { local ports; read -r -a ports <"$(node_dir "$1")/ports"; echo "${ports[$2]}"; }  # N INDEX
cluster_address() {
  local n out=''
  for n in $(nodes); do out+="${out:+,}127.0.0.1:$(port_of "$n" 1)"; done
  echo "gcomm://$out"
}

start_node() {  # N [new]: starts node N (new: bootstraps a new cluster)
  local n=$1 dir pid bootstrap=()
  dir=$(node_dir "$n")
  if pid=$(live_pid "$dir/mysql.pid" mariadbd); then say "node $n already running (pid $pid)"; return 0; fi
  [[ ${2:-} != new ]] || bootstrap=(--wsrep-new-cluster)
  rm -f "$dir/mysql.sock" "$dir/mysql.pid"
  local mysql_port gmcast ist sst args position
  read -r mysql_port gmcast ist sst <"$dir/ports"
  args=(--no-defaults \
    --datadir="$dir/data" --socket="$dir/mysql.sock" --pid-file="$dir/mariadbd.pid" \
    --port="$mysql_port" --bind-address=127.0.0.1 --skip-name-resolve \
    --innodb-buffer-pool-size=32M --innodb-log-file-size=16M --key-buffer-size=8M \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci --max-connections=300 \
    --binlog-format=ROW --default-storage-engine=InnoDB --innodb-autoinc-lock-mode=2 \
    --wsrep-slave-threads="$APPLIERS" \
    --wsrep-on=ON --wsrep-provider="$PROVIDER" --wsrep-cluster-name="shortener-$(basename "$D")" \
    --wsrep-node-name="node$n" --wsrep-cluster-address="$(cluster_address)" \
    --wsrep-node-address="127.0.0.1:$gmcast" --wsrep-sst-method=rsync \
    --wsrep-sst-receive-address="127.0.0.1:$sst" \
    --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:$gmcast;ist.recv_addr=127.0.0.1:$ist;gcache.size=64M;gcs.fc_limit=256;$EVS" \
    "${bootstrap[@]}")
  # A node rejoins from the last write set InnoDB committed, recovered from InnoDB as
  # galera_recovery does for the packaged service, and asks the others for the ones it missed
  # (IST). A killed node's grastate.dat says seqno -1 (unknown), which alone would cost a full
  # copy (SST). A cleanly stopped one's may say one more than InnoDB (a last write set that
  # committed nothing there): the donor then starts after it and the IST fails ("IST started
  # with wrong seqno"), so InnoDB's position is written over it.
  local state=$dir/data/grastate.dat seqno
  if [[ -f $state && -f $dir/data/ibdata1 ]]; then
    rm -f "$dir/recover.log"
    "${AS[@]}" mariadbd "${args[@]}" --wsrep-recover --log-error="$dir/recover.log" 2>/dev/null || true
    position=$(sed -n 's/.*WSREP: Recovered position: *//p' "$dir/recover.log" | tail -n 1)
    seqno=$(sed -n 's/^seqno: *//p' "$state")
    if [[ $position == *:* && $position != *:-1 ]]; then
      if [[ $seqno == -1 ]]; then
        args+=(--wsrep-start-position="$position")
      elif [[ $seqno != "${position##*:}" ]]; then
        say "node $n: grastate.dat says seqno $seqno, InnoDB ${position##*:}: starting from InnoDB's"
        "${AS[@]}" sed -i "s/^seqno: .*/seqno:   ${position##*:}/" "$state"
      fi
    fi
  fi
  start_bg "$dir/mysql.log" "$dir/mysql.pid" "${AS[@]}" mariadbd "${args[@]}" --log-error="$dir/mysql.log"
}

wait_synced() {  # N SECONDS
  local n=$1 deadline=$(( SECONDS + $2 )) pid dir
  dir=$(node_dir "$n")
  pid=$(cat "$dir/mysql.pid" 2>/dev/null) || true
  until [[ $(state "$n") == Synced ]]; do
    [[ -n $pid ]] && is_alive "$pid" || { show_log "$dir/mysql.log"; die "node $n exited during start"; }
    (( SECONDS < deadline )) || { show_log "$dir/mysql.log"; die "node $n not Synced within $2s"; }
    sleep 0.3
  done
}

node_up() {  # N: a node of an existing cluster rejoins
  start_node "$1"
  UNDO+=("stop_daemon 'node $1' '$(node_dir "$1")/mysql.pid' mariadbd $STOP_TIMEOUT")
  wait_synced "$1" "$JOIN_TIMEOUT"
  say "node $1 Synced (pid $(<"$(node_dir "$1")/mysql.pid"))"
}

up() {
  local count=${1:-3} n dir servers=''
  [[ $count =~ ^[1-9]$ ]] || die "NODES must be 1 to 9"
  [[ -r $PROVIDER ]] || die "$PROVIDER not found: install galera-4 (make deps)"
  (( ${#D} < 90 )) || die "stack directory too long for a unix socket path: $D"
  touch "$D/traverse" && chmod 711 "$D"  # the mysql user reaches its node directories
  db_secrets
  for (( n = 1; n <= count; n++ )); do
    dir=$(node_dir "$n")
    mkdir -p "$dir" && chown "$OWNER" "$dir"
    [[ -s $dir/ports ]] || echo "$(pick_port) $(pick_port) $(pick_port) $(pick_port)" >"$dir/ports"
    if [[ ! -d $dir/data ]] && (( n == 1 )); then
      db_install "$dir/data" "$dir/install.log" "${AS[@]}" mariadb-install-db --no-defaults
    elif [[ ! -d $dir/data ]]; then  # empty: the node receives a full copy when it first joins
      mkdir "$dir/data" && chown "$OWNER" "$dir/data"
    fi
  done
  # The node that stopped last may bootstrap; in this stack that is node 1 (down stops it last).
  # After a crash of the whole stack none is marked safe: this is a development stack, take 1.
  if [[ -f $(node_dir 1)/data/grastate.dat ]] && ! live_pid "$(node_dir 1)/mysql.pid" mariadbd >/dev/null; then
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$(node_dir 1)/data/grastate.dat"
  fi
  start_node 1 new
  UNDO+=("'$0' down '$D'")
  wait_synced 1 "$START_TIMEOUT"
  db_account sql 1
  for (( n = 2; n <= count; n++ )); do start_node "$n"; done
  for (( n = 2; n <= count; n++ )); do wait_synced "$n" "$JOIN_TIMEOUT"; done
  for (( n = 1; n <= count; n++ )); do servers+="${servers:+,}$(node_dir "$n")/mysql.sock"; done
  db_env SHORTENER_MYSQL_SERVERS "$servers"
  db_migrate
  say "Galera cluster up: $count nodes Synced ($servers)"
}

down() {
  local n order
  order=$(nodes | sort -rn)
  for n in $order; do stop_daemon "node $n" "$(node_dir "$n")/mysql.pid" mariadbd "$STOP_TIMEOUT"; done
}

status() {
  local n pid row
  for n in $(nodes); do
    if pid=$(live_pid "$(node_dir "$n")/mysql.pid" mariadbd); then
      row="running, pid $pid, $(state "$n" || true), socket $(node_dir "$n")/mysql.sock"
    else
      row=stopped
    fi
    printf '  %-10s %s\n' "galera-$n" "$row"
  done
}

cmd=${1:-}
[[ -n ${2:-} ]] || die "usage: cluster.sh up|down|node-up|node-down|node-kill|status DIR ..."
case $cmd in
  up) dir_init "$2" create; up "${3:-}" ;;
  down) dir_init "$2" || exit 0; down ;;
  status) dir_init "$2" || exit 0; status ;;
  node-up | node-down | node-kill)
    dir_init "$2" || die "no stack in $2"
    [[ ${3:-} =~ ^[1-9]$ && -d $(node_dir "$3") ]] || die "no node '${3:-}' in $2"
    case $cmd in
      node-up) node_up "$3" ;;
      node-down) stop_daemon "node $3" "$(node_dir "$3")/mysql.pid" mariadbd "$STOP_TIMEOUT" ;;
      node-kill)
        pid=$(live_pid "$(node_dir "$3")/mysql.pid" mariadbd) || die "node $3 is not running"
        kill -KILL "$pid"; say "node $3 (pid $pid) killed" ;;
    esac ;;
  *) die "usage: cluster.sh up|down|node-up|node-down|node-kill|status DIR ..." ;;
esac
