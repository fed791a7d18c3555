// The state-dir lock (proper-lockfile), with its holder recorded beside it: `<dir>/.lock` is the
// lock, `<dir>/.lock.holder` says who holds it (pid, start time, boot, and the lock dir's inode).
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StateError, messageOf } from './errors.js';
import { ensureDir } from './fsutil.js';
import { alive, isHolder, self, type Holder } from './procid.js';

const STALE_MS = 10_000;

// Holds `<dir>/.lock` around fn. A holder that is gone (killed, another boot, a copied state dir)
// loses it at once; proper-lockfile alone judged by mtime, and a lock dir with a future mtime (a
// clock stepped back) made every hook wait 15 s and give up, forever.
export async function withLock<T>(dir: string, fn: () => Promise<T> | T): Promise<T> {
  ensureDir(dir);
  const lockPath = join(dir, '.lock');
  const holderPath = join(dir, '.lock.holder');
  let release: () => Promise<void>;
  try {
    takeOverDead(lockPath, holderPath);
    release = await lockfile.lock(dir, {
      lockfilePath: lockPath,
      stale: STALE_MS,
      retries: { retries: 60, factor: 1, minTimeout: 250, maxTimeout: 250 },
      // A compromised lock (mtime not refreshable) must not crash a hook from a timer callback.
      onCompromised: () => {},
    });
    writeFileSync(holderPath, JSON.stringify({ ...self(), ino: statSync(lockPath).ino }));
  } catch (err) {
    throw new StateError(`cannot lock ${dir}: ${messageOf(err)}`);
  }
  try {
    return await fn();
  } finally {
    rmSync(holderPath, { force: true });
    await release().catch(() => {});
  }
}

type Recorded = Holder & { ino: number };

// Pure: may a lock be taken over now? Its holder recorded for this very lock dir and gone; or no
// usable record and an mtime that cannot be trusted (in the future).
export function deadLock(
  lock: { ino: number; mtimeMs: number },
  holder: Recorded | null,
  now: number,
  isAlive = alive,
) {
  if (holder && holder.ino === lock.ino) return !isAlive(holder);
  return lock.mtimeMs > now + STALE_MS;
}

// Ages a dead holder's lock so that proper-lockfile's own takeover claims it on the first try.
function takeOverDead(lockPath: string, holderPath: string): void {
  const lock = statSync(lockPath, { throwIfNoEntry: false });
  if (!lock) return;
  let holder: Recorded | null = null;
  try {
    const v: unknown = JSON.parse(readFileSync(holderPath, 'utf8'));
    if (isHolder(v) && typeof (v as Recorded).ino === 'number') holder = v as Recorded;
  } catch {
    // none, or half-written: judged by the lock alone
  }
  if (!deadLock(lock, holder, Date.now())) return;
  utimesSync(lockPath, 0, 0);
  // Taken over by another process between the look and the ageing: give its fresh lock its time back.
  const now = statSync(lockPath, { throwIfNoEntry: false });
  if (now && now.ino !== lock.ino) utimesSync(lockPath, new Date(), new Date());
}
