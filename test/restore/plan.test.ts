// Plans for each incident in ../shared/incidents, built from real captured namespace state.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diff } from '../../src/diff/index.js';
import { mergeFragments, type Policy } from '../../src/policy/model.js';
import { validatePolicy } from '../../src/policy/validate.js';
import { baselineOf } from '../../src/restore/baseline.js';
import type { Plan } from '../../src/restore/model.js';
import { planRestore, type PlanInput } from '../../src/restore/plan.js';
import type { Snapshot } from '../../src/snapshot/model.js';
import { edited, ok, snapshotFromLab } from '../helpers/snapshots.js';

const shipped = validatePolicy(
  '00-defaults.yaml',
  readFileSync(new URL('../../policies/00-defaults.yaml', import.meta.url), 'utf8'),
);
const withAdmin = (yaml: string): Policy =>
  mergeFragments([shipped.fragment, validatePolicy('50-local.yaml', yaml).fragment]);
const defaults = mergeFragments([shipped.fragment]);

const unit = (id: string, invocationID: string, activeState = 'active', subState = 'running') => ({
  id,
  loadState: 'loaded',
  activeState,
  subState,
  mainPID: 100,
  invocationID,
  activeEnterTimestamp: '',
  fragmentPath: `/lib/systemd/system/${id}`,
  dropInPaths: [],
});
const units = (ts = 'ts-1', nd = 'nd-1', tsState: [string, string] = ['active', 'running']) =>
  ok({
    units: [
      unit('systemd-networkd.service', nd),
      unit('tailscaled.service', ts, ...tsState),
      unit('nftables.service', 'nft-1', 'active', 'exited'),
    ],
  });
const tsStatus = (backendState: string) =>
  ok({ backendState, selfIPs: ['100.64.0.7', 'fd7a:115c:a1e0::7'], exitNode: null, prefs: null });
const lab = (dir: string, sys = units(), ts = tsStatus('Running')) =>
  snapshotFromLab(dir, { systemd: sys, tailscale: ts });
const pre = lab('bookworm-netns');

// One line per step: id, what it waits for, its checks; then what is left unresolved.
function brief(plan: Plan): string[] {
  return [
    ...plan.steps.map(
      (s) => `${s.id} <- [${s.after.join(', ')}] checks: ${s.checks.map((c) => c.kind).join(',') || '-'}`,
    ),
    ...plan.unresolved.map((u) => `unresolved: ${u.why}`),
  ];
}
function plan(now: Snapshot, more: Partial<PlanInput> = {}): Plan {
  return planRestore({
    baseline: baselineOf(pre),
    findings: diff(pre, now),
    owed: [],
    policy: defaults,
    nftLoaders: ['nftables.service'],
    ...more,
  });
}
const owe = (...u: [string, 'restart' | 'reload'][]) => u.map(([unit, step]) => ({ unit, step, reason: 'test' }));

// 2026-05-02: needrestart restarted networkd, which flushed the throw route (rules kept: ManageForeignRoutingPolicyRules=no).
const flushed = edited(lab('bookworm-netns', units('ts-1', 'nd-2')), 'routes', (d) => {
  d.routes['4 52'] = d.routes['4 52']!.filter((l) => !l.startsWith('throw '));
});
// 2026-03-26: the tailscale upgrade restarted tailscaled: new ifindex, iif/oif rules hold the old one.
const recreated = lab('bookworm-netns-recreated', units('ts-2'));

describe('planRestore, per incident', () => {
  it('2026-05-02 throw route lost after a networkd restart: settle, restart tailscaled, reload the nft loader', () => {
    expect(brief(plan(flushed))).toMatchSnapshot();
    expect(plan(flushed).steps[1]!.reasons).toEqual([
      'lost: 1 table-52 routes, 0 Tailscale rules (tailscaled re-adds rules, never routes)',
    ]);
  });

  it('2026-05-02 with rules flushed as well (networkd defaults)', () => {
    const both = edited(flushed, 'rules', (d) => {
      d.rules = d.rules.filter((r) => r.priority < 5210 || r.priority > 5270);
    });
    expect(brief(plan(both))).toMatchSnapshot();
  });

  it('2026-05-02 under the guard: kmod vetoed, nothing lost, nothing to do', () => {
    expect(plan(pre).steps).toEqual([]);
  });

  it('2026-05-02 under the guard with a guarded networkd restart owed (systemd upgrade)', () => {
    expect(brief(plan(pre, { owed: owe(['systemd-networkd.service', 'restart']) }))).toMatchSnapshot();
  });

  it('2026-05-02 with replay-routes chosen by policy: no tailscaled restart, the route is put back', () => {
    const p = plan(flushed, { policy: withAdmin('units:\n  tailscaled.service:\n    repair: replay-routes\n') });
    expect(brief(p)).toMatchSnapshot();
    expect(p.steps[1]!.routes).toEqual([
      { family: 4, table: '52', type: 'throw', dst: '10.10.10.0/24', dev: null, gateway: null, metric: 0 },
    ]);
  });

  it('2026-03-26 stale ifindex after an unguarded tailscaled restart: reload the detected custom loader only', () => {
    expect(brief(plan(recreated, { nftLoaders: ['nftables-local.service'] }))).toMatchSnapshot();
  });

  it('2026-03-26 with no loader known: the stale rules are left unresolved, with the fix named', () => {
    expect(brief(plan(recreated, { nftLoaders: [] }))).toMatchSnapshot();
  });

  it('2026-03-26 under the guard: tailscaled restart and nftables reload owed, in that order', () => {
    expect(
      brief(plan(pre, { owed: owe(['nftables.service', 'reload'], ['tailscaled.service', 'restart']) })),
    ).toMatchSnapshot();
  });

  it('systemd + tailscale upgraded in one run: networkd, settle, tailscaled, nftables', () => {
    const p = plan(pre, {
      owed: owe(
        ['systemd-networkd.service', 'restart'],
        ['tailscaled.service', 'restart'],
        ['nftables.service', 'reload'],
      ),
    });
    expect(p.steps.map((s) => s.id)).toEqual([
      'settle',
      'restart systemd-networkd.service',
      'settle after systemd-networkd.service',
      'restart tailscaled.service',
      'reload nftables.service',
    ]);
    expect(brief(p)).toMatchSnapshot();
  });

  it('ssh.socket on the Tailscale IP: its listener gone, restarted after tailscaled when the policy names it', () => {
    const gone = edited(lab('bookworm-netns', units('ts-2')), 'sockets', (d) => {
      d.listeners = [];
    });
    const before = edited(pre, 'sockets', (d) => {
      d.listeners = [{ proto: 'tcp', address: '100.64.0.7', port: 22, iface: null, process: 'systemd' }];
    });
    const input = {
      baseline: baselineOf(before),
      findings: diff(before, gone),
      owed: owe(['tailscaled.service', 'restart']),
      nftLoaders: [],
    };
    expect(
      brief(planRestore({ ...input, policy: withAdmin('units:\n  ssh.socket:\n    listens: [":22"]\n') })),
    ).toMatchSnapshot();
    expect(brief(planRestore({ ...input, policy: defaults })).at(-1)).toBe(
      'unresolved: no unit lists it; add listens: [":22"] to its unit in a policy file',
    );
  });

  it('an owed reload of a unit that was not running before is dropped with a note, not started', () => {
    const off = lab(
      'bookworm-netns',
      ok({ units: [unit('tailscaled.service', 'ts-1'), unit('nftables.service', '', 'inactive', 'dead')] }),
    );
    const p = planRestore({
      baseline: baselineOf(off),
      findings: [],
      owed: owe(['nftables.service', 'reload']),
      policy: defaults,
      nftLoaders: [],
    });
    expect(p.steps).toEqual([]);
    expect(p.notes).toEqual(['reload nftables.service owed, not run: it was inactive before the upgrade']);
  });

  it('a baseline with stale rules, reloaded since (the watch, an nftables upgrade): the loader follows the restart', () => {
    // The rules named tailscale0 again by the time the guard restarts tailscaled: without the live
    // count, nothing reloaded them afterwards (bookworm e2e fault 2, CI of stop 23).
    const reloaded = edited(recreated, 'nft', (d) => {
      for (const m of d.rules.flatMap((r) => r.ifMatches)) if (/^\d+$/.test(m.value)) m.value = 'tailscale0';
    });
    const input = (now?: Snapshot): PlanInput => ({
      baseline: baselineOf(recreated, now),
      findings: diff(recreated, reloaded),
      owed: owe(['tailscaled.service', 'restart']),
      policy: defaults,
      nftLoaders: ['nftables.service'],
    });
    expect(planRestore(input()).steps.map((s) => s.id)).toEqual(['settle', 'restart tailscaled.service']);
    const p = planRestore(input(reloaded));
    expect(p.steps.map((s) => s.id)).toEqual(['settle', 'restart tailscaled.service', 'reload nftables.service']);
    expect(p.steps[2]!.checks).toContainEqual({ kind: 'nft-resolves', ifname: 'tailscale0', count: 3 });
  });

  it('tsdproxy: a tailscaled left failed gets exactly one restart step', () => {
    const failed = lab('bookworm-netns', units('ts-1', 'nd-1', ['failed', 'failed']), tsStatus('Stopped'));
    const p = plan(failed);
    expect(p.steps.filter((s) => s.id === 'restart tailscaled.service')).toHaveLength(1);
    expect(brief(p)).toMatchSnapshot();
  });

  it('wan failover: tailscaled up but not Running is reported, not restarted', () => {
    const p = plan(lab('bookworm-netns', units(), tsStatus('Starting')));
    expect(p.steps).toEqual([]);
    expect(p.unresolved.map((u) => u.why)).toEqual([
      'tailscaled is up but not Running; a restart does not fix a login, key or upstream problem',
    ]);
  });
});
