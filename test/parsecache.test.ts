// The parse cache: a hit only while nothing it was read from changed, and only from a file the
// guard itself could have written (the code cache's trust rule).
import { chmodSync, cpSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config/cached.js';
import { loadConfig } from '../src/config/load.js';
import { fingerprint, recall, remember } from '../src/parsecache.js';
import { readPolicy } from '../src/policy/cached.js';
import { loadPolicy, type PolicyDirs } from '../src/policy/load.js';
import { scratch } from './helpers/scratch.js';

const uid = process.getuid?.() ?? 0;
const SHIPPED = new URL('../policies', import.meta.url).pathname;

function lab() {
  const root = scratch('ng-parse-');
  const dirs: PolicyDirs = {
    shipped: join(root, 'shipped'),
    admin: join(root, 'policies.d'),
    trustedUid: uid,
    cache: { dir: join(root, 'cache'), build: 'test' },
  };
  cpSync(SHIPPED, dirs.shipped, { recursive: true });
  mkdirSync(dirs.admin);
  mkdirSync(join(root, 'cache'), { mode: 0o755 });
  chmodSync(join(root, 'cache'), 0o755);
  return { root, dirs, cache: join(root, 'cache', 'policy.json') };
}
const ADMIN = 'units:\n  tailscaled.service:\n    settle: false\n';
// A policy whose first parse went into the cache, with a marker only the cache holds.
const marked = async (l: ReturnType<typeof lab>) => {
  await readPolicy(l.dirs);
  const doc = JSON.parse(readFileSync(l.cache, 'utf8')) as { key: string; value: { warnings: string[] } };
  doc.value.warnings = ['from the cache'];
  writeFileSync(l.cache, JSON.stringify(doc), { mode: 0o600 });
};
const fromCache = async (l: ReturnType<typeof lab>) => (await readPolicy(l.dirs)).warnings.includes('from the cache');

describe('readPolicy: the cache answers only while nothing changed', () => {
  it('a miss parses exactly as loadPolicy does, and keeps it, root-only', async () => {
    const l = lab();
    writeFileSync(join(l.dirs.admin, '10-admin.yaml'), ADMIN, { mode: 0o644 });
    expect(await readPolicy(l.dirs)).toEqual(loadPolicy(l.dirs));
    expect(statSync(l.cache).mode & 0o777).toBe(0o600);
  });
  it('unchanged: the cached result', async () => {
    const l = lab();
    await marked(l);
    expect(await fromCache(l)).toBe(true);
  });
  it.each([
    ['an admin file added', (l: ReturnType<typeof lab>) => writeFileSync(join(l.dirs.admin, 'a.yaml'), ADMIN)],
    [
      'a shipped file rewritten with its size and mtime kept (ctime moves)',
      (l: ReturnType<typeof lab>) => {
        const f = join(l.dirs.shipped, '00-defaults.yaml');
        const st = statSync(f);
        writeFileSync(f, readFileSync(f, 'utf8').replace('tailscaled', 'tailscalex'));
        utimesSync(f, st.atime, st.mtime);
      },
    ],
    [
      'a file made group-writable',
      (l: ReturnType<typeof lab>) => chmodSync(join(l.dirs.shipped, '00-defaults.yaml'), 0o664),
    ],
    ['the cache file writable by others', (l: ReturnType<typeof lab>) => chmodSync(l.cache, 0o606)],
    ['the cache file corrupt', (l: ReturnType<typeof lab>) => writeFileSync(l.cache, '{"key":')],
  ])('%s: parsed again', async (_, change) => {
    const l = lab();
    await marked(l);
    change(l);
    expect(await fromCache(l)).toBe(false);
  });
  it('no cache dir: parsed each time, nothing written', async () => {
    const l = lab();
    const dirs = { ...l.dirs, cache: { dir: join(l.root, 'absent'), build: 'test' } };
    expect(await readPolicy(dirs)).toEqual(loadPolicy(dirs));
    expect(() => statSync(join(l.root, 'absent'))).toThrow();
  });
});

describe('readConfig', () => {
  it('config.yaml with a secret: kept 0600; an edit is seen at once', async () => {
    const root = scratch('ng-parse-conf-');
    const path = join(root, 'config.yaml');
    const cache = join(root, 'cache');
    mkdirSync(cache, { mode: 0o755 });
    const conf = (token: string) =>
      `alerts:\n  webhook:\n    url: https://hooks.example/x\n    headers:\n      Authorization: Bearer ${token}\n`;
    writeFileSync(path, conf('one'), { mode: 0o600 });
    expect(await readConfig(path, { dir: cache, build: 'test' })).toEqual(loadConfig(path));
    expect(statSync(join(cache, 'config.json')).mode & 0o777).toBe(0o600);
    writeFileSync(path, conf('two'));
    expect((await readConfig(path, { dir: cache, build: 'test' })).config.alerts.webhook?.headers).toEqual({
      Authorization: 'Bearer two',
    });
  });
});

describe('recall and remember', () => {
  it('a key of other inputs or another build, or a file of another owner, is no hit', () => {
    const root = scratch('ng-parse-kv-');
    const dir = join(root, 'c');
    mkdirSync(dir, { mode: 0o755 });
    const f = join(dir, 'x.json');
    remember(f, fingerprint('b1', [root]), uid, { v: 1 });
    expect(recall(f, fingerprint('b1', [root]), uid)).toEqual({ v: 1 });
    expect(recall(f, fingerprint('b1', [dir]), uid)).toBeUndefined();
    expect(recall(f, fingerprint('b2', [root]), uid)).toBeUndefined();
    expect(recall(f, fingerprint('b1', [root]), uid + 1)).toBeUndefined();
  });
});
