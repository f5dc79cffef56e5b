#!/bin/sh
# Install the Debian packages capplan builds against, but only those missing:
# a machine that has them all is not touched (no apt-get update, no root needed).
set -eu

PKGS="libglpk-dev libyajl-dev libcunit1-dev libcurl4-openssl-dev libssl-dev
libsqlite3-dev libyaml-dev libxml2-dev zlib1g-dev pkg-config make gcc python3 glpk-utils
chromium openssl"
# extra packages a target asks for (e.g. glpk-utils for the solver's glpsol cross-check)
PKGS="$PKGS ${CAPPLAN_EXTRA_PKGS:-}"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "deps: missing packages:$missing (run as root or install them)" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
