#!/usr/bin/env bash
# check-deploy.sh: the deployment checks of `make check` (suite "deploy" of run-tests.sh), each
# printing one line "deploy <name>: passed|failed":
#   units      systemd-analyze verify on every unit of systemd/, as `make install` writes them
#   install    `make install` puts down the binaries, sql/, error bodies, web server configs,
#              config and units, with their modes; shortener.conf (0644) sets no secret,
#              secrets.env (0600) is where they go
#   binaries   the installed programs are stripped, PIE, full RELRO (BIND_NOW), built with the
#              stack protector and _FORTIFY_SOURCE, and default to the installed config and sql/
#   keep-conf  a second install keeps an edited config; uninstall keeps it too
#   uninstall  `make uninstall` removes everything install put down
#   destdir    DESTDIR stages under another root; the units still name the final paths
# Everything happens in a temp dir (removed afterwards); `make install` builds and installs the
# release build (build-release/).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
tmp=$(mktemp -d /tmp/shortener-deploy-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

result() {  # NAME STATUS (0: passed)
  if [[ $2 == 0 ]]; then echo "deploy $1: passed"; else echo "deploy $1: failed"; failed=1; fi
}

# Installs into the real-looking tree $tmp/root with paths that exist, so the units' ExecStart
# names an executable that systemd-analyze can find.
root=$tmp/root
mk() {  # make TARGET with the test prefix
  make -s --no-print-directory PREFIX="$root/usr" sysconfdir="$root/etc" "$@"
}

files_under() { (cd "$1" && find . -type f -o -type l | sort); }

# ---- install
mk install >"$tmp/install.log" 2>&1
rc=$?
expect=(
  "usr/bin/shortener 755" "usr/bin/shortener-admin 755" "etc/shortener/shortener.conf 644"
  "etc/shortener/secrets.env 600" "usr/share/shortener/conf/nginx.conf 644"
  "usr/share/shortener/conf/apache.conf 644" "usr/share/shortener/conf/lighttpd.conf 644"
  "usr/share/shortener/errors/status-503.html 644" "usr/share/shortener/conf/nginx-web-headers.conf 644"
  "usr/share/shortener/web/index.html 644" "usr/share/shortener/web/ui/v1/vendor/chart.min.js 644"
)
for f in $(cd web && find . -type f); do expect+=("usr/share/shortener/web/${f#./} 644"); done
for sql in sql/*.sql; do expect+=("usr/share/shortener/$sql 644"); done
units=(systemd/*.service systemd/*.socket systemd/*.timer)
for u in "${units[@]}"; do [[ -e $u ]] && expect+=("usr/lib/systemd/system/${u##*/} 644"); done
for e in "${expect[@]}"; do
  f=$root/${e% *}
  if [[ ! -f $f ]] || [[ $(stat -c %a "$f") != "${e#* }" ]]; then
    echo "  missing or wrong mode: $f (want ${e#* })"
    rc=1
  fi
done
# Every default path must have been rewritten to one under $root (shown as ROOT).
if cat "$root"/usr/lib/systemd/system/* "$root"/usr/share/shortener/conf/* | sed "s|$root|ROOT|g" |
    grep -E '(^|[^T])/(usr/local|etc/shortener)/'; then
  echo "  an installed file still names a default path"
  rc=1
fi
# The world-readable config sets no secret and says where they go.
conf=$root/etc/shortener/shortener.conf
if grep -nE '^[[:space:]]*(slug_secret|mysql_password)[[:space:]]*=' "$conf"; then
  echo "  $conf (0644) sets a secret"
  rc=1
fi
grep -q "$root/etc/shortener/secrets.env" "$conf" ||
  { echo "  $conf does not point to secrets.env"; rc=1; }
(( rc == 0 )) || tail -n 20 "$tmp/install.log"
result install $rc

# ---- binaries
rc=0
for bin in "$root/usr/bin/shortener" "$root/usr/bin/shortener-admin"; do
  # Captured first: grep -q ending a pipe early would fail it under pipefail.
  sections=$(readelf -SW "$bin" 2>&1)
  header=$(readelf -hW "$bin" 2>&1)
  segments=$(readelf -lW "$bin" 2>&1)
  dynamic=$(readelf -dW "$bin" 2>&1)
  symbols=$(readelf -W --dyn-syms "$bin" 2>&1)
  if grep -qE '\.symtab|\.debug_' <<<"$sections"; then echo "  $bin is not stripped"; rc=1; fi
  grep -qE 'Type:[[:space:]]+DYN' <<<"$header" || { echo "  $bin is not PIE"; rc=1; }
  grep -q GNU_RELRO <<<"$segments" || { echo "  $bin has no RELRO segment"; rc=1; }
  grep -qE 'BIND_NOW|FLAGS_1.*NOW' <<<"$dynamic" || { echo "  $bin has no BIND_NOW (partial RELRO)"; rc=1; }
  grep -q '__stack_chk_fail' <<<"$symbols" || { echo "  $bin has no stack protector"; rc=1; }
  grep -qE '__[a-z_]+_chk@' <<<"$symbols" || { echo "  $bin has no _FORTIFY_SOURCE checks"; rc=1; }
  size=$(stat -c %s "$bin")
  (( size < 8 * 1024 * 1024 )) || { echo "  $bin is $size bytes"; rc=1; }
done
# The installed programs find the installed config and migrations without being told.
help=$(env -u SHORTENER_CONFIG "$root/usr/bin/shortener-admin" --help 2>&1)
grep -qF "$root/etc/shortener/shortener.conf" <<<"$help" || { echo "  admin --help names no installed config"; rc=1; }
grep -qF "$root/usr/share/shortener/sql" <<<"$help" || { echo "  admin --help names no installed sql dir"; rc=1; }
# Without the file, both name the one they looked for.
mv "$conf" "$conf.away"
for bin in "$root/usr/bin/shortener --check-config" "$root/usr/bin/shortener-admin user list"; do
  # shellcheck disable=SC2086  # the program and its arguments
  out=$(env -u SHORTENER_CONFIG $bin 2>&1)
  grep -qF "'$conf'" <<<"$out" || { echo "  ${bin##*/} did not look for $conf: $out"; rc=1; }
done
mv "$conf.away" "$conf"
(( rc == 0 )) || echo "$help" | head -n 5 | sed 's/^/  /'
result binaries $rc

# ---- units
installed_units=()
for u in "${units[@]}"; do [[ -e $u ]] && installed_units+=("$root/usr/lib/systemd/system/${u##*/}"); done
out=$(systemd-analyze verify --man=no "${installed_units[@]}" 2>&1)
rc=$?
[[ -z $out ]] || { echo "$out" | sed 's/^/  /'; rc=1; }
result units $rc

# ---- keep-conf
rc=0
echo "log_level = debug" >>"$root/etc/shortener/shortener.conf"
mk install >"$tmp/install2.log" 2>&1 || rc=1
grep -q '^log_level = debug$' "$root/etc/shortener/shortener.conf" || { echo "  install overwrote the edited config"; rc=1; }
mk uninstall >"$tmp/uninstall.log" 2>&1 || rc=1
left=$(files_under "$root")
[[ $left == "./etc/shortener/shortener.conf" ]] || { echo "  after uninstall with an edited config: $left"; rc=1; }
result keep-conf $rc

# ---- uninstall
rc=0
rm -rf "$root"
mk install >"$tmp/install3.log" 2>&1 || rc=1
mk uninstall >"$tmp/uninstall2.log" 2>&1 || rc=1
left=$(files_under "$root")
[[ -z $left ]] || { echo "  left behind: $left"; rc=1; }
result uninstall $rc

# ---- destdir
rc=0
stage=$tmp/stage
make -s --no-print-directory DESTDIR="$stage" install >"$tmp/install4.log" 2>&1 || rc=1
[[ -x $stage/usr/local/bin/shortener && -f $stage/etc/shortener/shortener.conf ]] || { echo "  not staged under DESTDIR"; rc=1; }
grep -q '^ExecStart=/usr/local/bin/shortener ' "$stage/usr/local/lib/systemd/system/shortener.service" ||
  { echo "  staged unit does not name /usr/local/bin/shortener"; rc=1; }
make -s --no-print-directory DESTDIR="$stage" uninstall >/dev/null 2>&1 || rc=1
left=$(files_under "$stage")
[[ -z $left ]] || { echo "  left behind in DESTDIR: $left"; rc=1; }
result destdir $rc

exit $failed
