// The state-dir lock: errors release it, and a lock that cannot be taken is a StateError.
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateError } from '../src/errors.js';
import { deadLock, withLock } from '../src/lock.js';
import { self } from '../src/procid.js';
import { goneProcess } from './helpers/proc.js';
import { scratch } from './helpers/scratch.js';

describe('withLock', () => {
  it('returns what fn returns, and leaves no lock behind', async () => {
    const dir = scratch('ng-lock-');
    expect(await withLock(dir, () => 42)).toBe(42);
    expect(existsSync(join(dir, '.lock'))).toBe(false);
  });
  it('a throwing holder releases it: the next one gets it at once', async () => {
    const dir = scratch('ng-lock-');
    await expect(withLock(dir, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const t = Date.now();
    await withLock(dir, () => {});
    expect(Date.now() - t).toBeLessThan(200);
  });
  it('a dir that cannot be made is a StateError naming it', async () => {
    const file = join(scratch('ng-lock-'), 'f');
    writeFileSync(file, '');
    await expect(withLock(join(file, 'sub'), () => {})).rejects.toThrow(StateError);
    await expect(withLock(join(file, 'sub'), () => {})).rejects.toThrow(/cannot create .*f\/sub/);
  });
});

describe('a lock whose holder is gone is taken over at once, whatever its timestamps say', () => {
  const NOW = Date.parse('2026-12-01T12:00:00Z');
  const holder = { pid: 1, start: '5', boot: 'b', ino: 7 };
  it.each([
    ['recorded holder gone', { ino: 7, mtimeMs: NOW }, holder, false, true],
    ['recorded holder alive', { ino: 7, mtimeMs: NOW }, holder, true, false],
    ['recorded holder alive, mtime in the future', { ino: 7, mtimeMs: NOW + 3_600_000 }, holder, true, false],
    ['the record is of an earlier lock dir: judged by mtime, fresh', { ino: 8, mtimeMs: NOW }, holder, false, false],
    ['no record, mtime an hour ahead (clock stepped back)', { ino: 7, mtimeMs: NOW + 3_600_000 }, null, false, true],
    [
      'no record, fresh: maybe a holder between mkdir and its record',
      { ino: 7, mtimeMs: NOW - 1_000 },
      null,
      false,
      false,
    ],
  ])('%s', (_, lock, h, isAlive, want) => expect(deadLock(lock, h, NOW, () => isAlive)).toBe(want));

  it.each([
    [
      'a lock dir with a future mtime and no holder record',
      (d: string) => utimesSync(join(d, '.lock'), new Date(NOW + 9e9), new Date(NOW + 9e9)),
    ],
    [
      'a lock dir whose recorded holder was killed',
      (d: string) =>
        writeFileSync(
          join(d, '.lock.holder'),
          JSON.stringify({ ...goneProcess(), ino: statSync(join(d, '.lock')).ino }),
        ),
    ],
    [
      'a lock dir copied from another boot, with a future mtime',
      (d: string) => {
        writeFileSync(
          join(d, '.lock.holder'),
          JSON.stringify({ ...self(), boot: 'another', ino: statSync(join(d, '.lock')).ino }),
        );
        utimesSync(join(d, '.lock'), new Date(NOW + 9e9), new Date(NOW + 9e9));
      },
    ],
  ])('%s: taken in well under a second', async (_, leave) => {
    const dir = scratch('ng-lock-');
    mkdirSync(join(dir, '.lock'));
    leave(dir);
    const t = Date.now();
    expect(await withLock(dir, () => 'mine')).toBe('mine');
    expect(Date.now() - t).toBeLessThan(1_000);
    expect(existsSync(join(dir, '.lock.holder'))).toBe(false);
  });
  it('while held, the record names this process and the lock dir', async () => {
    const dir = scratch('ng-lock-');
    await withLock(dir, () => {
      const rec = JSON.parse(readFileSync(join(dir, '.lock.holder'), 'utf8'));
      expect(rec).toEqual({ ...self(), ino: statSync(join(dir, '.lock')).ino });
    });
  });
});
