#!/bin/sh
# Plants in a booted lab container every hazard `apt-netguard doctor` names (issue 17), the way an
# admin's host gets them. Usage: doctor-plant.sh plant | unplant-admin (the admin's own fixes, after --fix)
# | cleanup (the lab as it was before plant, for the scenarios that follow in the same container)
set -e
S=/etc/systemd/system
case "$1" in
plant)
	# socket-on-tailscale-ip: a socket unit on the Tailscale IPv4 address, no FreeBind (the incident's ssh.socket).
	cat >$S/lab-ts.socket <<'EOF'
[Unit]
Description=lab: a socket on the Tailscale IP, without FreeBind

[Socket]
ListenStream=100.64.0.1:2223
Accept=yes

[Install]
WantedBy=sockets.target
EOF
	printf '[Service]\nExecStart=/bin/echo lab-ts\nStandardInput=socket\nStandardOutput=socket\n' >$S/lab-ts@.service
	# The same on the IPv6 Tailscale prefix; the stand-in has no IPv6 address, so it fails to bind until FreeBind.
	sed -e 's/100.64.0.1:2223/[fd7a:115c:a1e0::1]:2225/' -e 's/IP,/IPv6 IP,/' $S/lab-ts.socket >$S/lab-ts6.socket
	cp $S/lab-ts@.service $S/lab-ts6@.service
	# socket-ordering-cycle: the ssh-socket incident's second "fix", Requires= with After= (FreeBind on, so
	# this socket has only the one finding).
	cat >$S/lab-cycle.socket <<'EOF'
[Unit]
Description=lab: the incident's Requires= fix, an ordering cycle
Requires=tailscaled.service
After=tailscaled.service

[Socket]
ListenStream=100.64.0.1:2224
FreeBind=yes
Accept=yes

[Install]
WantedBy=sockets.target
EOF
	cp $S/lab-ts@.service $S/lab-cycle@.service
	# A daemon that binds the Tailscale IP by itself (sshd's ListenAddress): a listener with no socket unit.
	cat >$S/lab-daemon.service <<'EOF'
[Unit]
Description=lab: a daemon listening on the Tailscale IP by itself
After=tailscaled.service

[Service]
ExecStart=/usr/bin/node -e "require('net').createServer().listen(2226, '100.64.0.1')"
Restart=on-failure
RestartSec=1
EOF
	# nft-iif-by-index from a file the loader includes.
	cp /etc/nftables.conf /root/nftables.conf.before-doctor
	mkdir -p /etc/nftables.d
	cat >/etc/nftables.d/ts-input.nft <<'EOF'
table inet lab_input {
	chain input {
		type filter hook input priority filter; policy accept;
		iif "tailscale0" tcp dport 2223 accept
	}
}
EOF
	grep -q nftables.d /etc/nftables.conf || echo 'include "/etc/nftables.d/*.nft"' >>/etc/nftables.conf
	# needrestart: Ubuntu's mode, and an admin snippet that reassigns the whole override_rc hash.
	printf "\$nrconf{restart} = 'a';\n\$nrconf{override_rc} = { qr(^cron) => 0 };\n" >/etc/needrestart/conf.d/zz-admin.conf
	# reboot-with-boot-hazards: unattended-upgrades reboots by itself.
	echo 'Unattended-Upgrade::Automatic-Reboot "true";' >/etc/apt/apt.conf.d/52lab-reboot
	systemctl daemon-reload
	systemctl enable lab-ts.socket lab-ts6.socket lab-cycle.socket 2>/dev/null
	systemctl start lab-daemon.service lab-cycle.socket
	systemctl start lab-ts.socket
	systemctl start lab-ts6.socket || true
	systemctl reload lab-firewall.service
	;;
unplant-admin)
	# What doctor leaves to the admin: the After= (a drop-in cannot reset it), the nft files, needrestart.
	sed -i '/^After=tailscaled.service/d' $S/lab-cycle.socket
	sed -i 's/iif "tailscale0"/iifname "tailscale0"/; s/oif "/oifname "/g' /etc/nftables.d/ts-input.nft /etc/nftables.conf
	rm -f /etc/needrestart/conf.d/zz-admin.conf /etc/apt/apt.conf.d/52lab-reboot
	systemctl stop lab-daemon.service
	systemctl daemon-reload
	systemctl reload lab-firewall.service
	;;
cleanup)
	for u in lab-ts.socket lab-ts6.socket lab-cycle.socket lab-daemon.service; do
		systemctl disable --now "$u" 2>/dev/null || true
	done
	rm -rf $S/lab-ts.socket $S/lab-ts6.socket $S/lab-cycle.socket $S/lab-daemon.service $S/lab-ts@.service \
		$S/lab-ts6@.service $S/lab-cycle@.service $S/lab-ts.socket.d $S/lab-ts6.socket.d $S/lab-cycle.socket.d \
		/etc/nftables.d /etc/needrestart/conf.d/zz-admin.conf /etc/apt/apt.conf.d/52lab-reboot
	# The drop-ins doctor --fix wrote: the lab's networkd and tailscaled as the other scenarios expect them.
	rm -f /etc/systemd/networkd.conf.d/50-apt-netguard-doctor-*.conf \
		/etc/systemd/system/tailscaled.service.d/50-apt-netguard-doctor-*.conf
	cp /root/nftables.conf.before-doctor /etc/nftables.conf
	systemctl daemon-reload
	systemctl reload lab-firewall.service
	;;
*) echo "usage: doctor-plant.sh plant|unplant-admin|cleanup" >&2; exit 2 ;;
esac
