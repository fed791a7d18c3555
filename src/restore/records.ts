// Restore records: restore/current.json while one runs, restore/<id>.json once ended (state.ts).
import { KEEP_RESTORES, journal, statePaths } from '../state.js';
import { RESTORE_SCHEMA, type RestoreRecord } from './model.js';

const isRecord = (v: unknown): v is RestoreRecord =>
  (v as RestoreRecord | null)?.schemaVersion === RESTORE_SCHEMA && typeof (v as RestoreRecord).id === 'string';
const records = (state: string) =>
  journal(statePaths(state).restore, isRecord, `a schema ${RESTORE_SCHEMA} restore record`, KEEP_RESTORES);

// Callers hold the 'restore' lock (state.ts) around read-modify-write.
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
