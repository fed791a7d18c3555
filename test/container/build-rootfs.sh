#!/bin/bash
# Builds (or reuses) the rootfs of one Debian suite the container tests boot with systemd-nspawn.
# Usage: build-rootfs.sh DIR [SUITE]    (SUITE: bookworm (default) or trixie; root; debootstrap and the mirror)
# The rootfs is reused while the recipe (this script, lab/ and the suite) is unchanged: a stamp holds its hash.
set -euo pipefail
DIR=${1:?usage: build-rootfs.sh DIR [SUITE]}
SUITE=${2:-bookworm}
case $SUITE in bookworm | trixie) ;; *) echo "build-rootfs: unknown suite $SUITE (bookworm or trixie)" >&2; exit 2 ;; esac
HERE=$(cd "$(dirname "$0")" && pwd)
MIRROR=${APT_NETGUARD_MIRROR:-http://deb.debian.org/debian}
RECIPE=$({ cat "$0" "$HERE"/lab/*; echo "$SUITE"; } | sha256sum | cut -c1-16)
# One build at a time: the tests, the e2e suite and the demo share the cache; a second caller waits, then reuses.
mkdir -p "$(dirname "$DIR")"
exec 9>"$DIR.lock"
flock 9
if [ -f "$DIR/.ng-recipe" ] && [ "$(cat "$DIR/.ng-recipe")" = "$RECIPE" ]; then
	echo "rootfs: reusing $DIR ($RECIPE)"
	exit 0
fi
rm -rf "$DIR"
mkdir -p "$(dirname "$DIR")"
echo "rootfs: debootstrap $SUITE into $DIR"
# nodejs is Debian's own (18.19 on bookworm, 20.19 on trixie): the runtime the .deb depends on.
debootstrap --variant=minbase \
	--include=systemd,systemd-sysv,dbus,udev,iproute2,nftables,needrestart,nodejs,procps,unattended-upgrades,apt-utils,iputils-ping \
	"$SUITE" "$DIR" "$MIRROR" >/dev/null
# Apt lists, so `apt-get install --reinstall` works offline inside the container from the cache.
cp /etc/resolv.conf "$DIR/etc/resolv.conf"
chroot "$DIR" apt-get update -qq
# The .deb is also built inside the rootfs (scripts/deb-in.sh), with that release's debhelper and lintian.
# apt, not debootstrap: debootstrap's resolver does not follow virtual packages (perl-openssl-abi-3).
chroot "$DIR" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends \
	build-essential debhelper lintian fakeroot git >"$DIR.tools.log" 2>&1 || { tail -20 "$DIR.tools.log"; exit 1; }
# Issue 19: Debian's node_exporter scrapes the guard's textfile (its default textfile directory,
# /var/lib/prometheus/node-exporter), and curl reads its /metrics on the container's loopback.
chroot "$DIR" env DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends \
	prometheus-node-exporter curl >>"$DIR.tools.log" 2>&1 || { tail -20 "$DIR.tools.log"; exit 1; }
# The e2e suite reinstalls libc6 and libseccomp2 and repacks libkmod2 from these cached .debs.
chroot "$DIR" apt-get -qq install --download-only --reinstall systemd hostname libc6 libkmod2 kmod libseccomp2 >/dev/null

install -m 644 "$HERE/lab/lab-veth.service" "$HERE/lab/tailscaled.service" "$HERE/lab/ts-netmon.service" "$HERE/lab/lab-firewall.service" "$DIR/etc/systemd/system/"
install -d "$DIR/etc/systemd/network" "$DIR/usr/local/lib/fake-tailscale" "$DIR/etc/systemd/system/systemd-udev-trigger.service.d"
install -m 644 "$HERE"/lab/*.network "$DIR/etc/systemd/network/"
install -m 644 "$HERE/lab/udev-trigger-net.conf" "$DIR/etc/systemd/system/systemd-udev-trigger.service.d/net-only.conf"
install -m 755 "$HERE/lab/ts-up" "$HERE/lab/ts-down" "$HERE/lab/ts-netmon" "$HERE/lab/tailnet-ping" "$DIR/usr/local/lib/fake-tailscale/"
install -m 755 "$HERE/lab/tailscale" "$DIR/usr/bin/tailscale"
# The stand-in's main process is a copy of sleep: replacing that file makes needrestart flag it.
cp "$DIR/bin/sleep" "$DIR/usr/local/lib/fake-tailscale/tailscaled"
install -m 644 "$HERE/lab/nftables.conf" "$DIR/etc/nftables.conf"
chroot "$DIR" systemctl enable -q systemd-networkd lab-veth tailscaled lab-firewall
chroot "$DIR" systemctl mask -q systemd-resolved.service getty@tty1.service console-getty.service 2>/dev/null || true
echo "$RECIPE" >"$DIR/.ng-recipe"
echo "rootfs: built $DIR ($RECIPE)"
