// The hooks under real apt, dpkg, needrestart and systemd 252, in a systemd-nspawn container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootContainer, buildRootfs, type Container } from '../helpers/container.js';
import { missing } from '../helpers/requires.js';

const skip = missing('container', { root: true, tools: ['debootstrap', 'systemd-nspawn', 'nsenter', 'unshare', 'setsid'] });

describe.skipIf(skip)('hooks in a booted bookworm container [root, container]', () => {
  let c: Container;
  const invocation = (unit: string) => c.out('systemctl', 'show', '-p', 'InvocationID', '--value', unit).trim();
  const table52 = () => c.out('ip', 'route', 'show', 'table', '52');
  const rules = () => c.out('ip', 'rule').split('\n').filter((l) => /^52[1-7]0:/.test(l)).length;
  // status exits 1 while restarts are owed, which they are here.
  const status = () => JSON.parse(c.sh('apt-netguard', 'status', '--json').stdout) as {
    transaction: { requests: { who: string; unit: string; action: string; decision: string }[]; decisions: { unit: string; action: string; rule: string }[]; notes: string[] };
    pending: { unit: string }[];
  };

  beforeAll(() => {
    buildRootfs();
    c = bootContainer('hooks');
  }, 900_000);
  afterAll(() => c?.stop());

  it('the lab is up: tailscaled stand-in with a throw route in table 52 and rules 5210-5270', () => {
    expect(table52()).toContain('throw 10.10.10.0/24');
    expect(rules()).toBe(4);
  });

  it('apt-get install --reinstall systemd: networkd not restarted, refusal noted, apt exits 0', () => {
    const before = invocation('systemd-networkd.service');
    const apt = c.sh('apt-get', 'install', '-y', '--reinstall', 'systemd');
    expect(apt.status, apt.out).toBe(0);
    expect(apt.out).toContain('Operation refused'); // the postinst's systemctl try-restart met RefuseManualStop
    expect(invocation('systemd-networkd.service')).toBe(before);
    expect(table52()).toContain('throw 10.10.10.0/24');
    expect(rules()).toBe(4);
    const s = status();
    expect(s.transaction.decisions).toContainEqual(expect.objectContaining({ unit: 'systemd-networkd.service', action: 'guarded', rule: 'systemd' }));
    expect(s.transaction.notes.join('\n')).toMatch(/systemd-networkd.service: RefuseManualStop was armed/);
    expect(s.pending.map((p) => p.unit)).toContain('systemd-networkd.service');
    expect(c.sh('test', '-e', '/run/systemd/system/systemd-networkd.service.d/50-apt-netguard.conf').status).toBe(1);
    expect(c.out('systemctl', 'show', '-p', 'RefuseManualStop', '--value', 'systemd-networkd.service').trim()).toBe('no');
  });

  it('fake tailscale 1.0 -> 1.1 (postinst: deb-systemd-invoke restart): deferred to the guard, apt exits 0', () => {
    c.out('/root/scenarios/fake-tailscale-deb.sh', '1.0', '/root');
    c.out('/root/scenarios/fake-tailscale-deb.sh', '1.1', '/root');
    expect(c.sh('apt-get', 'install', '-y', '/root/tailscale_1.0_all.deb').status).toBe(0);
    const before = invocation('tailscaled.service');
    const apt = c.sh('apt-get', 'install', '-y', '/root/tailscale_1.1_all.deb');
    expect(apt.status, apt.out).toBe(0);
    expect(apt.out).toContain("policy-rc.d returned 101, not running 'restart tailscaled.service'");
    expect(invocation('tailscaled.service')).toBe(before);
    expect(status().transaction.requests).toContainEqual(expect.objectContaining({ who: 'policy-rc.d', unit: 'tailscaled.service', action: 'restart', decision: 'guarded' }));
  });

  it('NEEDRESTART_MODE=a after a replaced binary: needrestart asks, the guard records, nothing protected restarts', () => {
    // A new inode for the stand-in's executable is what needrestart looks for.
    c.out('cp', '/usr/local/lib/fake-tailscale/tailscaled', '/usr/local/lib/fake-tailscale/tailscaled.new');
    c.out('mv', '/usr/local/lib/fake-tailscale/tailscaled.new', '/usr/local/lib/fake-tailscale/tailscaled');
    expect(c.out('needrestart', '-b', '-r', 'l')).toContain('NEEDRESTART-SVC: tailscaled.service');
    const before = [invocation('tailscaled.service'), invocation('systemd-networkd.service')];
    const apt = c.sh('env', 'NEEDRESTART_MODE=a', 'apt-get', 'install', '-y', '--reinstall', 'hostname');
    expect(apt.status, apt.out).toBe(0);
    expect(apt.out).toContain('/etc/needrestart/restart.d/tailscaled.service');
    expect([invocation('tailscaled.service'), invocation('systemd-networkd.service')]).toEqual(before);
    const who = status().transaction.requests.map((r) => `${r.who} ${r.unit}`);
    expect(who).toEqual(expect.arrayContaining(['needrestart tailscaled.service', 'needrestart systemd-networkd.service']));
    expect(table52()).toContain('throw 10.10.10.0/24');
  });
});
