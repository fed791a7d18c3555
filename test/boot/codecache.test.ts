// The code cache: which file a command uses, what is trusted, and the built bundle using it for real.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheFile, cacheKey, readCache, writeCache } from '../../src/boot/codecache.js';
import { untrusted } from '../../src/fsutil.js';
import { BUNDLE } from '../helpers/netns.js';
import { scratch } from '../helpers/scratch.js';

describe('cacheKey', () => {
  it.each([
    [[], 'other'],
    [['--version'], 'other'],
    [['snapshot', '--json'], 'snapshot'],
    [['hook', 'post-invoke'], 'hook-post-invoke'],
    [['hook', '--help'], 'hook'],
    [['policy', 'check'], 'policy-check'],
    [['diff', 'a', 'b'], 'diff'],
    [['../../etc/passwd'], 'other'],
    [['hook', '../x'], 'hook'],
  ])('%j → %s', (argv, key) => expect(cacheKey(argv)).toBe(key));
});

describe('untrusted (the rule caches share with policy files)', () => {
  it.each([
    [{ uid: 0, mode: 0o40755 }, 0, true],
    [{ uid: 0, mode: 0o100644 }, 0, true],
    [{ uid: 1000, mode: 0o40755 }, 0, false],
    [{ uid: 0, mode: 0o40775 }, 0, false],
    [{ uid: 0, mode: 0o100646 }, 0, false],
    [{ uid: 1000, mode: 0o40700 }, 1000, true],
  ])('%j for euid %i → trusted %s', (st, euid, ok) => expect(untrusted('/x', euid, st) === null).toBe(ok));
});

const euid = process.geteuid!();

describe('readCache / writeCache', () => {
  it('writes atomically, reads back, and drops caches of other bundles', () => {
    const d = scratch('ng-cc-');
    writeFileSync(join(d, 'snapshot.0000000000000000.v8'), 'old');
    writeFileSync(join(d, 'unrelated.txt'), 'keep');
    const f = cacheFile(d, 'snapshot', 'abcdef0123456789');
    expect(writeCache(f, Buffer.from('data'), 'abcdef0123456789', euid)).toBe(true);
    expect(readCache(f, euid)?.toString()).toBe('data');
    expect(readdirSync(d).sort()).toEqual(['snapshot.abcdef0123456789.v8', 'unrelated.txt']);
  });

  it('neither reads nor writes where others can write, nor into a dir that does not exist', () => {
    const d = scratch('ng-cc-');
    const f = cacheFile(d, 'list', 'h');
    writeFileSync(f, 'data');
    chmodSync(f, 0o666);
    expect(readCache(f, euid)).toBeUndefined();
    chmodSync(f, 0o644);
    chmodSync(d, 0o777);
    expect(readCache(f, euid)).toBeUndefined();
    expect(writeCache(f, Buffer.from('x'), 'h', euid)).toBe(false);
    expect(readFileSync(f, 'utf8')).toBe('data');
    expect(writeCache(join(d, 'nodir', 'list.h.v8'), Buffer.from('x'), 'h', euid)).toBe(false);
  });
});

describe('the bundle with a code cache', () => {
  const cli = (cacheDir: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BUNDLE, ...args], {
      encoding: 'utf8',
      env: { ...process.env, APT_NETGUARD_CACHE_DIR: cacheDir, APT_NETGUARD_DEBUG: '1' },
    });
    return { code: r.status, stdout: r.stdout, state: /code cache (\w+)/.exec(r.stderr)?.[1], stderr: r.stderr };
  };
  const ready = existsSync(BUNDLE);
  if (!ready) console.warn('SKIP [codecache bundle]: no dist/apt-netguard.mjs (npm run build)');

  it.skipIf(!ready)('misses, writes, then hits, and the command behaves the same', () => {
    const d = scratch('ng-cc-');
    const state = scratch('ng-cc-state-');
    const first = cli(d, 'list', '--state-dir', state, '--json');
    expect([first.state, first.code]).toEqual(['miss', 0]);
    const [file] = readdirSync(d);
    expect(file).toMatch(/^list\.[0-9a-f]{16}\.v8$/);
    expect(statSync(join(d, file!)).size).toBeGreaterThan(10_000);
    const second = cli(d, 'list', '--state-dir', state, '--json');
    expect([second.state, second.code, second.stdout]).toEqual(['hit', 0, first.stdout]);
    // Exit codes pass through the outer module: a usage error stays 2.
    expect(cli(d, 'diff').code).toBe(2);
  });

  it.skipIf(!ready)('a damaged cache is rejected by V8, rewritten, and the run is unharmed', () => {
    const d = scratch('ng-cc-');
    cli(d, 'status', '--json', '--state-dir', d);
    const file = join(
      d,
      readdirSync(d).find((f) => f.startsWith('status.'))!,
    );
    const size = statSync(file).size;
    writeFileSync(file, Buffer.alloc(size, 0x5a));
    const r = cli(d, 'status', '--json', '--state-dir', d);
    expect(r.state).toBe('rejected');
    expect(JSON.parse(r.stdout)).toHaveProperty('restore');
    expect(cli(d, 'status', '--json', '--state-dir', d).state).toBe('hit');
  });

  it.skipIf(!ready)('an unset cache dir turns it off; a dir others can write is not used', () => {
    expect(cli('', '--version').state).toBe('off');
    const d = scratch('ng-cc-');
    chmodSync(d, 0o777);
    expect(cli(d, '--version').state).toBe('miss');
    expect(readdirSync(d)).toEqual([]);
  });
});
