// Restore records: <state>/restore/current.json while one runs, <state>/restore/<id>.json once ended.
import { join } from 'node:path';
import { journal } from '../journal.js';
import { RESTORE_SCHEMA, type RestoreRecord } from './model.js';

export const KEEP_RESTORES = 50;
export const restoreDir = (state: string) => join(state, 'restore');
const isRecord = (v: unknown): v is RestoreRecord =>
  (v as RestoreRecord | null)?.schemaVersion === RESTORE_SCHEMA && typeof (v as RestoreRecord).id === 'string';
const records = (state: string) =>
  journal(restoreDir(state), isRecord, `a schema ${RESTORE_SCHEMA} restore record`, KEEP_RESTORES);

// Callers hold the restore lock (fsutil.withLock on restoreDir).
export const hasRunningRestore = (state: string) => records(state).hasCurrent();
export const loadRunning = (state: string) => records(state).loadCurrent();
export const saveRunning = (state: string, rec: RestoreRecord) => records(state).saveCurrent(rec);
export const finish = (state: string, rec: RestoreRecord) => records(state).finish(rec);
export const listEnded = (state: string) => records(state).listEnded();
export const loadEnded = (state: string, id: string) => records(state).loadEnded(id);

// The newest record: a running (or killed) one first, else the last ended one.
export function latest(state: string): RestoreRecord | null {
  const id = listEnded(state).at(-1);
  return loadRunning(state) ?? (id ? loadEnded(state, id) : null);
}
