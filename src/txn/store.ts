// Where transactions live: <state>/txn/current.json while open, <state>/txn/<id>.json once closed.
import { join } from 'node:path';
import { journal, readJson, writeJson } from '../journal.js';
import { TXN_SCHEMA, type Pending, type Txn } from './model.js';

export const KEEP_CLOSED = 50;
const pendingPath = (state: string) => join(state, 'pending.json');
const isTxn = (v: unknown): v is Txn =>
  (v as Txn | null)?.schemaVersion === TXN_SCHEMA && typeof (v as Txn).id === 'string';
const isPending = (v: unknown): v is { pending: Pending[] } =>
  Array.isArray((v as { pending?: unknown } | null)?.pending);
const txns = (state: string) => journal(join(state, 'txn'), isTxn, `a schema ${TXN_SCHEMA} transaction`, KEEP_CLOSED);

// Callers hold the txn lock (fsutil.withLock) around read-modify-write.
export const loadCurrent = (state: string): Txn | null => txns(state).loadCurrent();
export const saveCurrent = (state: string, txn: Txn): void => txns(state).saveCurrent(txn);
export const archiveCurrent = (state: string, txn: Txn): void => txns(state).finish(txn);
export const listClosed = (state: string): string[] => txns(state).listEnded();
export const loadClosed = (state: string, id: string): Txn | null => txns(state).loadEnded(id);

export const loadPending = (state: string): Pending[] =>
  readJson(pendingPath(state), isPending, `a schema ${TXN_SCHEMA} pending list`)?.pending ?? [];

export const savePending = (state: string, pending: Pending[]): void =>
  writeJson(pendingPath(state), { schemaVersion: TXN_SCHEMA, pending });
