#!/bin/bash
# The main job, shown (root): builds the .deb, boots two Debian hosts with systemd-nspawn, one
# without and one with apt-netguard, and plays the 2026-05-02 and 2026-03-26 upgrades on both
# (scripts/demo.mjs). The containers have private networks: the host's network is never touched.
# Usage: demo.sh [--suite trixie|bookworm]   (default: trixie)
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
suite=trixie
[ "${1:-}" = --suite ] && suite=${2:?usage: demo.sh [--suite trixie|bookworm]}
case $suite in trixie | bookworm) ;; *) echo "usage: demo.sh [--suite trixie|bookworm]" >&2; exit 2 ;; esac
echo "demo: installing prerequisites, building the .deb and the $suite rootfs (first run: about 3 min)"
{ bash scripts/prereqs.sh && npm run --silent deb &&
	bash test/container/build-rootfs.sh "${APT_NETGUARD_ROOTFS_BASE:-/var/tmp/apt-netguard-rootfs}/$suite" "$suite"; } >"$log" 2>&1 ||
	{ cat "$log"; echo "demo: setup failed" >&2; exit 1; }
node scripts/demo.mjs --suite "$suite"
