#!/bin/bash
# The namespace lab's tailscaled: `start` brings tailscale0 and table 52 up (netns.sh's ts_up) plus
# a keeper that, like tailscaled, puts its ip rules back when they vanish but never its routes.
set -u
: "${FAKE_LAB:?}"
rules_up() {
  ip rule show pref 5210 | grep -q . || ip rule add pref 5210 fwmark 0x80000/0xff0000 table main
  ip rule show pref 5230 | grep -q . || ip rule add pref 5230 fwmark 0x80000/0xff0000 table default
  ip rule show pref 5250 | grep -q . || ip rule add pref 5250 fwmark 0x80000/0xff0000 unreachable
  ip rule show pref 5270 | grep -q . || ip rule add pref 5270 table 52
  ip -6 rule show pref 5270 | grep -q . || ip -6 rule add pref 5270 table 52
}
case $1 in
  start)
    ip tuntap add dev tailscale0 mode tun
    ip link set tailscale0 up
    ip addr add 100.64.0.7/32 dev tailscale0
    ip -6 addr add fd7a:115c:a1e0::7/128 dev tailscale0 nodad
    ip route replace default dev tailscale0 table 52
    ip route replace 100.100.100.100 dev tailscale0 table 52
    ip route replace throw 10.10.10.0/24 table 52
    ip -6 route replace default dev tailscale0 table 52
    rules_up
    # NOTE: tailscaled re-adds deleted rules, rate-limited (wgengine/router); 150 ms here.
    setsid bash -c "while sleep 0.15; do $(declare -f rules_up); rules_up 2>/dev/null; done" </dev/null >/dev/null 2>&1 &
    echo $! > "$FAKE_LAB/tailscaled.pid" ;;
  stop)
    [ -s "$FAKE_LAB/tailscaled.pid" ] && kill "$(cat "$FAKE_LAB/tailscaled.pid")" 2>/dev/null
    rm -f "$FAKE_LAB/tailscaled.pid"
    ip link del tailscale0 2>/dev/null
    for p in 5210 5230 5250 5270; do ip rule del pref $p 2>/dev/null; done
    ip -6 rule del pref 5270 2>/dev/null
    true ;;
esac
