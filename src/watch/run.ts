// `apt-netguard watch --once`: one look at the network against the last state verified good, and,
// per watch.mode, one restore per incident through the same engine as the post-invoke (restore/run).
import type { AppContext } from '../context.js';
import { readPolicy } from '../policy/cached.js';
import { read as readTailscale } from '../probes/tailscale.js';
import { sendWatch, alertLines } from '../restore/alert.js';
import { hasRunningRestore } from '../restore/records.js';
import type { RestoreRecord } from '../restore/model.js';
import { restore } from '../restore/run.js';
import { takeSnapshot } from '../snapshot/take.js';
import { TAILSCALED, unitsToProbe } from '../tailscale.js';
import { loadCurrent } from '../txn/store.js';
import { classify, type Detection, type Signature } from './classify.js';
import { factsOf, good, prefsChanged, prefsKey } from './facts.js';
import { lift, outcome, step, type Verdict } from './incidents.js';
import { isOpen, liftedBy, newerGood, verifiedSnapshot } from './records.js';
import { baselinePath, loadBaseline, loadWatch, saveBaseline, saveWatch } from './store.js';

export interface WatchReport {
  mode: string;
  baseline: string;
  detected: Detection[];
  verdict: Omit<Verdict, 'next'>;
  restores: { signature: Signature; state: RestoreRecord['state'] | 'nothing to do' }[];
  // A dpkg run or a restore owned the window: nothing was looked at (the daemon looks again soon).
  stoodAside?: boolean;
}

// The heartbeat's cheap question: nothing open, nothing counting, tailscale Running with an address
// and the baseline's prefs. Yes means no full look is needed; a host without the tailscale CLI
// always gets one.
export async function quietBeat(ctx: AppContext): Promise<boolean> {
  const doc = loadWatch(ctx.state);
  // A newer verified state of the hooks' (after an apt run) is taken up by a full look.
  if (!doc.baselineAt || doc.notRunningSince || newerGood(ctx.state, doc.baselineAt)) return false;
  if (Object.values(doc.incidents.signatures).some((s) => s.state !== 'ok')) return false;
  const ts = await readTailscale(ctx.run, { ...ctx.probe, units: [] });
  if (ts.status !== 'ok') return false;
  const prefsSame = doc.baselinePrefs === undefined || prefsKey(ts.data) === doc.baselinePrefs;
  return ts.data.backendState === 'Running' && ts.data.selfIPs.length > 0 && prefsSame;
}

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
  const { policy } = await readPolicy(ctx.policyDirs);
  const hooksOwn = () => isOpen(loadCurrent(ctx.state)?.state) || hasRunningRestore(ctx.state);
  const aside = { ...report, baseline: 'standing aside: a dpkg run or a restore is in progress', stoodAside: true };
  // The hooks own this window: no probes during a dpkg run, nothing to compare until it is over.
  if (hooksOwn()) return aside;
  let doc = loadWatch(ctx.state);
  const base = loadBaseline(ctx.state);
  const live = await takeSnapshot(ctx.run, { ...ctx.probe, units: unitsToProbe(policy, base ?? undefined) }, null, now);
  // apt may have opened its window while the snapshot was taken: what it saw is the hooks' to judge.
  if (hooksOwn()) return aside;
  const fresh = !base ? 'first look' : newerGood(ctx.state, doc.baselineAt);
  if (!base || fresh || (prefsChanged(base, live) && good(live))) {
    // No baseline yet, a newer verified state (the hooks' restore), or tailscale told to do
    // something else on purpose: the state now becomes the baseline, if it is good.
    const why = fresh ?? "tailscale's prefs changed";
    if (good(live)) doc = saveBaseline(ctx.state, doc, live, why, now);
    saveWatch(ctx.state, doc);
    return { ...report, baseline: good(live) ? `taken now (${why})` : 'none yet: tailscaled is not Running' };
  }
  report.baseline = `${doc.baselineAt ?? '?'} (${doc.baselineWhy ?? '?'})`;
  doc.notRunningSince = good(live) ? null : (doc.notRunningSince ?? now.toISOString());
  const lifted = liftedBy(ctx.state, doc);
  if (lifted) {
    doc.incidents = lift(doc.incidents);
    ctx.log.info({ restore: lifted }, "watch: suspensions lifted by the admin's restore");
  }
  const facts = factsOf(base, live, doc, now, cfg.reconnectAfterMs);
  report.detected = classify(facts);
  const v = step(doc.incidents, report.detected, {
    now,
    mode: cfg.mode,
    standAside: hooksOwn(),
    maxPerHour: cfg.maxPerHour,
  });
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
    // A stuck backend alerts either way; a failed restore has already sent the engine's alert.
    if (sig === 'backend-stuck' && state === 'verified') {
      const line = `${sig}: tailscaled was not Running; restarted once, now Running (restore ${rec?.id}, verified)`;
      ctx.log.warn({ signature: sig, alerts: alertLines(await sendWatch(line, ctx.config.alerts, ctx.run)) }, line);
    }
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

// `apt-netguard accept`: the state now becomes the baseline, whatever it is.
export async function accept(ctx: AppContext): Promise<string> {
  const { policy } = await readPolicy(ctx.policyDirs);
  const live = await takeSnapshot(ctx.run, { ...ctx.probe, units: unitsToProbe(policy) }, null, ctx.now());
  saveWatch(ctx.state, saveBaseline(ctx.state, loadWatch(ctx.state), live, 'accepted by the admin', ctx.now()));
  return live.id;
}
