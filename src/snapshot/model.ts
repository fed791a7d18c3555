// The versioned snapshot document: what every probe said at one moment on one host.
import type { probes, ProbeName } from '../probes/index.js';

// 2: routes are lines (probes/routes.ts), not objects. Version 1 files still load (store.ts).
export const SCHEMA_VERSION = 2;

export type ProbeResults = { [K in ProbeName]: Awaited<ReturnType<(typeof probes)[K]['read']>> };

export interface Snapshot {
  schemaVersion: typeof SCHEMA_VERSION;
  id: string;
  label: string | null;
  host: string;
  takenAt: string;
  probes: ProbeResults;
}

// Sortable by name: `2026-11-22T21-42-32-123Z` plus an optional label (`-pre`).
export function makeId(now: Date, label: string | null): string {
  const t = now.toISOString().replace(/[:.]/g, '-');
  return label ? `${t}-${label}` : t;
}

// The id a millisecond later, label kept: where two snapshots were taken in the same millisecond.
// An id of another form gets a counter.
export function nextId(id: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)-(\d{3})Z(.*)$/.exec(id);
  const t = m ? Date.parse(`${m[1]}:${m[2]}:${m[3]}.${m[4]}Z`) : NaN;
  if (!m || Number.isNaN(t)) return /-(\d+)$/.test(id) ? id.replace(/\d+$/, (n) => String(Number(n) + 1)) : `${id}-1`;
  return `${new Date(t + 1).toISOString().replace(/[:.]/g, '-')}${m[5]}`;
}

export const LABEL_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
