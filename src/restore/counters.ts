// The counters the textfile reports (metrics/), kept in the state dir so that they survive the
// processes that bump them: restores ended (conclude, run.ts) and hook failures (paths and the
// 'metrics' lock in state.ts).
import { readJson, statePaths, withStateLock, writeJson } from '../state.js';

export interface Counters {
  // `${trigger}|${result}` -> restores ended so.
  restores: Record<string, number>;
  hookFailures: Record<string, number>;
}
const isCounters = (v: unknown): v is Counters =>
  typeof (v as Counters | null)?.restores === 'object' && typeof (v as Counters).hookFailures === 'object';

export const loadCounters = (state: string): Counters =>
  readJson(statePaths(state).counters, isCounters, 'a counters document') ?? { restores: {}, hookFailures: {} };

// Read-modify-write under the lock: two hooks may end at once (a Post-Invoke and the watch).
export async function bump(state: string, family: keyof Counters, key: string): Promise<void> {
  await withStateLock(state, 'metrics', () => {
    const c = loadCounters(state);
    c[family][key] = (c[family][key] ?? 0) + 1;
    writeJson(statePaths(state).counters, c);
  });
}
