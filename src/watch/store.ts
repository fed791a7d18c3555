// The watch's own state: its incidents (watch.json) and the snapshot last verified good
// (watch-baseline.json). Paths from state.ts; written atomically like every other document.
import { existsSync, rmSync } from 'node:fs';
import { messageOf } from '../errors.js';
import type { Snapshot } from '../snapshot/model.js';
import { loadSnapshot } from '../snapshot/store.js';
import { isHolder, type Holder } from '../procid.js';
import { quarantine, readJson, runPaths, statePaths, writeJson } from '../state.js';
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

// The running service's mark in the run dir: written at start and at each heartbeat, removed at a
// clean stop. Left behind by a crash, or not renewed by a hung loop, it tells status so.
export interface WatchAlive {
  holder: Holder;
  startedAt: string;
  beatAt: string;
  heartbeatMs: number;
}
const isAlive = (v: unknown): v is WatchAlive =>
  typeof v === 'object' &&
  v !== null &&
  isHolder((v as WatchAlive).holder) &&
  typeof (v as WatchAlive).beatAt === 'string';
export const markAlive = (run: string, a: WatchAlive): void => writeJson(runPaths(run).watch, a);
export const clearAlive = (run: string): void => rmSync(runPaths(run).watch, { force: true });
export const loadAlive = (run: string): WatchAlive | null => readJson(runPaths(run).watch, isAlive, 'the watch mark');

// Pure: what status says of the service. Its process gone, or 3 heartbeats missed, is trouble.
export function liveness(
  a: WatchAlive | null,
  now: Date,
  running: (h: Holder) => boolean,
): { running: boolean; line: string; problem: string | null } {
  if (!a) return { running: false, line: 'watch: the service is not running', problem: null };
  if (!running(a.holder))
    return {
      running: false,
      line: `watch: the service (pid ${a.holder.pid}) is gone`,
      problem: `the watch service (pid ${a.holder.pid}) ended without stopping; systemctl status apt-netguard-watch`,
    };
  const age = now.getTime() - Date.parse(a.beatAt);
  if (age > 3 * a.heartbeatMs)
    return {
      running: true,
      line: `watch: running (pid ${a.holder.pid}), no heartbeat for ${Math.round(age / 1000)} s`,
      problem: `the watch service (pid ${a.holder.pid}) has missed its heartbeat for ${Math.round(age / 1000)} s`,
    };
  return { running: true, line: `watch: running since ${a.startedAt} (pid ${a.holder.pid})`, problem: null };
}
