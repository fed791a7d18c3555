#!/bin/bash
# Boots a rootfs with systemd-nspawn as PID 1, without a host systemd (see mechanisms.md).
#   boot.sh start ROOTFS NAME   boot in the background; prints the container's PID 1 once running
#   boot.sh stop NAME           power it off and clean up
#   boot.sh exec NAME CMD...    run CMD inside (all namespaces of the container's PID 1)
set -euo pipefail
STATE=/run/apt-netguard-test
mkdir -p "$STATE"
cmd=${1:?usage: boot.sh start|stop|exec ...}
shift

leader() { pgrep -P "$(cat "$STATE/$1.pid")" | head -1; }

case "$cmd" in
start)
	ROOTFS=$1 NAME=$2
	# A private mount namespace with a tmpfs /run: nspawn wants one, and the host /run is not ours.
	setsid unshare --mount --propagation private bash -c '
		mount -t tmpfs tmpfs /run
		export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 SYSTEMD_NSPAWN_API_VFS_WRITABLE=yes
		exec systemd-nspawn -q --boot --register=no --keep-unit --private-network -D "$0" --machine="$1"
	' "$ROOTFS" "$NAME" </dev/null >"$STATE/$NAME.log" 2>&1 &
	# the pid of unshare becomes systemd-nspawn (exec); its child is the container's init
	echo $! >"$STATE/$NAME.pid"
	for _ in $(seq 1 300); do
		pid=$(leader "$NAME" || true)
		if [ -n "$pid" ] && nsenter -t "$pid" -a systemctl is-system-running --wait >/dev/null 2>&1 </dev/null; then
			echo "$pid"
			exit 0
		fi
		if [ -n "$pid" ] && nsenter -t "$pid" -a systemctl is-system-running 2>/dev/null | grep -q degraded; then
			echo "$pid"
			exit 0
		fi
		sleep 0.1
	done
	echo "boot.sh: $NAME did not come up; log:" >&2
	tail -20 "$STATE/$NAME.log" >&2
	exit 1
	;;
stop)
	NAME=$1
	[ -f "$STATE/$NAME.pid" ] || exit 0
	pid=$(cat "$STATE/$NAME.pid")
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
	rm -f "$STATE/$NAME.pid" "$STATE/$NAME.log"
	# NOTE: nspawn without a host systemd leaves empty payload/ and supervisor/ cgroups behind.
	find /sys/fs/cgroup -depth -type d \( -name payload -o -name supervisor \) -empty -exec rmdir {} + 2>/dev/null || true
	;;
exec)
	NAME=$1
	shift
	exec nsenter -t "$(leader "$NAME")" -a env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
	;;
*) echo "boot.sh: unknown command $cmd" >&2; exit 2 ;;
esac
