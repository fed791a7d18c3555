// The hooks under real apt, dpkg, needrestart and systemd 252, in a systemd-nspawn container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootContainer, buildDeb, buildRootfs, type Container } from '../helpers/container.js';
import * as lab from '../helpers/container.mjs';
import { missing } from '../helpers/requires.js';

const skip = missing('container', {
  root: true,
  tools: ['debootstrap', 'systemd-nspawn', 'nsenter', 'unshare', 'setsid'],
});

describe.skipIf(skip)('hooks in a booted bookworm container [root, container]', () => {
  let c: Container;
  const invocation = (unit: string) => lab.invocation(c, unit);
  const table52 = () => lab.table52(c);
  const rules = () => lab.tsRules(c);
  const status = () =>
    JSON.parse(c.sh('apt-netguard', 'status', '--json').stdout) as {
      ok: boolean;
      transaction: {
        requests: { who: string; unit: string; action: string; decision: string }[];
        decisions: { unit: string; action: string; rule: string }[];
        notes: string[];
      };
      restore: { state: string; steps: { id: string; status: string }[]; trigger: { id: string } } | null;
      pending: { unit: string }[];
    };
  const steps = () => status().restore?.steps.map((x) => `${x.id}=${x.status}`);

  beforeAll(async () => {
    await Promise.all([buildRootfs(), buildDeb()]);
    c = bootContainer('hooks');
  }, 900_000);
  afterAll(() => c?.stop());

  it('the lab is up: tailscaled stand-in with a throw route in table 52 and rules 5210-5270', () => {
    expect(table52()).toContain('throw 10.10.10.0/24');
    expect(rules()).toBe(4);
  });

  it('apt-get install --reinstall systemd: the postinst restart held, then the guard restarts networkd in order, verified', () => {
    const before = invocation('systemd-networkd.service');
    const apt = c.sh('apt-get', 'install', '-y', '--reinstall', 'systemd');
    expect(apt.status, apt.out).toBe(0);
    // The postinst's plain systemctl try-restart met the systemctl gate on dpkg's PATH, not systemd.
    expect(apt.out).toContain("apt-netguard: held 'systemctl try-restart systemd-networkd.service' until dpkg is done");
    expect(apt.out).not.toContain('Operation refused');
    // Restarted once, by the guard's restore after dpkg: networkd, settle, tailscaled, the firewall.
    expect(invocation('systemd-networkd.service')).not.toBe(before);
    expect(table52()).toContain('throw 10.10.10.0/24');
    expect(rules()).toBe(4);
    const s = status();
    expect(s.transaction.decisions).toContainEqual(
      expect.objectContaining({ unit: 'systemd-networkd.service', action: 'guarded', rule: 'systemd' }),
    );
    expect(s.transaction.notes.join('\n')).toMatch(/systemd-networkd.service: RefuseManualStop was armed/);
    expect(s.transaction.requests).toContainEqual(
      expect.objectContaining({ who: 'systemctl', unit: 'systemd-networkd.service', action: 'try-restart' }),
    );
    expect(steps()).toEqual([
      'settle=done',
      'restart systemd-networkd.service=done',
      'settle after systemd-networkd.service=done',
      'restart tailscaled.service=done',
      'reload lab-firewall.service=done',
    ]);
    expect(s.restore?.state).toBe('verified');
    expect(s.pending).toEqual([]);
    expect(s.ok).toBe(true);
    expect(c.sh('test', '-e', '/run/systemd/system/systemd-networkd.service.d/50-apt-netguard.conf').status).toBe(1);
    expect(c.out('systemctl', 'show', '-p', 'RefuseManualStop', '--value', 'systemd-networkd.service').trim()).toBe(
      'no',
    );
  });

  it('fake tailscale 1.0 -> 1.1 (postinst: deb-systemd-invoke restart): refused, then restarted by the guard with the firewall after it', () => {
    c.out('/root/scenarios/fake-tailscale-deb.sh', '1.0', '/root');
    c.out('/root/scenarios/fake-tailscale-deb.sh', '1.1', '/root');
    expect(c.sh('apt-get', 'install', '-y', '/root/tailscale_1.0_all.deb').status).toBe(0);
    const before = invocation('tailscaled.service');
    const apt = c.sh('apt-get', 'install', '-y', '/root/tailscale_1.1_all.deb');
    expect(apt.status, apt.out).toBe(0);
    expect(apt.out).toContain("policy-rc.d returned 101, not running 'restart tailscaled.service'");
    expect(invocation('tailscaled.service')).not.toBe(before);
    expect(status().transaction.requests).toContainEqual(
      expect.objectContaining({
        who: 'policy-rc.d',
        unit: 'tailscaled.service',
        action: 'restart',
        decision: 'guarded',
      }),
    );
    expect(steps()).toEqual(['settle=done', 'restart tailscaled.service=done', 'reload lab-firewall.service=done']);
    expect(c.out('nft', 'list', 'chain', 'inet', 'filter', 'forward')).toContain('iif "tailscale0"');
  });

  it('NEEDRESTART_MODE=a after a replaced binary: needrestart asks, the guard records and then restarts in its own order', () => {
    // A new inode for the stand-in's executable is what needrestart looks for.
    c.out('cp', '/usr/local/lib/fake-tailscale/tailscaled', '/usr/local/lib/fake-tailscale/tailscaled.new');
    c.out('mv', '/usr/local/lib/fake-tailscale/tailscaled.new', '/usr/local/lib/fake-tailscale/tailscaled');
    expect(c.out('needrestart', '-b', '-r', 'l')).toContain('NEEDRESTART-SVC: tailscaled.service');
    const before = [invocation('tailscaled.service'), invocation('systemd-networkd.service')];
    const apt = c.sh('env', 'NEEDRESTART_MODE=a', 'apt-get', 'install', '-y', '--reinstall', 'hostname');
    expect(apt.status, apt.out).toBe(0);
    expect(apt.out).toContain('/etc/needrestart/restart.d/tailscaled.service');
    const who = status().transaction.requests.map((r) => `${r.who} ${r.unit}`);
    // networkd already runs the new libraries (the guard restarted it above); tailscaled's binary is new.
    expect(who).toContain('needrestart tailscaled.service');
    // needrestart did not restart it (restart.d recorded); the guard did, then the firewall.
    expect(steps()).toEqual(['settle=done', 'restart tailscaled.service=done', 'reload lab-firewall.service=done']);
    expect(invocation('tailscaled.service')).not.toBe(before[0]);
    expect(invocation('systemd-networkd.service')).toBe(before[1]);
    expect(table52()).toContain('throw 10.10.10.0/24');
    expect(status().ok).toBe(true);
  });
});
