#!/bin/bash
# What a restarting networkd does to foreign state (ManageForeignRoutes/-RoutingPolicyRules=yes),
# stretched over $1 ms instead of ~5 ms: every 100 ms, delete throw routes and Tailscale's rules.
set -u
end=$(( $(date +%s%3N) + $1 ))
while [ "$(date +%s%3N)" -lt "$end" ]; do
  ip route show table 52 type throw | while read -r _ dst _; do ip route del throw "$dst" table 52 2>/dev/null; done
  for p in 5210 5230 5250 5270; do ip rule del pref $p 2>/dev/null; done
  ip -6 rule del pref 5270 2>/dev/null
  sleep 0.1
done
