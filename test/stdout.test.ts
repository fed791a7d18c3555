// src/stdout.ts through the built bundle: output to fd 1, and a reader that goes away is no crash.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromLab } from './helpers/snapshots.js';
import { scratch } from './helpers/scratch.js';

const BUNDLE = new URL('../dist/apt-netguard.mjs', import.meta.url).pathname;
const ready = existsSync(BUNDLE);
if (!ready) console.warn('SKIP [stdout bundle]: no dist/apt-netguard.mjs (npm run build)');
const env = { ...process.env, APT_NETGUARD_CACHE_DIR: '' };

function pair() {
  const d = scratch('ng-out-');
  const [a, b] = [join(d, 'a.json'), join(d, 'b.json')];
  writeFileSync(a, JSON.stringify(snapshotFromLab('bookworm-netns')));
  writeFileSync(b, JSON.stringify(snapshotFromLab('bookworm-netns-recreated')));
  return [a, b] as const;
}

describe('command output on fd 1', () => {
  it.skipIf(!ready)('reaches a pipe whole, and a file', () => {
    const [a, b] = pair();
    const r = spawnSync(process.execPath, [BUNDLE, 'diff', a, b, '--json'], { encoding: 'utf8', env });
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings.length).toBeGreaterThan(3);
    expect(spawnSync(process.execPath, [BUNDLE, '--version'], { encoding: 'utf8', env }).stdout).toMatch(
      /^apt-netguard \S+\n$/,
    );
  });

  it.skipIf(!ready)(
    'a reader that closed early (`| head`) ends the output, not the command: exit code kept, no stack',
    async () => {
      const [a, b] = pair();
      const child = spawn(process.execPath, [BUNDLE, 'diff', a, b], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += String(c)));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect([code, err]).toEqual([1, '']);
    },
  );
});
