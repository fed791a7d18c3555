// What the guard could not see around a dpkg run: kept in the transaction, warned in the journal,
// and the probes that could see remembered for this host (snapshot/blind.ts says why).
import type { AppContext } from '../context.js';
import { blindProbes, seenAfter, type Blind } from '../snapshot/blind.js';
import type { Snapshot } from '../snapshot/model.js';
import type { Txn } from '../txn/model.js';
import { loadSeen, saveSeen } from '../txn/store.js';

// Called under the txn lock, which probes-seen.json shares with the transaction.
export function noteBlind(ctx: AppContext, txn: Txn, snap: Snapshot, when: Blind['when']): void {
  const seen = loadSeen(ctx.state);
  const blind = blindProbes(snap, seen, when);
  if (blind.length) txn.blind = [...(txn.blind ?? []), ...blind];
  for (const b of blind)
    ctx.log.warn({ txn: txn.id, probe: b.probe, when }, `the ${b.probe} probe could not see (${when}): ${b.reason}`);
  const now = seenAfter(seen, snap);
  if (now.length !== seen.size) saveSeen(ctx.state, now);
}
