#!/usr/bin/env bash
# install-deps.sh: installs the Debian packages this project needs that are missing (`make deps`,
# run by `make run` and `make check`). Silent and quick when nothing is missing.
# The system services of mariadb-server, memcached and lighttpd are not started by the install:
# the project runs its own private instances (scripts/stack.sh).
set -euo pipefail

# Everything the build, the tests and the private stack use; the one list.
readonly PACKAGES=(
  g++ make pkg-config
  libfcgi-dev spawn-fcgi
  libmysqlcppconn-dev libmemcached-dev libargon2-dev libsodium-dev liburiparser-dev libidn2-dev
  nlohmann-json3-dev libboost-test-dev
  libqrencode-dev libpng-dev zbar-tools  # QR codes (/qr/{slug}.svg|.png); zbarimg reads them back in tests
  chromium chromium-driver python3-selenium libjs-chart.js  # the web interface: charts; its browser tests
  libmaxminddb-dev libmaxmind-db-writer-perl  # countries; the writer makes the unit tests' database
  mariadb-server mariadb-client memcached lighttpd lighttpd-modules-lua apache2 nginx systemd
  galera-4 rsync  # make run-cluster and the cluster test: Galera nodes, their rsync state transfer
  curl python3 clang-format iproute2  # iproute2: ss, which tests ask who accepted a socket
  nftables  # conf/nftables-connlimit.nft, the per-address cap in front of Apache (tested)
  wrk nginx  # make bench: the load generator; nginx for the ceiling variants
  clang libclang-rt-14-dev
)

command -v dpkg-query >/dev/null || {
  echo "install-deps: dpkg-query not found: this script knows Debian's packages only" >&2
  exit 1
}

# One dpkg-query for all: unknown packages print nothing (and make it exit 1).
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null |
  awk '$2 == "installed" { print $1 }') || true
missing=()
for pkg in "${PACKAGES[@]}"; do
  grep -qxF -- "$pkg" <<<"$installed" || missing+=("$pkg")
done
(( ${#missing[@]} > 0 )) || exit 0

if (( EUID != 0 )); then
  echo "install-deps: missing Debian packages: ${missing[*]}" >&2
  echo "install-deps: install them as root with:" >&2
  echo "  sudo apt-get update" >&2
  echo "  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
# policy-rc.d answering 101 tells invoke-rc.d / deb-systemd-invoke not to start services, so the
# packages neither leave their system daemons running nor fail when one cannot start here.
# An existing policy-rc.d is the admin's and is left alone.
readonly POLICY=/usr/sbin/policy-rc.d
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# installed by shortener scripts/install-deps.sh for the time of one install\nexit 101\n' >"$POLICY"
  chmod 755 "$POLICY"
  trap 'rm -f "$POLICY"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
