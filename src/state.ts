// Where the guard keeps state, in one place: every path, the locks around read-modify-write, and
// documents written atomically. The stores (snapshot/store, txn/store, txn/vetoes, restore/records)
// and the gates (txn/arm) take their paths from here and never join a file name themselves.
//
// /var/lib/apt-netguard/        the state dir (--state-dir, APT_NETGUARD_STATE_DIR); survives reboots
//   .lock                       lock 'snapshots': saving and pruning snapshots
//   snapshots/<id>.json         snapshots, the newest 20 (a dot-file is an interrupted write)
//   txn/.lock                   lock 'txn': the transaction, pending.json, vetoes.json, probes-seen.json
//   txn/current.json            the open transaction, or one a killed run left open
//   txn/<id>.json               closed transactions, the newest 50
//   pending.json                restarts owed, in order (guarded, then deferred)
//   vetoes.json                 rule vetoes that outlive their dpkg run, until the unit restarts
//   probes-seen.json            the probes that have seen on this host (an absent tool is blindness only after)
//   restore/.lock               lock 'restore': the restore records
//   restore/current.json        the running restore, or one whose guard was killed
//   restore/<id>.json           ended restores, the newest 50
//   watch.json                  the watch's incidents, its hourly actions, and since when tailscale is not Running
//   watch-baseline.json         the last snapshot verified good, which the watch compares against (a snapshot)
//   metrics/.lock               lock 'metrics': the counters
//   metrics/counters.json       counters that outlive the processes: restores by trigger and result, hook failures
//   metrics/doctor.json         the last doctor run's findings (id, severity), for the textfile
// /run/apt-netguard/            the run dir (APT_NETGUARD_RUN_DIR): the gates, gone at reboot as they must be
//   state/                      the state dir's layout again, for runs while the state dir cannot be
//                               written (read-only, full): the guard goes on guarding from here
//   open                        the open transaction's id; the policy-rc.d gate (hooks/policy-rc.d) looks for it
//   armed/<unit>                the unit's mode while armed: guarded, defer or veto
//   requests                    lines the gates append: `<unix s> <who> <unit> <action> <mode>`
//   apt                         `<pid> <start>` of the apt that armed: the gate holds only while it lives
//   watch                       the running watch service: its process and its last heartbeat (status reads it)
//   watcher                     `<pid> <start>` of the apt whose watcher unit (lifecycle/watchapt.ts) runs
//   stream                      the Pre-Install-Pkgs stream that armed the open run (0600): the shim
//                               (hooks/run-hook) skips a repeat of it; it also reads open, and, for a
//                               Post-Invoke with nothing to do, txn/current.json and restore/current.json
// /run/systemd/system/<unit>.d/50-apt-netguard.conf   RefuseManualStop=yes while dpkg runs
//                               (APT_NETGUARD_SYSTEMD_RUN_DIR moves it, for tests with a fake systemctl)
// /var/cache/apt-netguard/      V8 code caches, owned by the bundle's boot code (src/boot/)
import {
  accessSync,
  constants,
  existsSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError, PermissionError, messageOf } from './errors.js';
import { ensureDir, writeFileAtomic } from './fsutil.js';

export const DEFAULT_STATE_DIR = '/var/lib/apt-netguard';
export const DEFAULT_RUN_DIR = '/run/apt-netguard';
export const DEFAULT_SYSTEMD_RUN_DIR = '/run/systemd/system';
// Installed by the package: the directory DPkg::Path puts first, holding the systemctl gate.
export const SYSTEMCTL_GATE_DIR = '/usr/lib/apt-netguard/dpkg-path';

export const KEEP_SNAPSHOTS = 20;
export const KEEP_TXNS = 50;
export const KEEP_RESTORES = 50;

export const statePaths = (state: string) => ({
  snapshots: join(state, 'snapshots'),
  txn: join(state, 'txn'),
  pending: join(state, 'pending.json'),
  vetoes: join(state, 'vetoes.json'),
  probesSeen: join(state, 'probes-seen.json'),
  restore: join(state, 'restore'),
  watch: join(state, 'watch.json'),
  watchBaseline: join(state, 'watch-baseline.json'),
  metrics: join(state, 'metrics'),
  counters: join(state, 'metrics', 'counters.json'),
  doctorFindings: join(state, 'metrics', 'doctor.json'),
});

export const runPaths = (run: string) => ({
  open: join(run, 'open'),
  armed: join(run, 'armed'),
  requests: join(run, 'requests'),
  apt: join(run, 'apt'),
  watch: join(run, 'watch'),
  watcher: join(run, 'watcher'),
  stream: join(run, 'stream'),
});

// The run dir (the gates) and systemd's runtime unit dir (the drop-ins).
export interface ArmDirs {
  run: string;
  systemdRun: string;
}

export const DROP_IN = '50-apt-netguard.conf';
export const dropInDir = (systemdRun: string, unit: string) => join(systemdRun, `${unit}.d`);

// Each lock is `<dir>/.lock`. The transaction files have their own, because a snapshot is saved
// under the state dir's lock while the transaction's lock is held.
const LOCK_DIR = {
  snapshots: (s: string) => s,
  txn: (s: string) => statePaths(s).txn,
  restore: (s: string) => statePaths(s).restore,
  metrics: (s: string) => statePaths(s).metrics,
};
export type LockName = keyof typeof LOCK_DIR;

export async function withStateLock<T>(state: string, name: LockName, fn: () => Promise<T> | T): Promise<T> {
  // Loaded here, not at start-up: proper-lockfile's init is off the path to the first probe spawn.
  const { withLock } = await import('./lock.js');
  return withLock(LOCK_DIR[name](state), fn);
}

// A corrupt file in the state dir (a garbage txn/current.json, a truncated snapshot) is moved aside
// as `<name>.corrupt-<time>`, and the guard starts fresh: left in place, it made every hook fail
// until someone deleted it. The context reports each one (the journal, at error).
export interface Corrupt {
  path: string;
  movedTo: string;
  why: string;
}
let report: (c: Corrupt) => void = () => {};
export const onCorrupt = (fn: (c: Corrupt) => void) => void (report = fn);

// Moves the file aside and says so; throws (as an InputError) only when it cannot even be moved.
export function quarantine(path: string, why: string, now = new Date()): Corrupt {
  const movedTo = `${path}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, movedTo);
  } catch (err) {
    throw new InputError(`${path}: ${why}, and it cannot be moved aside: ${messageOf(err)}`);
  }
  const c = { path, movedTo, why };
  report(c);
  return c;
}

// The document, or null when there is none (or it was corrupt, and is now moved aside).
// Why the state dir cannot take this run's state, or null: not creatable, not writable (a
// read-only filesystem), or nearly full (a 2 MB snapshot would not fit). Leaves nothing behind.
const MIN_FREE = 16 * 1024 * 1024;
export function stateProblem(state: string, minFree = MIN_FREE): string | null {
  const probe = join(state, `.write-test.${process.pid}`);
  try {
    // The write first: a read-only filesystem is that, whatever space it shows.
    ensureDir(state);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    const fs = statfsSync(state);
    const free = fs.bavail * fs.bsize;
    return free < minFree ? `no space left: ${Math.floor(free / 1024)} KiB free on ${state}` : null;
  } catch (err) {
    return messageOf(err);
  }
}

// Where a run keeps its state while the state dir cannot take it: under the run dir, for this boot.
const fallbackState = (run: string) => join(run, 'state');

// The state dir this run uses, and why not the usual one. The hooks write there and status reads
// there, by the same rule. A reader does not create a missing state dir (nothing recorded yet).
export function stateFor(stateDir: string, runDir: string, create = true): { state: string; problem: string | null } {
  const problem = create || existsSync(stateDir) ? stateProblem(stateDir) : null;
  return { state: problem ? fallbackState(runDir) : stateDir, problem };
}

// A command that reads (or writes) the state dir, run by someone who may not: said, not answered
// with "OK: nothing lost" from a dir it could not see into.
export function requireAccess(state: string, write = false): void {
  try {
    accessSync(state, constants.R_OK | constants.X_OK | (write ? constants.W_OK : 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') throw new PermissionError(`permission denied: ${state}: run as root`);
    // ENOENT: nothing recorded yet, which the commands say themselves.
  }
}

export function readJson<T>(path: string, check: (v: unknown) => v is T, what: string): T | null {
  if (!existsSync(path)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    return (quarantine(path, `unreadable: ${messageOf(err)}`), null);
  }
  if (!check(doc)) return (quarantine(path, `not ${what}`), null);
  return doc;
}

// Its twin: the document, indented a little for people reading the state dir, written atomically.
export function writeJson(path: string, doc: unknown): void {
  ensureDir(dirname(path));
  writeFileAtomic(path, JSON.stringify(doc, null, 1));
}

// A journal folder: `current.json` while the thing is in progress, `<id>.json` once it ended, the
// newest `keep` kept. Callers hold the folder's lock around read-modify-write.
export function journal<T extends { id: string }>(
  dir: string,
  check: (v: unknown) => v is T,
  what: string,
  keep: number,
) {
  const current = join(dir, 'current.json');
  const ended = () =>
    existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json') && f !== 'current.json' && !f.startsWith('.'))
          .map((f) => f.slice(0, -5))
          .sort()
      : [];
  return {
    dir,
    hasCurrent: () => existsSync(current),
    loadCurrent: (): T | null => readJson(current, check, what),
    saveCurrent: (doc: T): void => writeJson(current, doc),
    // The ended document is written under its id before current.json goes: a crash in between
    // leaves both, and the next run finds the current one already ended and finishes it again, harmlessly.
    finish(doc: T): void {
      writeJson(join(dir, `${doc.id}.json`), doc);
      rmSync(current, { force: true });
      for (const old of ended().slice(0, -keep)) rmSync(join(dir, `${old}.json`), { force: true });
    },
    listEnded: ended,
    loadEnded: (id: string): T | null => readJson(join(dir, `${id}.json`), check, what),
  };
}
