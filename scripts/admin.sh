#!/usr/bin/env bash
# admin.sh: shortener-admin against the private stack of `make run` (var/ of this checkout), with
# that stack's settings (var/stack.env: its MariaDB socket, user, password and slug secret).
#   scripts/admin.sh user list
#   scripts/admin.sh apikey create demo --name laptop
# Environment: STACK_DIR (default var/), STACK_ADMIN_BIN (default build/shortener-admin); a
# SHORTENER_* variable exported by the caller wins over the stack's.
source "$(dirname "${BASH_SOURCE[0]}")/stack/lib.sh"
if ! dir_init "${STACK_DIR:-$REPO/var}" || [[ ! -f $D/stack.env ]]; then
  printf 'admin.sh: no `make run` stack in %s (start one with: make run)\n' "${STACK_DIR:-$REPO/var}" >&2
  exit 1
fi
check_bin "$ADMIN_BIN" STACK_ADMIN_BIN
# The short URLs it prints, and its loop check, use the public_base_url of the stack's first
# running web instance (make run's), as that instance's workers do.
if [[ ! -v SHORTENER_PUBLIC_BASE_URL ]]; then
  for port in $(printf '%s\n' "$D"/web-*/public_base_url | sed 's|.*/web-\([0-9]*\)/.*|\1|' | sort -n); do
    w=$D/web-$port
    front=$(cat "$w/front" 2>/dev/null) && live_pid "$w/$front.pid" "$front" >/dev/null &&
      [[ -s $w/public_base_url ]] && { export SHORTENER_PUBLIC_BASE_URL=$(<"$w/public_base_url"); break; }
  done
fi
with_stack_env "$ADMIN_BIN" "$@"
