// `apt-netguard watch --once`: one look at the network against the last state verified good, and,
// per watch.mode, one restore per incident through the same engine as the post-invoke (restore/run).
import type { AppContext } from '../context.js';
import { diff } from '../diff/index.js';
import { loadPolicy } from '../policy/load.js';
import { groupOf } from '../probes/routes.js';
import { sendWatch, alertLines } from '../restore/alert.js';
import { hasRunningRestore, latest } from '../restore/records.js';
import type { RestoreRecord } from '../restore/model.js';
import { restore } from '../restore/run.js';
import type { Snapshot } from '../snapshot/model.js';
import { loadStored } from '../snapshot/store.js';
import { takeSnapshot } from '../snapshot/take.js';
import { TAILSCALED, TS_IF, isTailscaleAddr, unitsToProbe } from '../tailscale.js';
import { listClosed, loadClosed, loadCurrent } from '../txn/store.js';
import { classify, type Detection, type Signature, type WatchFacts } from './classify.js';
import { outcome, step, type Verdict } from './incidents.js';
import { baselinePath, loadBaseline, loadWatch, saveBaseline, saveWatch, type WatchDoc } from './store.js';

export interface WatchReport {
  mode: string;
  baseline: string;
  detected: Detection[];
  verdict: Omit<Verdict, 'next'>;
  restores: { signature: Signature; state: RestoreRecord['state'] | 'nothing to do' }[];
}

const tsOf = (s: Snapshot) => (s.probes.tailscale.status === 'ok' ? s.probes.tailscale.data : null);
const prefsOf = (s: Snapshot) => {
  const p = tsOf(s)?.prefs;
  return p ? JSON.stringify([p.exitNodeID, p.exitNodeAllowLANAccess, [...p.advertiseRoutes].sort()]) : null;
};
// tailscale's prefs differ on purpose (both known, and not equal).
const prefsChanged = (base: Snapshot, live: Snapshot) =>
  prefsOf(base) !== null && prefsOf(live) !== null && prefsOf(base) !== prefsOf(live);
// tailscale0 holds a Tailscale address.
const tsAddressIn = (s: Snapshot) =>
  s.probes.links.status === 'ok' &&
  s.probes.links.data.links.some((l) => l.ifname === TS_IF && l.addresses.some((a) => isTailscaleAddr(a.local)));

// Pure: the facts classify needs, from the baseline and the state now.
export function factsOf(
  base: Snapshot,
  live: Snapshot,
  doc: WatchDoc,
  now: Date,
  reconnectAfterMs: number,
): WatchFacts {
  const units = live.probes.systemd.status === 'ok' ? live.probes.systemd.data.units : [];
  const main4 = live.probes.routes.status === 'ok' ? (live.probes.routes.data.routes[groupOf(4, 'main')] ?? []) : [];
  const since = doc.notRunningSince ? Date.parse(doc.notRunningSince) : null;
  return {
    findings: diff(base, live),
    prefsChanged: prefsChanged(base, live),
    tailscaledActive: units.some((u) => u.id === TAILSCALED && u.activeState === 'active'),
    backend: tsOf(live)?.backendState ?? null,
    baselineBackend: tsOf(base)?.backendState ?? null,
    tsAddress: tsAddressIn(live),
    defaultRoute: main4.some((l) => l.split(' ')[1] === 'default'),
    notRunningForMs: since === null ? null : now.getTime() - since,
    reconnectAfterMs,
  };
}

// Good enough to become the baseline: tailscale0 with its Tailscale address, and tailscaled Running
// where the tailscale CLI can say so (a host without it is judged by the link alone).
const good = (s: Snapshot) =>
  (s.probes.tailscale.status !== 'ok' || s.probes.tailscale.data.backendState === 'Running') && tsAddressIn(s);

export async function watchOnce(ctx: AppContext): Promise<WatchReport> {
  const cfg = ctx.config.watch;
  const now = ctx.now();
  const report: WatchReport = {
    mode: cfg.mode,
    baseline: '',
    detected: [],
    verdict: { act: [], alerts: [], skipped: [] },
    restores: [],
  };
  if (cfg.mode === 'off') return { ...report, baseline: 'watch.mode is off' };
  const policy = loadPolicy(ctx.policyDirs).policy;
  const standAside = isOpen(loadCurrent(ctx.state)?.state) || hasRunningRestore(ctx.state);
  let doc = loadWatch(ctx.state);
  const base = loadBaseline(ctx.state);
  const live = await takeSnapshot(ctx.run, { ...ctx.probe, units: unitsToProbe(policy, base ?? undefined) }, null, now);
  const fresh = !base ? 'first look' : newerGood(ctx.state, doc.baselineAt);
  if (!base || fresh || (prefsChanged(base, live) && good(live))) {
    // No baseline yet, a newer verified state (the hooks' restore), or tailscale told to do
    // something else on purpose: the state now becomes the baseline, if it is good.
    const why = fresh ?? "tailscale's prefs changed";
    if (good(live) && !standAside) doc = saveBaseline(ctx.state, doc, live, why, now);
    saveWatch(ctx.state, doc);
    return { ...report, baseline: good(live) ? `taken now (${why})` : 'none yet: tailscaled is not Running' };
  }
  report.baseline = `${doc.baselineAt ?? '?'} (${doc.baselineWhy ?? '?'})`;
  doc.notRunningSince = good(live) ? null : (doc.notRunningSince ?? now.toISOString());
  const facts = factsOf(base, live, doc, now, cfg.reconnectAfterMs);
  report.detected = classify(facts);
  const v = step(doc.incidents, report.detected, { now, mode: cfg.mode, standAside, maxPerHour: cfg.maxPerHour });
  doc.incidents = v.next;
  report.verdict = { act: v.act, alerts: v.alerts, skipped: v.skipped };
  for (const d of report.detected) ctx.log.warn({ signature: d.signature, evidence: d.evidence }, 'watch: detected');
  saveWatch(ctx.state, doc);
  for (const line of v.alerts) {
    const sent = await sendWatch(line, ctx.config.alerts, ctx.run);
    ctx.log.error({ alerts: alertLines(sent) }, `watch: ${line}`);
  }
  for (const sig of v.act) {
    const since = (doc.incidents.signatures[sig] as { since?: string } | undefined)?.since ?? now.toISOString();
    const rec = await restore(ctx, {
      trigger: { kind: 'watch', id: `${sig}@${since}` },
      automatic: true,
      baseline: base,
      baselinePath: baselinePath(ctx.state),
      modes: ['guarded'],
      live,
      findings: facts.findings,
      extraOwed:
        sig === 'backend-stuck'
          ? [{ unit: TAILSCALED, step: 'restart', reason: 'tailscaled is up but has not reconnected' }]
          : [],
    });
    const state = rec?.state ?? 'nothing to do';
    report.restores.push({ signature: sig, state });
    ctx.log.info({ signature: sig, restore: rec?.id, state }, `watch: acted on ${sig}`);
    const o = outcome(doc.incidents, sig, state === 'verified' ? 'verified' : 'failed', ctx.now());
    doc.incidents = o.next;
    if (o.alert) ctx.log.error({ signature: sig }, `watch: ${o.alert}`);
    // The restore's own final snapshot is the verified state: no second probe round for it.
    const after =
      state === 'verified' && rec?.verification?.snapshot
        ? verifiedSnapshot(ctx.state, rec.verification.snapshot)
        : null;
    if (after && good(after)) doc = saveBaseline(ctx.state, doc, after, 'a verified restore', ctx.now());
    saveWatch(ctx.state, doc);
  }
  return report;
}

// A restore verified, or a transaction closed with nothing lost, since the baseline was taken: the
// hooks own apt's window, and what they left verified is the state to guard from then on.
function newerGood(state: string, since: string | null): string | null {
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

function verifiedSnapshot(state: string, id: string): Snapshot | null {
  try {
    return loadStored(state, id);
  } catch {
    return null;
  }
}

const isOpen = (s: string | undefined) => s === 'open' || s === 'armed' || s === 'disarmed';

// `apt-netguard accept`: the state now becomes the baseline, whatever it is.
export async function accept(ctx: AppContext): Promise<string> {
  const policy = loadPolicy(ctx.policyDirs).policy;
  const live = await takeSnapshot(ctx.run, { ...ctx.probe, units: unitsToProbe(policy) }, null, ctx.now());
  saveWatch(ctx.state, saveBaseline(ctx.state, loadWatch(ctx.state), live, 'accepted by the admin', ctx.now()));
  return live.id;
}
