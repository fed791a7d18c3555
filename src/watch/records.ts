// What the other journals say happened since the watch last looked: a verified restore or a clean
// transaction of the hooks (a newer baseline), the admin's restore (suspensions lifted), a dpkg run
// or a restore in progress (the watch stands aside). Read only: watch.json keeps one writer.
import { latest } from '../restore/records.js';
import type { Snapshot } from '../snapshot/model.js';
import { loadStored } from '../snapshot/store.js';
import { listClosed, loadClosed } from '../txn/store.js';
import type { WatchDoc } from './store.js';

// A restore verified, or a transaction closed with nothing lost, since the baseline was taken: the
// hooks own apt's window, and what they left verified is the state to guard from then on.
export function newerGood(state: string, since: string | null): string | null {
  const t = since ? Date.parse(since) : 0;
  const rec = latest(state);
  if (rec?.state === 'verified' && rec.endedAt && Date.parse(rec.endedAt) > t && rec.trigger.kind !== 'watch')
    return `a verified restore (${rec.trigger.kind} ${rec.trigger.id})`;
  const id = listClosed(state).at(-1);
  const txn = id ? loadClosed(state, id) : null;
  if (txn?.state === 'closed' && txn.closedAt && Date.parse(txn.closedAt) > t && !txn.findings.some((f) => f.lost))
    return `transaction ${txn.id} closed with nothing lost`;
  return null;
}

// `apt-netguard restore` run by the admin since a signature was suspended lifts the suspension: the
// watch reads it from the restore records, so watch.json keeps one writer.
export function liftedBy(state: string, doc: WatchDoc): string | null {
  const since = Object.values(doc.incidents.signatures).flatMap((s) => (s.state === 'suspended' ? [s.since] : []));
  if (!since.length) return null;
  const rec = latest(state);
  const after =
    rec?.trigger.kind === 'manual' && rec.endedAt && since.some((t) => Date.parse(rec.endedAt!) > Date.parse(t));
  return after ? rec.id : null;
}

export function verifiedSnapshot(state: string, id: string): Snapshot | null {
  try {
    return loadStored(state, id);
  } catch {
    return null;
  }
}

export const isOpen = (s: string | undefined) => s === 'open' || s === 'armed' || s === 'disarmed';
