// `status`: what makes it say NEEDS ATTENTION and exit 1 (pure).
import { describe, expect, it } from 'vitest';
import { restoreState, troubled } from '../../src/commands/status.js';
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
      'a restore journaled as running, its process gone',
      [txn([]), { ...restore('running'), owner: { pid: 77, start: '1', boot: 'b' } }, [], { restoreAlive: false }],
      ['the last restore was interrupted (its process 77 is gone); run apt-netguard restore'],
    ],
    [
      'a restore running now',
      [txn([]), { ...restore('running'), owner: { pid: 77, start: '1', boot: 'b' } }, [], { restoreAlive: true }],
      ['a restore is running (pid 77)'],
    ],
    [
      'the last transaction could not see',
      [
        {
          ...(txn([]) as object),
          blind: [{ probe: 'links', reason: 'ip: timed out after 5000 ms', when: 'pre' }],
        } as never,
        null,
        [],
      ],
      ['transaction t1 could not see links before dpkg: ip: timed out after 5000 ms'],
    ],
    [
      'the last transaction was abandoned (its apt killed), and no verified restore followed',
      [
        {
          ...(txn([]) as object),
          state: 'abandoned',
          notes: ['reconciled: apt (pid 9) ended before its Post-Invoke ran'],
        } as never,
        null,
        [],
      ],
      ['transaction t1 was abandoned: apt (pid 9) ended before its Post-Invoke ran'],
    ],
    [
      'an admin policy file is broken',
      [txn([]), null, [], { policy: ['/etc/apt-netguard/policies.d/50-x.yaml:3:14: version: bad'] }],
      [
        'policy: /etc/apt-netguard/policies.d/50-x.yaml:3:14: version: bad; the shipped defaults apply until it is fixed',
      ],
    ],
    [
      'a watch signature suspended after a failed restore; an open incident is not trouble',
      [
        null,
        null,
        [],
        {
          watch: {
            actions: [],
            signatures: {
              'backend-stuck': {
                state: 'suspended',
                since: '2026-12-02T10:00:00.000Z',
                why: 'the last attempt failed',
                cause: 'failed',
              },
              'stale-iif': { state: 'open', since: '2026-12-02T10:00:00.000Z', acted: true },
            },
          },
        },
      ],
      ['watch: backend-stuck suspended since 2026-12-02T10:00:00.000Z: the last attempt failed'],
    ],
  ])('%s', (_, args, want) => expect(troubled(...args)).toEqual(want));
});

describe('restoreState: a running record whose process is gone was interrupted', () => {
  const rec = (state: RestoreRecord['state'], owner?: object) =>
    ({ state, ...(owner ? { owner } : {}) }) as RestoreRecord;
  const owner = { pid: 77, start: '1', boot: 'b' };
  it.each<[string, RestoreRecord | null, boolean, { state: string; alive: boolean | null }]>([
    ['no restore', null, true, { state: '', alive: null }],
    ['ended', rec('verified', owner), false, { state: 'verified', alive: null }],
    ['running, alive', rec('running', owner), true, { state: 'running', alive: true }],
    ['running, gone', rec('running', owner), false, { state: 'interrupted', alive: false }],
    ['running, written by an earlier build (no owner)', rec('running'), false, { state: 'running', alive: null }],
  ])('%s', (_, r, isAlive, want) => expect(restoreState(r, () => isAlive)).toEqual(want));
});
