#!/bin/sh
# Builds a fake `tailscale` package VERSION whose postinst restarts tailscaled the way the real one
# does (deb-systemd-invoke, through policy-rc.d). The unit itself is the lab's stand-in.
# Usage: fake-tailscale-deb.sh VERSION OUTDIR
set -e
V=$1 OUT=$2
D=$(mktemp -d)
mkdir -p "$D/DEBIAN" "$D/usr/share/doc/tailscale"
cat >"$D/DEBIAN/control" <<CTRL
Package: tailscale
Version: $V
Architecture: all
Maintainer: apt-netguard tests <root@localhost>
Description: test stand-in for tailscale
CTRL
cat >"$D/DEBIAN/postinst" <<'POST'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
	deb-systemd-invoke restart 'tailscaled.service' >/dev/null || true
fi
POST
chmod 755 "$D/DEBIAN/postinst"
echo "$V" >"$D/usr/share/doc/tailscale/VERSION"
dpkg-deb --build "$D" "$OUT/tailscale_${V}_all.deb" >/dev/null
rm -rf "$D"
