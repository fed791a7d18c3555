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

export const LABEL_RE = /^[a-z0-9][a-z0-9_-]{0,31}$/;
