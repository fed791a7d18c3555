// The state-dir lock: errors release it, and a lock that cannot be taken is a StateError.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateError } from '../src/errors.js';
import { withLock } from '../src/lock.js';
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
