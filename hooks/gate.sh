# apt-netguard's gate functions, sourced by the policy-rc.d gate and the systemctl gate. Plain sh:
# they run once per maintainer-script restart and must never be the thing that fails.
RUN=${APT_NETGUARD_RUN_DIR:-/run/apt-netguard}

# A unit name as systemd completes it: no type suffix means .service.
gate_unit() {
	case "$1" in
	*.service | *.socket | *.target | *.timer | *.path | *.mount | *.device | *.scope | *.slice) echo "$1" ;;
	*) echo "$1.service" ;;
	esac
}

# The apt that armed the gates must still run (pid and start time, proc(5) stat field 22): a
# killed apt leaves the files, and the admin's own restarts must not be refused for it.
gate_apt_alive() {
	[ -f "$RUN/apt" ] || return 0
	read -r pid start <"$RUN/apt" 2>/dev/null || return 0
	line=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
	rest=${line##*) }
	# shellcheck disable=SC2086
	set -- $rest
	[ "${20:-}" = "$start" ]
}

# Prints the mode the gate holds for a unit while a dpkg run is open; fails when it holds none.
gate_mode() {
	[ -n "$1" ] && [ -f "$RUN/open" ] && [ -f "$RUN/armed/$1" ] && gate_apt_alive || return 1
	mode=$(cat "$RUN/armed/$1" 2>/dev/null) || mode=guarded
	echo "${mode:-guarded}"
}

# One request line (`<unix s> <who> <unit> <action> <mode>`), appended: O_APPEND keeps it whole.
gate_record() {
	printf '%s %s %s %s %s\n' "$(date +%s)" "$1" "$2" "$3" "$4" >>"$RUN/requests" 2>/dev/null
}
