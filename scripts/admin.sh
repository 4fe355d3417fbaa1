#!/usr/bin/env bash
# admin.sh: shortener-admin against the private stack of `make run` (var/ of this checkout), with
# that stack's settings (var/stack.env: its MariaDB socket, user, password and slug secret).
#   scripts/admin.sh user list
#   scripts/admin.sh apikey create demo --name laptop
# Environment: STACK_DIR (default var/), STACK_ADMIN_BIN (default build/shortener-admin); a
# SHORTENER_* variable exported by the caller wins over the stack's.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly DIR=${STACK_DIR:-$REPO/var}
readonly ADMIN=${STACK_ADMIN_BIN:-$REPO/build/shortener-admin}

if [[ ! -f $DIR/stack.env ]]; then
  printf 'admin.sh: no `make run` stack in %s (start one with: make run)\n' "$DIR" >&2
  exit 1
fi
[[ -x $ADMIN ]] || { printf 'admin.sh: %s is not built (make all)\n' "$ADMIN" >&2; exit 1; }
while IFS= read -r line || [[ -n $line ]]; do
  [[ $line =~ ^SHORTENER_[A-Z0-9_]+= ]] || continue
  [[ -v ${line%%=*} ]] || export "${line?}"
done <"$DIR/stack.env"
exec "$ADMIN" "$@"
