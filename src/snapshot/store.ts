// Snapshots on disk: `snapshots/<id>.json` (state.ts), written atomically under the 'snapshots' lock.
import { isAscii } from 'node:buffer';
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError, messageOf } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../fsutil.js';
import { KEEP_SNAPSHOTS, quarantine, statePaths, withStateLock } from '../state.js';
import { encodeRoute, type Route } from '../probes/routes.js';
import { SCHEMA_VERSION, nextId, type Snapshot } from './model.js';

export const snapshotsDir = (stateDir: string) => statePaths(stateDir).snapshots;

// Stores the snapshot and prunes the oldest beyond `keep`; returns its path. An id already taken
// (two snapshots in the same millisecond: one was lost, 2 of 10 pairs) moves on a millisecond, so
// ids stay unique and sortable; the file is linked into place, never renamed over another.
export async function saveSnapshot(stateDir: string, snap: Snapshot, keep = KEEP_SNAPSHOTS): Promise<string> {
  const dir = snapshotsDir(stateDir);
  ensureDir(dir);
  return withStateLock(stateDir, 'snapshots', () => {
    const taken = new Set(listSnapshotIds(stateDir));
    while (taken.has(snap.id)) snap.id = nextId(snap.id);
    const path = join(dir, `${snap.id}.json`);
    writeFileAtomic(path, JSON.stringify(snap), 0o640, true);
    for (const old of listSnapshotIds(stateDir).slice(0, -keep)) rmSync(join(dir, `${old}.json`), { force: true });
    return path;
  });
}

// Oldest first. Temp files of an interrupted write start with a dot and are skipped.
export function listSnapshotIds(stateDir: string): string[] {
  const dir = snapshotsDir(stateDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

// Why a stored snapshot cannot be whole, or null, from its first and last bytes only (list must not
// parse 20 files of 2 MB): a snapshot is one JSON object that starts with its schemaVersion.
export function unwhole(path: string): string | null {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const head = Buffer.alloc(Math.min(size, 32));
      const tail = Buffer.alloc(Math.min(size, 16));
      readSync(fd, head, 0, head.length, 0);
      readSync(fd, tail, 0, tail.length, Math.max(0, size - tail.length));
      if (!head.toString('latin1').startsWith('{"schemaVersion":')) return 'not a snapshot';
      return tail.toString('latin1').trimEnd().endsWith('}') ? null : 'truncated';
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return messageOf(err);
  }
}

// Files moved aside as corrupt (state.ts), newest last.
export const listCorrupt = (stateDir: string): string[] =>
  existsSync(snapshotsDir(stateDir))
    ? readdirSync(snapshotsDir(stateDir))
        .filter((f) => /\.json\.corrupt-/.test(f))
        .sort()
    : [];

// A ref is a file path, a stored id, or `latest`.
export function resolveRef(stateDir: string, ref: string): string {
  if (ref === 'latest') {
    const id = listSnapshotIds(stateDir).at(-1);
    if (!id) throw new InputError(`no snapshots in ${snapshotsDir(stateDir)}`);
    return join(snapshotsDir(stateDir), `${id}.json`);
  }
  if (ref.includes('/') || ref.endsWith('.json')) return ref;
  return join(snapshotsDir(stateDir), `${ref}.json`);
}

// A stored snapshot (`ref` as resolveRef takes it, a path included): one in the state dir that cannot be read as a snapshot is moved aside (state.ts)
// before the error goes up, so that the next run does not trip on it again.
export function loadStored(stateDir: string, ref: string): Snapshot {
  const path = resolveRef(stateDir, ref);
  try {
    return loadSnapshot(path);
  } catch (err) {
    const mine = resolve(dirname(path)) === resolve(snapshotsDir(stateDir));
    if (mine && existsSync(path)) quarantine(path, messageOf(err));
    throw err;
  }
}

export function loadSnapshot(path: string): Snapshot {
  let text: string;
  try {
    const buf = readFileSync(path);
    // Snapshots are ASCII but for the odd name or comment; for ASCII, latin1 is the same text and
    // skips UTF-8 decoding: 5 ms of the 50 a large diff spends loading two snapshots (bench/, 2026-11).
    text = buf.toString(isAscii(buf) ? 'latin1' : 'utf8');
  } catch (err) {
    throw new InputError(`cannot read snapshot ${path}: ${messageOf(err)}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`${path}: not JSON: ${messageOf(err)}`);
  }
  const v = (doc as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (v === 1) return fromV1(doc as V1);
  if (v !== SCHEMA_VERSION)
    throw new InputError(`${path}: schemaVersion ${String(v)} is not ${SCHEMA_VERSION}; take a new snapshot`);
  return doc as Snapshot;
}

// A version-1 snapshot (routes as objects): the pre-upgrade snapshot of a guard that upgrades
// itself was written by the old version, and its post-upgrade diff must still work.
type V1 = Omit<Snapshot, 'schemaVersion'> & { schemaVersion: 1 };
function fromV1(doc: V1): Snapshot {
  const routes = doc.probes.routes as { status: string; data?: { routes: unknown } };
  if (routes.status === 'ok' && routes.data && Array.isArray(routes.data.routes)) {
    const grouped: Record<string, string[]> = {};
    for (const r of routes.data.routes as Route[]) {
      const [g, line] = encodeRoute(r);
      (grouped[g] ??= []).push(line);
    }
    routes.data.routes = grouped;
  }
  return { ...doc, schemaVersion: SCHEMA_VERSION };
}
