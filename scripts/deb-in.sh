#!/bin/bash
# Builds the .deb inside a suite's rootfs as a developer on a host of that release would: `npm run deb`
# with that release's nodejs, debhelper, dpkg-dev and lintian. Then that lintian also checks the .deb
# built here (DEB), the one shipped to both releases. Root. The rootfs is not changed: a copy is used.
# Usage: deb-in.sh SUITE [DEB]   -> dist/SUITE/apt-netguard_<version>_all.deb, and lintian's output
# npm is the build machine's (npm 11, pure JS) run by the release's node: trixie's own npm 9 would do as well.
set -euo pipefail
cd "$(dirname "$0")/.."
SUITE=${1:?usage: deb-in.sh SUITE [DEB]}
version=$(node -p 'require("./package.json").version')
DEB=${2:-dist/apt-netguard_${version}_all.deb}
BASE=${APT_NETGUARD_ROOTFS_BASE:-/var/tmp/apt-netguard-rootfs}
bash test/container/build-rootfs.sh "$BASE/$SUITE" "$SUITE" >/dev/null
root=$(mktemp -d "/var/tmp/ng-build-$SUITE.XXXXXX")
trap 'rm -rf "$root"' EXIT
# cp -a: the rootfs holds device nodes. The checkout as it is, committed or not, without its build output.
cp -a "$BASE/$SUITE/." "$root/"
mkdir -p "$root/src" "$root/opt/npm"
tar --exclude=./dist -cf - . | tar -xf - -C "$root/src"
npm=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
cp -a "$npm/." "$root/opt/npm/"
printf '#!/bin/sh\nexec node /opt/npm/bin/npm-cli.js "$@"\n' >"$root/usr/local/bin/npm"
chmod 755 "$root/usr/local/bin/npm"
if [ -f "$DEB" ]; then cp "$DEB" "$root/shipped.deb"; fi
cat >"$root/build.sh" <<'SCRIPT'
set -e
cd /src
echo "build host: $(. /etc/os-release; echo "$PRETTY_NAME"), node $(node --version), $(dpkg-query -W -f '${Package} ${Version}  ' debhelper dpkg-dev lintian)"
npm run --silent deb >/tmp/deb.log 2>&1 || { tail -30 /tmp/deb.log; exit 1; }
echo "lintian $(lintian --version | cut -d' ' -f2) on the .deb built here:"
lintian --fail-on error,warning --info dist/apt-netguard_*_all.deb && echo "  0 errors, 0 warnings"
if [ -f /shipped.deb ]; then
	echo "lintian on the shipped .deb (built on the build machine):"
	lintian --fail-on error,warning --info /shipped.deb && echo "  0 errors, 0 warnings"
fi
SCRIPT
unshare --mount --propagation private bash -c '
	set -e
	mount -t proc proc "$1/proc"
	mount --rbind /dev "$1/dev"
	exec chroot "$1" env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 sh /build.sh
' bash "$root" 2>&1 | grep -v -e '^running with root privileges' -e '^N: '
status=${PIPESTATUS[0]}
mkdir -p "dist/$SUITE"
cp "$root/src/dist/apt-netguard_${version}_all.deb" "dist/$SUITE/" 2>/dev/null || true
exit "$status"
