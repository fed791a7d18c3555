// The watch service's mark in the run dir, apart from the watch's state (store.ts): the hooks read
// it too (lifecycle/watchapt.ts), and need nothing else of the watch.
import { rmSync } from 'node:fs';
import { isHolder, type Holder } from '../procid.js';
import { readJson, runPaths, writeJson } from '../state.js';

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
