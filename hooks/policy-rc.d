#!/bin/sh
# apt-netguard's policy-rc.d gate (policy-rc.d(8) interface, as invoke-rc.d and deb-systemd-invoke
# call it: [--options] <service> "<action> [fallback...]" [runlevel]).
# While a dpkg run is open (/run/apt-netguard/open) it answers 101 to restart/reload of a unit
# apt-netguard armed, and records who asked, while the apt that armed it lives. Otherwise it delegates to the policy-rc.d that was
# installed before apt-netguard, or allows. Plain sh, no node: it runs once per maintainer-script
# restart and must never be the thing that fails.
RUN=${APT_NETGUARD_RUN_DIR:-/run/apt-netguard}
ORIG=${APT_NETGUARD_ORIG_POLICY_RC_D:-/usr/sbin/policy-rc.d.apt-netguard-orig}

unit=
actions=
for a in "$@"; do
	case "$a" in
	--*) ;;
	*) if [ -z "$unit" ]; then unit=$a; elif [ -z "$actions" ]; then actions=$a; fi ;;
	esac
done
case "$unit" in
*.service | *.socket | *.target | *.timer | *.path | *.mount) ;;
?*) unit=$unit.service ;;
esac

# The apt that armed the gates must still run (pid and start time, proc(5) stat field 22): a
# killed apt leaves the files, and the admin's own restarts must not be refused for it.
apt_alive() {
	[ -f "$RUN/apt" ] || return 0
	read -r pid start <"$RUN/apt" 2>/dev/null || return 0
	line=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	rest=${line##*) }
	# shellcheck disable=SC2086
	set -- $rest
	[ "${20:-}" = "$start" ]
}

if [ -n "$unit" ] && [ -f "$RUN/open" ] && [ -f "$RUN/armed/$unit" ] && apt_alive; then
	# the first word is the action; the rest are fallbacks invoke-rc.d would try
	action=${actions%% *}
	case "$action" in
	restart | reload | force-reload | try-restart)
		mode=$(cat "$RUN/armed/$unit" 2>/dev/null) || mode=guarded
		printf '%s policy-rc.d %s %s %s\n' "$(date +%s)" "$unit" "$action" "${mode:-guarded}" >>"$RUN/requests" 2>/dev/null
		exit 101
		;;
	esac
fi

if [ -x "$ORIG" ]; then
	exec "$ORIG" "$@"
fi
exit 0
