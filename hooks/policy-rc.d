#!/bin/sh
# apt-netguard's policy-rc.d gate (policy-rc.d(8) interface, as invoke-rc.d and deb-systemd-invoke
# call it: [--options] <service> "<action> [fallback...]" [runlevel]).
# While a dpkg run is open (/run/apt-netguard/open) it answers 101 to restart/reload of a unit
# apt-netguard armed, and records who asked, while the apt that armed it lives. Otherwise it delegates to the
# policy-rc.d that was installed before apt-netguard, or allows.
ORIG=${APT_NETGUARD_ORIG_POLICY_RC_D:-/usr/sbin/policy-rc.d.apt-netguard-orig}
GATE_LIB=${APT_NETGUARD_GATE_LIB:-/usr/lib/apt-netguard/hooks/gate.sh}

unit=
actions=
for a in "$@"; do
	case "$a" in
	--*) ;;
	*) if [ -z "$unit" ]; then unit=$a; elif [ -z "$actions" ]; then actions=$a; fi ;;
	esac
done

# Without its library (a half-removed package) the gate holds nothing and only delegates. (dash
# exits on a `.` of a missing file, hence the -r.)
if [ -n "$unit" ] && [ -r "$GATE_LIB" ] && . "$GATE_LIB" && mode=$(gate_mode "$(gate_unit "$unit")"); then
	# the first word is the action; the rest are fallbacks invoke-rc.d would try
	action=${actions%% *}
	case "$action" in
	restart | reload | force-reload | try-restart)
		gate_record policy-rc.d "$(gate_unit "$unit")" "$action" "$mode"
		exit 101
		;;
	esac
fi

if [ -x "$ORIG" ]; then
	exec "$ORIG" "$@"
fi
exit 0
