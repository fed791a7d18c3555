import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/policy/decide.js';
import { afterRun, standing, unexplained, type Veto } from '../../src/txn/vetoes.js';

const veto = (unit: string, invocationID: string, txn = 't1'): Veto => ({
  unit,
  invocationID,
  rule: 'kmod-userspace',
  txn,
});
const d = (unit: string, action: Decision['action'], rule = 'kmod-userspace'): Decision => ({
  unit,
  action,
  step: 'restart',
  rule,
  reason: '',
  packages: ['libkmod2'],
});
const ND = 'systemd-networkd.service';

describe('vetoes across MinimalSteps runs', () => {
  it.each<[string, Veto[], Record<string, string>, string[]]>([
    ['the unit still runs the vetoed invocation: still vetoed', [veto(ND, 'a')], { [ND]: 'a' }, [ND]],
    ['the unit restarted since: the veto is spent', [veto(ND, 'a')], { [ND]: 'b' }, []],
    ['the unit is unknown now: not vetoed', [veto(ND, 'a')], {}, []],
  ])('standing: %s', (_, vs, inv, want) => expect(standing(vs, inv).map((v) => v.unit)).toEqual(want));

  it('a rule veto is recorded at the invocation the run started with; allow and removal decisions are not', () => {
    const out = afterRun(
      [],
      [d(ND, 'veto'), d('tailscaled.service', 'allow', 'x'), d('nftables.service', 'veto', 'package-removed')],
      { [ND]: 'a', 'tailscaled.service': 'b', 'nftables.service': 'c' },
      't2',
    );
    expect(out).toEqual([{ unit: ND, invocationID: 'a', rule: 'kmod-userspace', txn: 't2', packages: ['libkmod2'] }]);
  });

  it('a later run keeps a standing veto and drops a spent one', () => {
    const out = afterRun(
      [veto(ND, 'a'), veto('tailscaled.service', 'old')],
      [],
      { [ND]: 'a', 'tailscaled.service': 'new' },
      't3',
    );
    expect(out.map((v) => v.unit)).toEqual([ND]);
  });
});

describe('what a standing veto no longer explains', () => {
  const KMOD = '/lib/x86_64-linux-gnu/libkmod.so.2.4.0';
  const SECCOMP = '/lib/x86_64-linux-gnu/libseccomp.so.2.5.4';
  const owned = new Set([KMOD]);
  it.each<[string, Veto, string[] | null, string[]]>([
    [
      "only the vetoed package's library replaced: the veto holds",
      { ...veto(ND, 'a'), packages: ['libkmod2'] },
      [KMOD],
      [],
    ],
    [
      'another library replaced since: a new reason',
      { ...veto(ND, 'a'), packages: ['libkmod2'] },
      [KMOD, SECCOMP],
      [SECCOMP],
    ],
    ['nothing replaced is mapped: holds', { ...veto(ND, 'a'), packages: ['libkmod2'] }, [], []],
    ['maps unreadable: holds', { ...veto(ND, 'a'), packages: ['libkmod2'] }, null, []],
    ['a veto of an earlier build (no packages): holds', veto(ND, 'a'), [SECCOMP], []],
  ])('%s', (_, v, deleted, want) => expect(unexplained(v, deleted, owned)).toEqual(want));
});
