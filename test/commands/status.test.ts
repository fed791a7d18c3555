// `status`: what makes it say NEEDS ATTENTION and exit 1 (pure).
import { describe, expect, it } from 'vitest';
import { troubled } from '../../src/commands/status.js';
import type { RestoreRecord } from '../../src/restore/model.js';

describe('status: what needs an admin', () => {
  const txn = (findings: { lost?: boolean }[]) =>
    ({
      id: 't1',
      openedAt: '2026-11-22T10:00:00Z',
      closedAt: '2026-11-22T10:01:00Z',
      findings: findings.map((x) => ({ kind: 'k', severity: 'warning', text: 'x', ...x })),
    }) as never;
  const restore = (state: RestoreRecord['state'], startedAt = '2026-11-22T10:01:01Z') =>
    ({ state, startedAt }) as RestoreRecord;
  const owed = [
    { unit: 'tailscaled.service', mode: 'defer' as const, step: 'restart' as const, since: '', txn: 't1', reason: '' },
  ];
  it.each<[string, Parameters<typeof troubled>, string[]]>([
    ['nothing happened', [txn([]), null, []], []],
    ['a unit restarted by its package (not lost)', [txn([{ lost: false }]), null, []], []],
    [
      'state lost, no restore',
      [txn([{ lost: true }]), null, []],
      ['transaction t1 lost state (1 findings) and no verified restore followed'],
    ],
    ['state lost, then a verified restore', [txn([{ lost: true }]), restore('verified'), []], []],
    [
      'state lost, a verified restore from before it',
      [txn([{ lost: true }]), restore('verified', '2026-11-22T09:00:00Z'), []],
      ['transaction t1 lost state (1 findings) and no verified restore followed'],
    ],
    [
      'the last restore failed',
      [txn([{ lost: true }]), restore('failed'), []],
      ['the last restore is failed', 'transaction t1 lost state (1 findings) and no verified restore followed'],
    ],
    ['deferred restarts owed', [txn([]), restore('verified'), owed], ['1 restarts owed']],
    [
      'an admin policy file is broken',
      [txn([]), null, [], { policy: ['/etc/apt-netguard/policies.d/50-x.yaml:3:14: version: bad'] }],
      [
        'policy: /etc/apt-netguard/policies.d/50-x.yaml:3:14: version: bad; the shipped defaults apply until it is fixed',
      ],
    ],
  ])('%s', (_, args, want) => expect(troubled(...args)).toEqual(want));
});
