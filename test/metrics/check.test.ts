// `apt-netguard check`: the plugin verdict per state (table), and the bundle run as Nagios runs a
// plugin: no tty, a plain environment, one line on stdout, the exit code its state.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdict } from '../../src/metrics/check.js';
import type { MetricsInput } from '../../src/metrics/exposition.js';
import { BUNDLE } from '../helpers/netns.js';
import { scratch } from '../helpers/scratch.js';
import { self } from '../../src/procid.js';

const calm: MetricsInput = {
  version: '0.1.0',
  lastTransactionAt: 1,
  lastRestore: { at: 2, verified: true },
  restores: {},
  owed: [],
  lost: {},
  hookFailures: {},
  probesUnavailable: [],
  watch: { up: true, signatures: { 'stale-iif': false } },
  doctor: null,
};

describe('check: the verdict', () => {
  it.each<[string, Partial<MetricsInput>, number, RegExp]>([
    ['all well', {}, 0, /^APT-NETGUARD OK - nothing owed, nothing lost, last restore verified \| owed=0;1;;0 /],
    ['a fresh host', { lastRestore: null }, 0, /OK - nothing owed, nothing lost, no restore yet/],
    ['restarts owed', { owed: [{ unit: 'cron.service', mode: 'defer' }] }, 1, /WARNING - 1 restarts owed \(cron/],
    ['a probe blind', { probesUnavailable: ['nft', 'nft'] }, 1, /WARNING - blind: nft \|.* blind=1;1;;0/],
    ['a signature suspended', { watch: { up: true, signatures: { 'stale-iif': true } } }, 1, /suspended: stale-iif/],
    ['the watch down', { watch: { up: false, signatures: {} } }, 1, /WARNING - the watch service is not running/],
    ['no watch installed', { watch: null }, 0, /^APT-NETGUARD OK/],
    ['the last restore failed', { lastRestore: { at: 2, verified: false } }, 2, /CRITICAL - the last restore was not/],
    [
      'state lost',
      { lost: { 'route-missing': 1 }, owed: [{ unit: 'x', mode: 'guarded' }] },
      2,
      /CRITICAL - 1 lost.*; 1 restarts owed/,
    ],
    ['hook failures alone', { hookFailures: { 'post-invoke': 3 } }, 0, /OK .*hook_failures=3;;;0$/],
  ])('%s', (_, more, code, line) => {
    const v = verdict({ ...calm, ...more });
    expect(v.code).toBe(code);
    expect(v.line).toMatch(line);
  });
});

describe.skipIf(!existsSync(BUNDLE))('check as Nagios runs it (the bundle; npm run build)', () => {
  const plugin = (state: string) =>
    spawnSync(process.execPath, [BUNDLE, 'check'], {
      env: { PATH: '/usr/bin:/bin', APT_NETGUARD_STATE_DIR: state, APT_NETGUARD_RUN_DIR: join(state, 'run') },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  const state = (files: Record<string, unknown>) => {
    const dir = scratch('ng-check-');
    for (const [f, doc] of Object.entries(files)) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), JSON.stringify(doc));
    }
    return dir;
  };
  const pending = (unit: string) => ({
    schemaVersion: 1,
    pending: [{ unit, mode: 'defer', step: 'restart', since: '2026-12-01T00:00:00Z', txn: 't', reason: 'r' }],
  });
  // The watch's mark, held by this test's process: the service "runs".
  const now = new Date().toISOString();
  const up = { 'run/watch': { holder: self(), startedAt: now, beatAt: now, heartbeatMs: 60_000 } };
  const txn = (findings: unknown[]) => ({
    schemaVersion: 1,
    id: 't1',
    state: 'closed',
    openedAt: now,
    closedAt: now,
    findings,
    packages: [],
    notes: [],
  });
  it.each<[string, () => string, number, RegExp]>([
    [
      'the watch running, nothing else',
      () => state(up),
      0,
      /^APT-NETGUARD OK - nothing owed, nothing lost, no restore yet \|/,
    ],
    ['nothing recorded yet', () => state({}), 1, /^APT-NETGUARD WARNING - the watch service is not running \|/],
    [
      'a transaction lost its throw route, no restore since',
      () =>
        state({ ...up, 'txn/t1.json': txn([{ kind: 'route-missing', severity: 'critical', text: 'x', lost: true }]) }),
      2,
      /^APT-NETGUARD CRITICAL - 1 lost \(route-missing\) \| owed=0;1;;0 lost=1;;1;0/,
    ],
    ['restarts owed', () => state({ 'pending.json': pending('cron.service') }), 1, /WARNING - 1 restarts owed/],
    ['a state dir that is a file', () => join(state({ f: {} }), 'f'), 3, /^APT-NETGUARD UNKNOWN - /],
  ])('%s', (_, dir, code, line) => {
    const r = plugin(dir());
    expect([r.status, r.stderr]).toEqual([code, '']);
    expect(r.stdout).toMatch(line);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });
});
