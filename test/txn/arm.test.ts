// Arming and disarming the gates and drop-ins, in scratch dirs, with systemctl recorded.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeFragments, type Policy } from '../../src/policy/model.js';
import { arm, armSet, disarmDropIns, disarmGates, gateMode, recordRequest } from '../../src/txn/arm.js';
import { fakeRun } from '../helpers/fake-run.js';
import { scratch } from '../helpers/scratch.js';

const policy: Policy = mergeFragments([
  {
    file: 'p',
    units: {
      'n.service': { package: 'systemd', default: 'guarded', refuseStop: true, from: {} },
      't.service': { package: 'tailscale', default: 'allow', from: {} },
      'f.service': { default: 'defer', from: {} },
    },
    rules: [],
  },
]);
const decision = (unit: string, action: 'guarded' | 'veto' | 'allow') => ({
  unit,
  action,
  step: 'restart' as const,
  rule: 'r',
  reason: '',
  packages: [],
});
const change = (name: string, action: 'install' | 'remove') => ({ name, action }) as never;

describe('armSet (pure)', () => {
  it.each([
    ['defaults only: no drop-in without a rule', [], [], [], ['n.service=guarded', 'f.service=defer']],
    [
      'a rule decided: refuse-stop arms the drop-in',
      [decision('n.service', 'guarded')],
      [],
      [],
      ['n.service=guarded+dropin', 'f.service=defer'],
    ],
    [
      'its package removed: no drop-in',
      [decision('n.service', 'guarded')],
      [change('systemd', 'remove')],
      [],
      ['n.service=guarded', 'f.service=defer'],
    ],
    [
      'a standing veto beats the default',
      [],
      [],
      ['t.service'],
      ['n.service=guarded', 't.service=veto', 'f.service=defer'],
    ],
    ['allow arms nothing', [decision('n.service', 'allow')], [], [], ['f.service=defer']],
  ])('%s', (_, decisions, changes, vetoed, want) =>
    expect(
      armSet(policy, decisions, changes, vetoed).map((a) => `${a.unit}=${a.mode}${a.dropIn ? '+dropin' : ''}`),
    ).toEqual(want),
  );
});

describe('arm, then disarm', () => {
  const dirs = () => {
    const root = scratch('ng-arm-');
    return { run: join(root, 'run'), systemdRun: join(root, 'systemd') };
  };
  it('writes the gates and the drop-in, reloads systemd once; disarming takes them all and the requests', async () => {
    const d = dirs();
    const { run, calls } = fakeRun({ 'systemctl daemon-reload': '' });
    await arm(
      d,
      'txn-1',
      [
        { unit: 'n.service', mode: 'guarded', dropIn: true },
        { unit: 'f.service', mode: 'defer', dropIn: false },
      ],
      run,
    );
    expect(readFileSync(join(d.run, 'open'), 'utf8')).toBe('txn-1\n');
    expect(gateMode(d, 'n.service')).toBe('guarded');
    expect(gateMode(d, 'x.service')).toBeNull();
    expect(readFileSync(join(d.systemdRun, 'n.service.d/50-apt-netguard.conf'), 'utf8')).toContain(
      'RefuseManualStop=yes',
    );
    expect(calls).toEqual([['systemctl', 'daemon-reload']]);
    recordRequest(d, 'needrestart', 'n.service', 'restart', 'guarded', new Date(1_000_000));
    expect(await disarmDropIns(d, run)).toEqual(['n.service']);
    // The .d dir was made for the drop-in; nothing else was in it.
    expect(existsSync(join(d.systemdRun, 'n.service.d'))).toBe(false);
    expect(calls).toHaveLength(2);
    expect(disarmGates(d)).toBe('1000 needrestart n.service restart guarded\n');
    expect(gateMode(d, 'n.service')).toBeNull();
    expect(existsSync(join(d.run, 'armed'))).toBe(false);
  });
  it("leaves an admin's own drop-in dir, and does not reload when it removed nothing", async () => {
    const d = dirs();
    const { run, calls } = fakeRun({ 'systemctl daemon-reload': '' });
    mkdirSync(join(d.systemdRun, 'n.service.d'), { recursive: true });
    writeFileSync(join(d.systemdRun, 'n.service.d/10-admin.conf'), '[Unit]\n');
    expect(await disarmDropIns(d, run)).toEqual([]);
    expect(calls).toEqual([]);
    await arm(d, 't', [{ unit: 'n.service', mode: 'guarded', dropIn: true }], run);
    await disarmDropIns(d, run);
    expect(existsSync(join(d.systemdRun, 'n.service.d/10-admin.conf'))).toBe(true);
  });
  it('re-arming drops gates of units no longer armed', async () => {
    const d = dirs();
    const { run } = fakeRun({});
    await arm(d, 't', [{ unit: 'a.service', mode: 'veto', dropIn: false }], run);
    await arm(d, 't', [{ unit: 'b.service', mode: 'guarded', dropIn: false }], run);
    expect([gateMode(d, 'a.service'), gateMode(d, 'b.service')]).toEqual([null, 'guarded']);
  });
});
