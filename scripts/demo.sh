#!/bin/bash
# The main job, shown (root): builds the .deb, boots two bookworm hosts with systemd-nspawn, one
# without and one with apt-netguard, and plays the 2026-05-02 and 2026-03-26 upgrades on both
# (scripts/demo.mjs). The containers have private networks: the host's network is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "demo: installing prerequisites, building the .deb and the bookworm rootfs (first run: about 2 min)"
{ bash scripts/prereqs.sh && npm run --silent deb &&
	bash test/container/build-rootfs.sh "${APT_NETGUARD_ROOTFS:-/var/tmp/apt-netguard-rootfs/bookworm}"; } >"$log" 2>&1 ||
	{ cat "$log"; echo "demo: setup failed" >&2; exit 1; }
node scripts/demo.mjs
