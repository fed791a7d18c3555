// DPkg::Post-Invoke: disarm first, fold in the requests, record what is owed, diff and report.
import { diff, findingLine } from '../diff/index.js';
import { isUnexpected, recreatedLinks } from '../restore/verify.js';
import { messageOf } from '../errors.js';
import { readPolicy } from '../policy/cached.js';
import type { Policy } from '../policy/model.js';
import { topoOrder } from '../policy/order.js';
import { saveSnapshot, loadStored, resolveRef } from '../snapshot/store.js';
import { takeSnapshot } from '../snapshot/take.js';
import { disarmDropIns, disarmGates } from '../txn/arm.js';
import { addPending, parseRequestLines, type Txn } from '../txn/model.js';
import { afterRun, loadVetoes, saveVetoes } from '../txn/vetoes.js';
import { archiveCurrent, loadCurrent, loadPending, saveCurrent, savePending } from '../txn/store.js';
import type { AppContext } from '../context.js';
import type { Observed } from '../restore/requests.js';
import { withStateLock } from '../state.js';
import { unitsToProbe } from '../tailscale.js';
import { alertLines, sendDegraded } from '../restore/alert.js';
import { findNftLoaders } from '../restore/loaders.js';
import { restoreAfter, resumeSafely } from './handoff.js';
import { noteBlind } from './sight.js';

// The early Post-Invoke (before needrestart's): only the drop-ins go, so needrestart's requests
// reach our restart.d scripts instead of being "refused by systemd"; the gates stay armed.
export async function postDpkg(ctx: AppContext): Promise<void> {
  const removed = await disarmDropIns(ctx.dirs, ctx.run);
  if (removed.length) ctx.log.info({ units: removed }, 'RefuseManualStop drop-ins removed');
}

export async function postInvoke(ctx: AppContext): Promise<Txn | null> {
  const closed = await withStateLock(ctx.state, 'txn', async () => {
    const txn = loadCurrent(ctx.state);
    // Post-Invoke runs twice for some steps: the second finds nothing open, and that is fine.
    if (!txn) return (await disarmDropIns(ctx.dirs, ctx.run), disarmGates(ctx.dirs), null);
    return { txn, seen: await closeTxn(ctx, txn, 'closed') };
  });
  // A restore killed earlier is finished first; then this transaction's own, outside the txn lock.
  await resumeSafely(ctx);
  // Most dpkg runs: nothing owed and nothing changed. No plan, no loader lookup, no restore record.
  const idle = closed?.seen?.findings.length === 0 && !loadPending(ctx.state).some((p) => p.mode === 'guarded');
  if (idle) ctx.log.debug({ txn: closed.txn.id }, 'nothing owed, nothing changed: no restore');
  else if (closed) await restoreAfter(ctx, closed.txn, closed.seen);
  if (closed && ctx.degraded) {
    const sent = await sendDegraded(closed.txn.id, ctx.degraded, ctx.config.alerts, ctx.run);
    ctx.log.error({ txn: closed.txn.id, alerts: alertLines(sent) }, ctx.degraded);
  }
  return closed?.txn ?? null;
}

// Also used for a transaction found still open by the next run (killed guard or apt).
export async function reconcile(ctx: AppContext, txn: Txn, why: string): Promise<void> {
  txn.notes.push(`reconciled: ${why}`);
  ctx.log.warn({ txn: txn.id }, `closing a transaction left open: ${why}`);
  await closeTxn(ctx, txn, 'abandoned');
}

// Returns what it saw (pre, post and their diff), when a post snapshot could be taken.
async function closeTxn(ctx: AppContext, txn: Txn, final: 'closed' | 'abandoned'): Promise<Observed | null> {
  await disarmDropIns(ctx.dirs, ctx.run);
  txn.requests.push(...parseRequestLines(disarmGates(ctx.dirs)));
  for (const a of txn.armed.filter((x) => x.dropIn)) {
    // NOTE: systemd answers a refused job to the caller only (D-Bus error); nothing is logged to read back.
    txn.notes.push(`${a.unit}: RefuseManualStop was armed; any systemctl restart from a maintainer script was refused`);
  }
  txn.state = 'disarmed';
  saveCurrent(ctx.state, txn);
  // A killed run's refused requests are owed too: the restarts they asked for never happened.
  const { policy } = await readPolicy(ctx.policyDirs);
  if (txn.invocations) saveVetoes(ctx.state, afterRun(loadVetoes(ctx.state), txn.decisions, txn.invocations, txn.id));
  const due = owed(policy, txn);
  savePending(
    ctx.state,
    addPending(loadPending(ctx.state), txn, due, (u) => policy.units[u]?.action ?? 'restart'),
  );
  // A restore follows (restore.auto, guarded restarts owed): the ruleset's loader it may need is
  // looked up beside the post snapshot, not after it (a few systemctl calls, ~50 ms in the lab).
  const restoring = ctx.config.restore.auto && due.some((o) => o.mode === 'guarded');
  const seen = final === 'closed' ? await report(ctx, txn, policy, restoring) : null;
  txn.state = final;
  txn.closedAt = ctx.now().toISOString();
  archiveCurrent(ctx.state, txn);
  ctx.log.info(
    { txn: txn.id, state: final, requests: txn.requests.length, findings: txn.findings.length },
    'transaction closed',
  );
  return seen;
}

// Guarded units: those a rule decided, plus those a gate refused under their default mode.
function guardedUnits(policy: Policy, txn: Txn): string[] {
  const units = new Set([...txn.order, ...txn.requests.filter((r) => r.decision === 'guarded').map((r) => r.unit)]);
  const { order, cycle } = topoOrder([...units], (u) => policy.units[u]?.after ?? []);
  return [...order, ...cycle];
}

// What is owed after this run, in order: guarded units (the restore runs them next), then deferred ones.
function owed(policy: Policy, txn: Txn): { unit: string; mode: 'guarded' | 'defer' }[] {
  const deferred = new Set([...txn.deferred, ...txn.requests.filter((r) => r.decision === 'defer').map((r) => r.unit)]);
  const guarded = guardedUnits(policy, txn).filter((u) => !deferred.has(u));
  return [
    ...guarded.map((unit) => ({ unit, mode: 'guarded' as const })),
    ...[...deferred].map((unit) => ({ unit, mode: 'defer' as const })),
  ];
}

async function report(ctx: AppContext, txn: Txn, policy: Policy, restoring: boolean): Promise<Observed | null> {
  if (!txn.preSnapshot) return null;
  try {
    const prePath = resolveRef(ctx.state, txn.preSnapshot);
    const pre = loadStored(ctx.state, prePath);
    const probe = { ...ctx.probe, units: unitsToProbe(policy, pre), meanwhile: ctx.log.prepare };
    const nftLoaders = restoring ? findNftLoaders(ctx.run, policy) : undefined;
    const post = await takeSnapshot(ctx.run, probe, 'post', ctx.now());
    await saveSnapshot(ctx.state, post);
    noteBlind(ctx, txn, post, 'post');
    const found = diff(pre, post);
    const recreated = recreatedLinks(found);
    txn.findings = found.map((f) => ({
      kind: f.kind,
      severity: f.severity,
      text: findingLine(f),
      lost: isUnexpected(f, recreated),
    }));
    for (const f of txn.findings)
      (f.lost ? ctx.log.warn : ctx.log.info).call(ctx.log, { txn: txn.id, kind: f.kind }, f.text);
    return { pre, prePath, post, findings: found, nftLoaders };
  } catch (err) {
    txn.notes.push(`report: ${messageOf(err)}`);
    return null;
  }
}
