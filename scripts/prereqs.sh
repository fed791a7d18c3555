#!/bin/bash
# Installs what building and testing apt-netguard needs on Debian/Ubuntu (root). Idempotent.
set -euo pipefail
need=()
command -v ip >/dev/null || need+=(iproute2)
command -v nft >/dev/null || need+=(nftables)
command -v ss >/dev/null || need+=(iproute2)
[ -x /usr/bin/time ] || need+=(time)
# Container tests: a debootstrapped bookworm booted with systemd-nspawn.
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v systemd-nspawn >/dev/null || need+=(systemd-container)
command -v nsenter >/dev/null || need+=(util-linux)
# The .deb: debhelper (compat 13), fakeroot, lintian.
command -v dh >/dev/null || need+=(debhelper)
command -v fakeroot >/dev/null || need+=(fakeroot)
command -v lintian >/dev/null || need+=(lintian)
# Prometheus' promtool checks the textfile metrics and the example alerting rules (Debian's prometheus).
command -v promtool >/dev/null || need+=(prometheus)
# Debian's own nodejs (bookworm: 18.19) is the runtime the package targets; keep a newer one if present.
if ! command -v node >/dev/null; then need+=(nodejs); fi
if ! command -v npm >/dev/null; then need+=(npm); fi
if [ ${#need[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<18||(a===18&&b<19)) { console.error("apt-netguard needs node >= 18.19, found "+process.version); process.exit(1) }'
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error
