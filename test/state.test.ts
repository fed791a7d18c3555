// The state layout and its locks: one place for every path, and read-modify-write serialised.
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import {
  journal,
  onCorrupt,
  readJson,
  runPaths,
  statePaths,
  stateProblem,
  withStateLock,
  writeJson,
  type Corrupt,
} from '../src/state.js';
import { scratch } from './helpers/scratch.js';

describe('layout', () => {
  it('the state dir', () =>
    expect(statePaths('/s')).toEqual({
      snapshots: '/s/snapshots',
      txn: '/s/txn',
      pending: '/s/pending.json',
      vetoes: '/s/vetoes.json',
      probesSeen: '/s/probes-seen.json',
      restore: '/s/restore',
      watch: '/s/watch.json',
      watchBaseline: '/s/watch-baseline.json',
      metrics: '/s/metrics',
      counters: '/s/metrics/counters.json',
      doctorFindings: '/s/metrics/doctor.json',
    }));
  it('the run dir the shell gate reads', () =>
    expect(runPaths('/r')).toEqual({
      open: '/r/open',
      armed: '/r/armed',
      requests: '/r/requests',
      apt: '/r/apt',
      watch: '/r/watch',
      watcher: '/r/watcher',
      stream: '/r/stream',
    }));
});

describe('locks', () => {
  it.each(['snapshots', 'txn', 'restore'] as const)('%s: holders run one at a time', async (name) => {
    const dir = scratch('ng-lock-');
    const order: string[] = [];
    const slow = withStateLock(dir, name, async () => {
      order.push('a in');
      await new Promise((r) => setTimeout(r, 300));
      order.push('a out');
    });
    await new Promise((r) => setTimeout(r, 50));
    await withStateLock(dir, name, () => void order.push('b'));
    await slow;
    expect(order).toEqual(['a in', 'a out', 'b']);
    expect(existsSync(join(dir, name === 'snapshots' ? '.lock' : `${name}/.lock`))).toBe(false);
  });
  it('the three locks are independent: the txn lock held, a snapshot still saves', async () => {
    const dir = scratch('ng-lock-');
    const got = await withStateLock(dir, 'txn', () => withStateLock(dir, 'snapshots', () => 'inner'));
    expect(got).toBe('inner');
  });
});

describe('JSON documents and journals', () => {
  const isDoc = (v: unknown): v is { id: string } => typeof (v as { id?: unknown } | null)?.id === 'string';
  it('round-trips, and a missing file is null', () => {
    const p = join(scratch('ng-json-'), 'a/b.json');
    expect(readJson(p, isDoc, 'a doc')).toBeNull();
    writeJson(p, { id: 'x' });
    expect(readJson(p, isDoc, 'a doc')).toEqual({ id: 'x' });
  });
  it.each([
    ['not JSON', '{"half', /^unreadable: /],
    ['the wrong shape', '{"other":1}', /^not a doc$/],
  ])('%s is moved aside as .corrupt-<time>, reported, and reads as absent', (_, text, re) => {
    const dir = scratch('ng-json-');
    const p = join(dir, 'x.json');
    writeFileSync(p, text);
    const seen: Corrupt[] = [];
    onCorrupt((c) => void seen.push(c));
    try {
      expect(readJson(p, isDoc, 'a doc')).toBeNull();
    } finally {
      onCorrupt(() => {});
    }
    expect(existsSync(p)).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe(p);
    expect(seen[0]!.why).toMatch(re);
    expect(seen[0]!.movedTo).toMatch(/x\.json\.corrupt-\d{4}-\d\d-\d\dT/);
    expect(readFileSync(seen[0]!.movedTo, 'utf8')).toBe(text);
  });
  it('a corrupt file that cannot be moved aside is an InputError naming both', () => {
    const dir = scratch('ng-json-');
    const p = join(dir, 'x.json');
    writeFileSync(p, '{"half');
    chmodSync(dir, 0o555);
    try {
      // root may rename in a read-only dir; then there is nothing to show here
      if (process.getuid?.() === 0) return;
      expect(() => readJson(p, isDoc, 'a doc')).toThrow(InputError);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
  it('a journal keeps the newest `keep` ended documents, oldest first', () => {
    const j = journal(scratch('ng-journal-'), isDoc, 'a doc', 2);
    for (const id of ['1', '2', '3']) {
      j.saveCurrent({ id });
      expect(j.hasCurrent()).toBe(true);
      j.finish({ id });
    }
    expect(j.hasCurrent()).toBe(false);
    expect(j.listEnded()).toEqual(['2', '3']);
    expect(j.loadEnded('3')).toEqual({ id: '3' });
  });
});

describe('stateProblem', () => {
  it('a dir that can be written and has room: null, and no trace left', () => {
    const dir = join(scratch('ng-sp-'), 'state');
    expect(stateProblem(dir, 0)).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });
  it('a dir that cannot be made names the real cause', () => {
    const root = scratch('ng-sp-');
    writeFileSync(join(root, 'file'), '');
    expect(stateProblem(join(root, 'file/state'))).toMatch(/ENOTDIR/);
  });
  it('too little room: how much there is', () =>
    expect(stateProblem(scratch('ng-sp-'), Number.MAX_SAFE_INTEGER)).toMatch(/^no space left: \d+ KiB free on /));
});
