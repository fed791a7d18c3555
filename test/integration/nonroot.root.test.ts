// [root] A user other than root runs commands that need the state dir: exit 2 and why, not "OK".
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE } from '../helpers/netns.js';
import { missing } from '../helpers/requires.js';
import { scratch } from '../helpers/scratch.js';

const skip =
  missing('nonroot', { root: true, tools: ['runuser'] }) ?? (existsSync(BUNDLE) ? null : 'run npm run build first');

describe.skipIf(skip !== null)('as nobody [root]', () => {
  // The state dir as the package makes it: root's, 0750; with an open transaction in it.
  const state = join(scratch('ng-nonroot-'), 'state');
  mkdirSync(join(state, 'txn'), { recursive: true });
  writeFileSync(join(state, 'txn/current.json'), '{}');
  chmodSync(join(state, '..'), 0o755);
  chmodSync(state, 0o750);
  const asNobody = (...args: string[]) =>
    spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, BUNDLE, ...args, '--state-dir', state], {
      encoding: 'utf8',
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', APT_NETGUARD_CACHE_DIR: '' },
    });
  it.each([['status'], ['list'], ['restore', '--dry-run'], ['diff', '--since-last']])('%s', (...args) => {
    const r = asNobody(...args);
    expect([r.status, r.stderr]).toEqual([2, `apt-netguard: permission denied: ${state}: run as root\n`]);
  });
});
