#!/bin/bash
# Installs apt-netguard into a rootfs by hand, laid out as the .deb will: the bundle, the hook
# shims, apt.conf.d files, the policy-rc.d gate, needrestart's restart.d links and conf.d file.
# Usage: install-guard.sh ROOTFS   (run `npm run build` first)
set -euo pipefail
R=${1:?usage: install-guard.sh ROOTFS}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
install -d "$R/usr/lib/apt-netguard/hooks" "$R/usr/share/apt-netguard/policies" "$R/etc/apt-netguard/policies.d" \
	"$R/etc/needrestart/restart.d" "$R/etc/needrestart/conf.d" "$R/var/lib/apt-netguard" "$R/var/cache/apt-netguard"
install -m 755 "$SRC/dist/apt-netguard.mjs" "$R/usr/lib/apt-netguard/apt-netguard.mjs"
ln -sf /usr/lib/apt-netguard/apt-netguard.mjs "$R/usr/bin/apt-netguard"
install -m 755 "$SRC"/hooks/run-hook "$SRC"/hooks/pre-install-pkgs "$SRC"/hooks/needrestart-restart "$SRC"/hooks/policy-rc.d "$R/usr/lib/apt-netguard/hooks/"
install -m 644 "$SRC"/hooks/apt.conf.d/* "$R/etc/apt/apt.conf.d/"
install -m 644 "$SRC/hooks/apt-pkgs.conf" "$R/etc/apt/apt.conf.d/20apt-netguard-pkgs"
install -m 644 "$SRC"/policies/*.yaml "$R/usr/share/apt-netguard/policies/"
# Keep a policy-rc.d that was there: the gate delegates to it.
if [ -e "$R/usr/sbin/policy-rc.d" ] && ! cmp -s "$R/usr/sbin/policy-rc.d" "$SRC/hooks/policy-rc.d"; then
	mv "$R/usr/sbin/policy-rc.d" "$R/usr/sbin/policy-rc.d.apt-netguard-orig"
fi
install -m 755 "$SRC/hooks/policy-rc.d" "$R/usr/sbin/policy-rc.d"
# needrestart: the conf.d file and restart.d links, generated as debian/rules does, from the
# protected units as the policy loader itself reads them.
gen=$(mktemp -d)
APT_NETGUARD_SHIPPED_POLICIES="$SRC/policies" node "$SRC/dist/apt-netguard.mjs" policy show --json --policy-dir /nonexistent |
	node "$SRC/debian/gen-needrestart.mjs" "$gen"
install -m 644 "$gen/apt-netguard.conf" "$R/etc/needrestart/conf.d/apt-netguard.conf"
while read -r target link; do ln -sf "/$target" "$R/$link"; done <"$gen/links"
rm -rf "$gen"
# The maintenance-window timer, installed and left disabled (as the package ships it).
install -m 644 "$SRC"/hooks/systemd/apt-netguard-restart-pending.* "$R/lib/systemd/system/"
