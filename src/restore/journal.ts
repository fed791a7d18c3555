// Restore records: <state>/restore/current.json while one runs, <state>/restore/<id>.json once ended.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, messageOf } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../fsutil.js';
import { RESTORE_SCHEMA, type RestoreRecord } from './model.js';

export const KEEP_RESTORES = 50;
export const restoreDir = (state: string) => join(state, 'restore');
const currentPath = (state: string) => join(restoreDir(state), 'current.json');

function read(path: string): RestoreRecord | null {
  if (!existsSync(path)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: unreadable: ${messageOf(err)}`);
  }
  if ((doc as RestoreRecord | null)?.schemaVersion !== RESTORE_SCHEMA) throw new InputError(`${path}: not a schema ${RESTORE_SCHEMA} restore record`);
  return doc as RestoreRecord;
}

export const hasRunningRestore = (state: string) => existsSync(currentPath(state));

// Callers hold the restore lock (fsutil.withLock on restoreDir).
export const loadRunning = (state: string) => read(currentPath(state));

export function saveRunning(state: string, rec: RestoreRecord): void {
  ensureDir(restoreDir(state));
  writeFileAtomic(currentPath(state), JSON.stringify(rec, null, 1));
}

// The ended record is written under its id before current.json goes: a crash between leaves both,
// and the next run finds the running one already ended and just drops it.
export function finish(state: string, rec: RestoreRecord, keep = KEEP_RESTORES): void {
  writeFileAtomic(join(restoreDir(state), `${rec.id}.json`), JSON.stringify(rec, null, 1));
  rmSync(currentPath(state), { force: true });
  for (const old of listEnded(state).slice(0, -keep)) rmSync(join(restoreDir(state), `${old}.json`), { force: true });
}

export function listEnded(state: string): string[] {
  if (!existsSync(restoreDir(state))) return [];
  return readdirSync(restoreDir(state)).filter((f) => f.endsWith('.json') && f !== 'current.json' && !f.startsWith('.')).map((f) => f.slice(0, -5)).sort();
}

export const loadEnded = (state: string, id: string) => read(join(restoreDir(state), `${id}.json`));

// The newest record: a running (or killed) one first, else the last ended one.
export function latest(state: string): RestoreRecord | null {
  const id = listEnded(state).at(-1);
  return loadRunning(state) ?? (id ? loadEnded(state, id) : null);
}
