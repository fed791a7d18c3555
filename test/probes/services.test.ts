// systemd, networkd, tailscale and sockets parsers.
import { describe, expect, it } from 'vitest';
import { probe as systemd } from '../../src/probes/systemd.js';
import { probe as networkd } from '../../src/probes/networkd.js';
import { probe as tailscale } from '../../src/probes/tailscale.js';
import { probe as sockets, parseLine } from '../../src/probes/sockets.js';
import { fixture } from '../helpers/fixtures.js';

describe('systemd.parse', () => {
  it('reads one block per unit, whatever the key order', () => {
    const { units } = systemd.parse([fixture('bookworm-nspawn/systemctl-show-dropin.txt')]);
    expect(units.map((u) => [u.id, u.loadState, u.activeState])).toEqual([
      ['systemd-networkd.service', 'loaded', 'active'],
      ['tailscaled.service', 'not-found', 'inactive'],
      ['nftables.service', 'loaded', 'inactive'],
      ['ssh.socket', 'not-found', 'inactive'],
    ]);
    expect(units[0]).toMatchObject({
      mainPID: 35,
      invocationID: '7ba11f412fa04024bea5ab36b3e8e456',
      dropInPaths: ['/run/systemd/system/systemd-networkd.service.d/50-apt-netguard.conf'],
      fragmentPath: '/lib/systemd/system/systemd-networkd.service',
    });
    expect(units[1]).toMatchObject({ mainPID: 0, invocationID: '', dropInPaths: [] });
  });
  it('sees a new InvocationID and MainPID after a real restart', () => {
    const [a] = systemd.parse([fixture('bookworm-nspawn/systemctl-show-before.txt')]).units;
    const [b] = systemd.parse([fixture('bookworm-nspawn/systemctl-show-after.txt')]).units;
    expect(a!.invocationID).not.toBe(b!.invocationID);
    expect(a!.mainPID).not.toBe(b!.mainPID);
  });
  it('asks for exactly the protected units', () => {
    const [cmd] = systemd.commands({ units: ['a.service', 'b.socket'], timeoutMs: 1 });
    expect(cmd!.argv.slice(0, 2)).toEqual(['systemctl', 'show']);
    expect(cmd!.argv.slice(-3)).toEqual(['--', 'a.service', 'b.socket']);
  });
});

describe('networkd.parse', () => {
  it('reads per-link administrative and operational state', () => {
    expect(networkd.parse([fixture('bookworm-nspawn/networkctl.json')]).links).toEqual([
      { index: 1, name: 'lo', administrativeState: 'unmanaged', operationalState: 'carrier' },
      { index: 2, name: 'lan1', administrativeState: 'configured', operationalState: 'routable' },
      { index: 3, name: 'lan0', administrativeState: 'configured', operationalState: 'routable' },
    ]);
  });
  it('rejects the plain-text listing', () => {
    expect(() => networkd.parse([fixture('bookworm-nspawn/networkctl.txt')])).toThrow();
  });
});

describe('tailscale.parse', () => {
  it('reads state, own IPs, the exit node and routing prefs', () => {
    const s = tailscale.parse([
      fixture('tailscale/status-running-exitnode.json'),
      fixture('tailscale/debug-prefs.json'),
    ]);
    expect(s).toEqual({
      backendState: 'Running',
      selfIPs: ['100.64.0.7', 'fd7a:115c:a1e0::7'],
      exitNode: { id: 'nEXIT22CNTRL', online: true, ips: ['100.64.0.1/32', 'fd7a:115c:a1e0::1/128'] },
      prefs: {
        wantRunning: true,
        exitNodeID: 'nEXIT22CNTRL',
        exitNodeAllowLANAccess: true,
        advertiseRoutes: ['10.10.10.0/24', '192.168.1.10/32'],
      },
    });
  });
  it('never keeps secrets from debug prefs', () => {
    const s = tailscale.parse([
      fixture('tailscale/status-running-exitnode.json'),
      fixture('tailscale/debug-prefs.json'),
    ]);
    expect(JSON.stringify(s)).not.toMatch(/privkey|nlpriv|Private/);
  });
  it('handles a stopped daemon and a client without debug prefs', () => {
    expect(tailscale.parse([fixture('tailscale/status-stopped.json'), null])).toEqual({
      backendState: 'Stopped',
      selfIPs: [],
      exitNode: null,
      prefs: null,
    });
  });
});

describe('sockets.parse', () => {
  it('reads the namespace listeners', () => {
    const { listeners } = sockets.parse([fixture('bookworm-netns/ss.txt')]);
    expect(listeners.map((l) => `${l.proto} ${l.address} ${l.port}`)).toEqual([
      'udp 127.0.0.1 5353',
      'udp * 41641',
      'tcp 100.64.0.7 2222',
      'tcp 0.0.0.0 9100',
      'tcp * 8080',
      'tcp fd7a:115c:a1e0::7 22',
    ]);
    expect(listeners.every((l) => l.process === 'node')).toBe(true);
  });
  it.each([
    [
      'tcp LISTEN 0 128 10.10.10.1%eth0:53 0.0.0.0:* users:(("python3",pid=1,fd=6))',
      { address: '10.10.10.1', port: 53, iface: 'eth0' },
    ],
    ['tcp LISTEN 0 128 [::]:8080 [::]:* users:(("python3",pid=1,fd=4))', { address: '::', port: 8080, iface: null }],
    ['udp UNCONN 0 0 [::1]:41641 [::]:*', { address: '::1', port: 41641, process: null }],
  ])('%s', (line, want) => {
    expect(parseLine(line)).toMatchObject(want);
  });
  it('reads the device-bound capture, and empty output', () => {
    expect(sockets.parse([fixture('bookworm-netns/ss-bound.txt')]).listeners).toHaveLength(6);
    expect(sockets.parse([fixture('bookworm-nspawn/ss.txt')]).listeners).toEqual([]);
  });
});
