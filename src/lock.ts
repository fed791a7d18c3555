// The state-dir lock (proper-lockfile).
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StateError, messageOf } from './errors.js';
import { ensureDir } from './fsutil.js';

// Holds `<dir>/.lock` around fn. A holder killed with SIGKILL leaves a lock that goes stale after 10 s.
export async function withLock<T>(dir: string, fn: () => Promise<T> | T): Promise<T> {
  ensureDir(dir);
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, '.lock'),
      stale: 10_000,
      retries: { retries: 60, factor: 1, minTimeout: 250, maxTimeout: 250 },
      // A compromised lock (mtime not refreshable) must not crash a hook from a timer callback.
      onCompromised: () => {},
    });
  } catch (err) {
    throw new StateError(`cannot lock ${dir}: ${messageOf(err)}`);
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => {});
  }
}
