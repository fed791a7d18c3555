// What the textfile and `apt-netguard check` report, read from the journals once (the state dir
// the hooks use, and the run dir for the watch's mark).
import { alive } from '../procid.js';
import { latest } from '../restore/records.js';
import type { RestoreRecord } from '../restore/model.js';
import { loadCurrent, listClosed, loadClosed, loadPending } from '../txn/store.js';
import type { Txn } from '../txn/model.js';
import { loadAlive, liveness } from '../watch/alive.js';
import { loadWatch } from '../watch/store.js';
import type { MetricsInput } from './exposition.js';
import { loadCounters } from '../restore/counters.js';
import { loadDoctor } from './store.js';

// A verified restore that started after the transaction ended has answered whatever it lost.
export const answered = (txn: Txn | null, restore: RestoreRecord | null): boolean =>
  restore?.state === 'verified' && restore.startedAt >= (txn?.closedAt ?? txn?.openedAt ?? '');

// The last transaction's findings that lost state, unless a verified restore has answered them since.
// Findings written before `lost` existed count as lost.
export const unansweredLoss = (txn: Txn | null, restore: RestoreRecord | null): Txn['findings'] =>
  answered(txn, restore) ? [] : (txn?.findings.filter((f) => f.lost !== false) ?? []);

export const lastTxn = (state: string): Txn | null => {
  const id = listClosed(state).at(-1);
  return loadCurrent(state) ?? (id ? loadClosed(state, id) : null);
};

const seconds = (iso: string | null | undefined) => (iso ? Math.round(Date.parse(iso) / 1000) : null);

export function gatherMetrics(state: string, runDir: string, version: string, now = new Date()): MetricsInput {
  const txn = lastTxn(state);
  const restore = latest(state);
  const ended = restore && restore.state !== 'running' ? restore : null;
  const lost: Record<string, number> = {};
  for (const f of unansweredLoss(txn, restore)) lost[f.kind] = (lost[f.kind] ?? 0) + 1;
  const watch = loadWatch(state);
  const counters = loadCounters(state);
  const service = liveness(loadAlive(runDir), now, (h) => alive(h));
  return {
    version,
    lastTransactionAt: seconds(txn?.closedAt ?? txn?.openedAt),
    lastRestore: ended ? { at: seconds(ended.endedAt) ?? 0, verified: ended.state === 'verified' } : null,
    restores: counters.restores,
    owed: loadPending(state).map((p) => ({ unit: p.unit, mode: p.mode })),
    lost,
    hookFailures: counters.hookFailures,
    probesUnavailable: (txn?.blind ?? []).map((b) => b.probe),
    watch: {
      up: service.running && !service.problem,
      signatures: Object.fromEntries(
        Object.entries(watch.incidents.signatures).map(([sig, st]) => [sig, st.state === 'suspended']),
      ),
    },
    doctor: loadDoctor(state)?.findings ?? null,
  };
}
