import { describe, expect, it } from 'vitest';
import type { Decision } from '../../src/policy/decide.js';
import { afterRun, standing, type Veto } from '../../src/txn/vetoes.js';

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
    expect(out).toEqual([{ unit: ND, invocationID: 'a', rule: 'kmod-userspace', txn: 't2' }]);
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
