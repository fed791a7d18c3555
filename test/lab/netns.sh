#!/bin/bash
# The namespace lab: a Tailscale-like host inside `ip netns`, never touching the host's own network.
#   netns.sh setup NS            lo, eth0 (veth, 10.10.10.1/24), tailscale0 (TUN), table 52, rules 5210-5270, nft
#   netns.sh ts-down NS          what a tailscaled stop leaves: tailscale0 gone (its routes go with it)
#   netns.sh ts-up NS            what a tailscaled start does: tailscale0 (new ifindex), addresses, table 52 routes
#   netns.sh reuse-index NS IDX  a different TUN (tun9) takes interface index IDX
#   netns.sh bulk NS ROUTES RULES  add ROUTES routes to table 52 and RULES nft rules
#   netns.sh teardown NS
set -euo pipefail
cmd=${1:?command}; ns=${2:?namespace}
here=$(cd "$(dirname "$0")" && pwd)
X=(ip netns exec "$ns")

ts_up() {
  "${X[@]}" ip tuntap add dev tailscale0 mode tun
  "${X[@]}" ip link set tailscale0 up
  "${X[@]}" ip addr add 100.64.0.7/32 dev tailscale0
  "${X[@]}" ip -6 addr add fd7a:115c:a1e0::7/128 dev tailscale0 nodad
  "${X[@]}" ip route replace default dev tailscale0 table 52
  "${X[@]}" ip route replace 100.100.100.100 dev tailscale0 table 52
  "${X[@]}" ip route replace throw 10.10.10.0/24 table 52
  "${X[@]}" ip -6 route replace default dev tailscale0 table 52
}

case $cmd in
setup)
  ip netns add "$ns"
  "${X[@]}" ip link set lo up
  "${X[@]}" ip link add eth0 type veth peer name peer0
  "${X[@]}" ip addr add 10.10.10.1/24 dev eth0
  "${X[@]}" ip link set eth0 up
  "${X[@]}" ip link set peer0 up
  ts_up
  for p in 5210:main 5230:default; do
    "${X[@]}" ip rule add pref "${p%%:*}" fwmark 0x80000/0xff0000 table "${p#*:}"
  done
  "${X[@]}" ip rule add pref 5250 fwmark 0x80000/0xff0000 unreachable
  "${X[@]}" ip rule add pref 5270 table 52
  "${X[@]}" ip -6 rule add pref 5270 table 52
  "${X[@]}" nft -f "$here/ruleset.nft"
  # NOTE: the kernel gives the veths their IPv6 link-local addresses (and the local and multicast
  # routes with them) only once linkwatch reports carrier, which it defers by up to a second; under
  # load a snapshot taken right after setup missed them, and a later diff saw them appear (CI).
  for _ in $(seq 100); do
    ll=$("${X[@]}" ip -6 -o addr show scope link)
    case $ll in *eth0*peer0* | *peer0*eth0*) [ -z "$("${X[@]}" ip -6 addr show tentative)" ] && break ;; esac
    sleep 0.05
  done
  ;;
ts-down) "${X[@]}" ip link del tailscale0 ;;
ts-up) ts_up ;;
reuse-index)
  idx=${3:?index}; aux="$ns-aux"
  ip netns add "$aux"
  ip -n "$aux" tuntap add dev tun9 mode tun
  # NOTE: a TUN cannot be created with a chosen index, but one may be moved in with it (rtnetlink IFLA_NEW_IFINDEX).
  ip -n "$aux" link set dev tun9 netns "$ns" index "$idx"
  ip netns del "$aux"
  ;;
bulk)
  routes=${3:?routes}; rules=${4:?rules}
  # 10.128.0.0/9 split into /32s: route count without touching anything that exists.
  node -e 'for (let i = 0; i < +process.argv[1]; i++) console.log(`route add throw 10.${128 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32 table 52`)' "$routes" \
    | "${X[@]}" ip -batch -
  { echo 'table inet bulk {'; echo ' chain bulkfwd {'; echo '  type filter hook forward priority 10; policy accept;'
    node -e 'for (let i = 0; i < +process.argv[1]; i++) console.log(`  iif "tailscale0" ip saddr 10.${200 + (i >> 16)}.${(i >> 8) & 255}.${i & 255} counter accept comment "bulk ${i}"`)' "$rules"
    echo ' }'; echo '}'; } | "${X[@]}" nft -f -
  ;;
teardown) ip netns del "$ns" 2>/dev/null || true; ip netns del "$ns-aux" 2>/dev/null || true ;;
*) echo "netns.sh: unknown command $cmd" >&2; exit 2 ;;
esac
