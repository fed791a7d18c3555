// The watch's own state: its incidents (watch.json) and the snapshot last verified good
// (watch-baseline.json). Paths from state.ts; written atomically like every other document.
import { existsSync } from 'node:fs';
import { messageOf } from '../errors.js';
import type { Snapshot } from '../snapshot/model.js';
import { loadSnapshot } from '../snapshot/store.js';
import { quarantine, readJson, statePaths, writeJson } from '../state.js';
import { prefsOf } from './facts.js';
import { emptyWatch, type WatchState } from './incidents.js';

export interface WatchDoc {
  incidents: WatchState;
  // Since when tailscaled has been up but not Running (or without its address); null while it is.
  notRunningSince: string | null;
  // When the baseline was taken, and why (boot, a verified restore, a closed transaction, accept).
  baselineAt: string | null;
  baselineWhy: string | null;
  // The baseline's routing prefs (facts.ts prefsKey), for the heartbeat's cheap comparison.
  baselinePrefs?: string | null;
}

const empty = (): WatchDoc => ({ incidents: emptyWatch(), notRunningSince: null, baselineAt: null, baselineWhy: null });
const isDoc = (v: unknown): v is WatchDoc =>
  typeof v === 'object' && v !== null && typeof (v as WatchDoc).incidents === 'object';

export const loadWatch = (state: string): WatchDoc =>
  readJson(statePaths(state).watch, isDoc, 'the watch state') ?? empty();
export const saveWatch = (state: string, doc: WatchDoc): void => writeJson(statePaths(state).watch, doc);

// A baseline that cannot be read is moved aside like any corrupt file: the watch then re-baselines.
export function loadBaseline(state: string): Snapshot | null {
  const path = statePaths(state).watchBaseline;
  if (!existsSync(path)) return null;
  try {
    return loadSnapshot(path);
  } catch (err) {
    quarantine(path, messageOf(err));
    return null;
  }
}

export function saveBaseline(state: string, doc: WatchDoc, snap: Snapshot, why: string, now: Date): WatchDoc {
  writeJson(statePaths(state).watchBaseline, snap);
  return { ...doc, baselineAt: now.toISOString(), baselineWhy: why, baselinePrefs: prefsOf(snap) };
}
export const baselinePath = (state: string): string => statePaths(state).watchBaseline;
