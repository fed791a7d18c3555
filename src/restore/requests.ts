// Where a restore starts: the request each trigger hands restore/run.ts, and the baseline it is
// verified against (after a transaction, by hand, or for the owed restarts of a maintenance window).
import { resolve } from 'node:path';
import type { AppContext } from '../context.js';
import type { Finding } from '../diff/index.js';
import { InputError } from '../errors.js';
import type { Policy } from '../policy/model.js';
import type { Snapshot } from '../snapshot/model.js';
import { loadStored, resolveRef } from '../snapshot/store.js';
import { takeSnapshot } from '../snapshot/take.js';
import { unitsToProbe } from '../tailscale.js';
import type { Pending, Txn } from '../txn/model.js';
import { listClosed, loadClosed, loadCurrent } from '../txn/store.js';
import type { Trigger } from './model.js';

export interface RestoreRequest {
  trigger: Trigger;
  automatic: boolean;
  baseline: Snapshot;
  // Where the baseline can be read again (a file path), for a resumed restore.
  baselinePath: string;
  // Which owed restarts to run: guarded ones after dpkg, deferred ones too in a maintenance window.
  modes: Pending['mode'][];
  // State already read after the upgrade, to save a probe round; with the findings of the baseline
  // against it, when the caller has diffed the two already.
  live?: Snapshot;
  findings?: readonly Finding[];
  // Restarts the trigger itself asks for beyond what pending.json owes (the watch: tailscaled, when
  // its backend is stuck and no finding says why).
  extraOwed?: { unit: string; step: 'restart' | 'reload'; reason: string }[];
  // The ruleset's loaders (loaders.ts), when the caller looked them up already, beside its snapshot.
  nftLoaders?: Promise<string[]>;
}

// What the post-invoke saw: its pre snapshot, the post one it took, and their diff.
export interface Observed {
  pre: Snapshot;
  prePath: string;
  post: Snapshot;
  findings: Finding[];
  nftLoaders?: Promise<string[]>;
}

// After a transaction: against its pre snapshot, with what the post-invoke saw when it could see.
export function afterTxn(state: string, txn: Txn & { preSnapshot: string }, seen: Observed | null): RestoreRequest {
  const base = { trigger: { kind: 'txn', id: txn.id } as const, automatic: true, modes: ['guarded' as const] };
  if (seen)
    return {
      ...base,
      baseline: seen.pre,
      baselinePath: seen.prePath,
      live: seen.post,
      findings: seen.findings,
      nftLoaders: seen.nftLoaders,
    };
  const baselinePath = resolveRef(state, txn.preSnapshot);
  return { ...base, baseline: loadStored(state, baselinePath), baselinePath };
}

// By hand: against SNAPSHOT (a file, an id or latest), else the last transaction's pre snapshot.
export function manual(state: string, since?: string): RestoreRequest {
  const baselinePath = resolve(resolveRef(state, since ?? lastPreSnapshot(state)));
  const baseline = loadStored(state, baselinePath);
  return { trigger: { kind: 'manual', id: baseline.id }, automatic: false, baseline, baselinePath, modes: ['guarded'] };
}

function lastPreSnapshot(state: string): string {
  const last =
    loadCurrent(state) ??
    listClosed(state)
      .map((id) => loadClosed(state, id))
      .reverse()
      .find((t) => t?.preSnapshot);
  if (last?.preSnapshot) return last.preSnapshot;
  throw new InputError(`no transaction with a snapshot in ${state}; give --since SNAPSHOT (see apt-netguard list)`);
}

// The owed restarts, guarded and deferred, verified against the state just before they run.
// baselinePath stays empty until the caller saves the baseline (a dry run does not).
export async function owedNow(ctx: AppContext, policy: Policy): Promise<RestoreRequest> {
  const units = unitsToProbe(policy);
  const baseline = await takeSnapshot(ctx.run, { ...ctx.probe, units }, 'baseline', ctx.now());
  return {
    trigger: { kind: 'pending', id: baseline.id },
    automatic: false,
    baseline,
    baselinePath: '',
    modes: ['guarded', 'defer'],
    live: baseline,
  };
}
