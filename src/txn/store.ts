// Where transactions live: <state>/txn/current.json while open, <state>/txn/<id>.json once closed.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, messageOf } from '../errors.js';
import { ensureDir, writeFileAtomic } from '../fsutil.js';
import { TXN_SCHEMA, type Pending, type Txn } from './model.js';

export const KEEP_CLOSED = 50;
const txnDir = (state: string) => join(state, 'txn');
const currentPath = (state: string) => join(txnDir(state), 'current.json');
const pendingPath = (state: string) => join(state, 'pending.json');

function readJson<T>(path: string, check: (v: unknown) => v is T): T | null {
  if (!existsSync(path)) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(`${path}: unreadable: ${messageOf(err)}`);
  }
  if (!check(doc)) throw new InputError(`${path}: not a schema ${TXN_SCHEMA} document`);
  return doc;
}
const isTxn = (v: unknown): v is Txn => (v as Txn | null)?.schemaVersion === TXN_SCHEMA && typeof (v as Txn).id === 'string';
const isPending = (v: unknown): v is { pending: Pending[] } => Array.isArray((v as { pending?: unknown } | null)?.pending);

// Callers hold the state-dir lock (fsutil.withLock) around read-modify-write.
export const loadCurrent = (state: string): Txn | null => readJson(currentPath(state), isTxn);

export function saveCurrent(state: string, txn: Txn): void {
  ensureDir(txnDir(state));
  writeFileAtomic(currentPath(state), JSON.stringify(txn, null, 1));
}

// Closing writes the final document under its id, then drops current.json: a crash in between
// leaves both, and the next run sees current.json again and closes it again, harmlessly.
export function archiveCurrent(state: string, txn: Txn, keep = KEEP_CLOSED): void {
  ensureDir(txnDir(state));
  writeFileAtomic(join(txnDir(state), `${txn.id}.json`), JSON.stringify(txn, null, 1));
  rmSync(currentPath(state), { force: true });
  for (const old of listClosed(state).slice(0, -keep)) rmSync(join(txnDir(state), `${old}.json`), { force: true });
}

export function listClosed(state: string): string[] {
  if (!existsSync(txnDir(state))) return [];
  return readdirSync(txnDir(state)).filter((f) => f.endsWith('.json') && f !== 'current.json' && !f.startsWith('.')).map((f) => f.slice(0, -5)).sort();
}

export function loadClosed(state: string, id: string): Txn | null {
  return readJson(join(txnDir(state), `${id}.json`), isTxn);
}

export const loadPending = (state: string): Pending[] => readJson(pendingPath(state), isPending)?.pending ?? [];

export function savePending(state: string, pending: Pending[]): void {
  ensureDir(state);
  writeFileAtomic(pendingPath(state), JSON.stringify({ schemaVersion: TXN_SCHEMA, pending }, null, 1));
}

