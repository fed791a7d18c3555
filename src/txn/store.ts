// Transactions (txn/current.json while open, txn/<id>.json once closed) and pending.json; paths in state.ts.
import { KEEP_TXNS, journal, readJson, statePaths, writeJson } from '../state.js';
import { TXN_SCHEMA, type Pending, type Txn } from './model.js';

const isTxn = (v: unknown): v is Txn =>
  (v as Txn | null)?.schemaVersion === TXN_SCHEMA && typeof (v as Txn).id === 'string';
const isPending = (v: unknown): v is { pending: Pending[] } =>
  Array.isArray((v as { pending?: unknown } | null)?.pending);
const txns = (state: string) => journal(statePaths(state).txn, isTxn, `a schema ${TXN_SCHEMA} transaction`, KEEP_TXNS);

// Callers hold the 'txn' lock (state.ts) around read-modify-write.
export const loadCurrent = (state: string): Txn | null => txns(state).loadCurrent();
export const saveCurrent = (state: string, txn: Txn): void => txns(state).saveCurrent(txn);
export const archiveCurrent = (state: string, txn: Txn): void => txns(state).finish(txn);
export const listClosed = (state: string): string[] => txns(state).listEnded();
export const loadClosed = (state: string, id: string): Txn | null => txns(state).loadEnded(id);

const isSeen = (v: unknown): v is { seen: string[] } => Array.isArray((v as { seen?: unknown } | null)?.seen);
export const loadSeen = (state: string): Set<string> =>
  new Set(readJson(statePaths(state).probesSeen, isSeen, 'a list of probes')?.seen ?? []);
export const saveSeen = (state: string, seen: string[]): void => writeJson(statePaths(state).probesSeen, { seen });

export const loadPending = (state: string): Pending[] =>
  readJson(statePaths(state).pending, isPending, `a schema ${TXN_SCHEMA} pending list`)?.pending ?? [];

export const savePending = (state: string, pending: Pending[]): void =>
  writeJson(statePaths(state).pending, { schemaVersion: TXN_SCHEMA, pending });
