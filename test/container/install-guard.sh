#!/bin/bash
# Installs apt-netguard into a rootfs by hand, laid out as the .deb will: the bundle, the hook
# shims, apt.conf.d files, the policy-rc.d gate, needrestart's restart.d links and conf.d file.
# Usage: install-guard.sh ROOTFS   (run `npm run build` first)
set -euo pipefail
R=${1:?usage: install-guard.sh ROOTFS}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
install -d "$R/usr/lib/apt-netguard/hooks" "$R/usr/share/apt-netguard/policies" "$R/etc/apt-netguard/policies.d" \
	"$R/etc/needrestart/restart.d" "$R/etc/needrestart/conf.d" "$R/var/lib/apt-netguard"
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
# needrestart: protected units go through restart.d (recorded, not executed, during a dpkg run);
# override_rc = 1 per key so needrestart selects them in every mode and reaches restart.d.
# The protected units as the policy loader itself reads them, not as a pattern over the YAML.
units=$(APT_NETGUARD_SHIPPED_POLICIES="$SRC/policies" node "$SRC/dist/apt-netguard.mjs" policy show --json --policy-dir /nonexistent |
	node -e 'process.stdout.write(Object.keys(JSON.parse(require("fs").readFileSync(0, "utf8")).units).join(" "))')
{
	echo "# apt-netguard: protected units are handed to /etc/needrestart/restart.d/<unit>."
	for u in $units; do
		ln -sf /usr/lib/apt-netguard/hooks/needrestart-restart "$R/etc/needrestart/restart.d/$u"
		printf '$nrconf{override_rc}{qr(^%s$)} = 1;\n' "$(printf %s "$u" | sed 's/\./\\./g')"
	done
} >"$R/etc/needrestart/conf.d/apt-netguard.conf"
# The maintenance-window timer, installed and left disabled (as the package ships it).
install -m 644 "$SRC"/hooks/systemd/apt-netguard-restart-pending.* "$R/lib/systemd/system/"
