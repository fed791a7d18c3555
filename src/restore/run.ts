// The imperative shell around the planner and executor: gather inputs, journal, execute, verify, alert.
import { diff, findingLine } from '../diff/index.js';
import type { AppContext } from '../context.js';
import { readPolicy } from '../policy/cached.js';
import type { Policy } from '../policy/model.js';
import type { Snapshot } from '../snapshot/model.js';
import { loadStored, saveSnapshot } from '../snapshot/store.js';
import { messageOf } from '../errors.js';
import { self } from '../procid.js';
import { takeSnapshot } from '../snapshot/take.js';
import { loadPending, savePending } from '../txn/store.js';
import { alertLines, sendAlerts } from './alert.js';
import { executePlan } from './execute.js';
import { baselineOf } from './baseline.js';
import { refusal } from './ratelimit.js';
import type { RestoreRequest } from './requests.js';
import { finish, hasRunningRestore, listEnded, loadEnded, loadRunning, saveRunning } from './records.js';
import { findNftLoaders } from './loaders.js';
import { RESTORE_SCHEMA, type RestoreRecord } from './model.js';
import { withStateLock } from '../state.js';
import { unitsToProbe } from '../tailscale.js';
import { NO_LOADER, planRestore } from './plan.js';
import { classify } from './verify.js';
import { bump } from './counters.js';

// A restore killed this many times is not resumed again: something kills it, and looping is worse.
export const MAX_RESUMES = 2;

// Builds the record with its plan; nothing is touched.
export async function prepare(ctx: AppContext, req: RestoreRequest, given?: Policy): Promise<RestoreRecord> {
  const policy = given ?? (await readPolicy(ctx.policyDirs)).policy;
  const units = unitsToProbe(policy, req.baseline);
  const live = req.live ?? (await takeSnapshot(ctx.run, { ...ctx.probe, units }, null, ctx.now()));
  // The post-invoke hands over the diff it already made of the same pair.
  const findings = req.live && req.findings ? req.findings : diff(req.baseline, live);
  const owed = [...loadPending(ctx.state).filter((p) => req.modes.includes(p.mode)), ...(req.extraOwed ?? [])];
  const baseline = baselineOf(req.baseline, live);
  const input = { baseline, findings, owed, policy, nftLoaders: [] as string[] };
  let plan = planRestore(input);
  // Finding the ruleset's loader costs a few systemctl calls: only when the plan needs one.
  if (plan.unresolved.some((u) => u.why === NO_LOADER))
    plan = planRestore({ ...input, nftLoaders: await (req.nftLoaders ?? findNftLoaders(ctx.run, policy)) });
  const startedAt = ctx.now().toISOString();
  return {
    schemaVersion: RESTORE_SCHEMA,
    id: `${startedAt.replace(/[:.]/g, '-')}-restore`,
    trigger: req.trigger,
    automatic: req.automatic,
    baseline: req.baselinePath,
    startedAt,
    endedAt: null,
    state: 'running',
    resumes: 0,
    findings: findings.map(findingLine),
    plan,
    steps: plan.steps.map((s) => ({
      id: s.id,
      status: 'pending',
      attempts: 0,
      startedAt: null,
      endedAt: null,
      detail: '',
    })),
    verification: null,
    owed: owed.map((p) => p.unit),
    alerts: [],
    notes: [],
  };
}

// Prepares, gates (automatic ones), executes, verifies. Returns null when there was nothing to do.
export async function restore(ctx: AppContext, req: RestoreRequest): Promise<RestoreRecord | null> {
  const { policy } = await readPolicy(ctx.policyDirs);
  const rec = await prepare(ctx, req, policy);
  if (!rec.plan.steps.length && !rec.plan.unresolved.length) return null;
  return withStateLock(ctx.state, 'restore', async () => {
    if (req.automatic) {
      const recent = listEnded(ctx.state)
        .slice(-20)
        .map((id) => loadEnded(ctx.state, id))
        .filter((r): r is RestoreRecord => r !== null);
      const why = refusal(recent, req.trigger, ctx.now().getTime(), ctx.config.restore.maxPerHour);
      if (why) return conclude(ctx, { ...rec, state: 'refused', notes: [why] });
    }
    rec.owner = self();
    saveRunning(ctx.state, rec);
    return run(ctx, rec, req.baseline, policy);
  });
}

// A restore found still running (its guard was killed): carry it on, or end it when killed too often.
export async function resumeKilled(ctx: AppContext): Promise<RestoreRecord | null> {
  if (!hasRunningRestore(ctx.state)) return null;
  return withStateLock(ctx.state, 'restore', async () => {
    const rec = loadRunning(ctx.state);
    if (!rec) return null;
    if (rec.state !== 'running') return (finish(ctx.state, rec), rec);
    rec.resumes++;
    ctx.log.warn({ restore: rec.id, resumes: rec.resumes }, 'resuming a restore whose guard was killed');
    let baseline: Snapshot | null = null;
    let why = `killed ${rec.resumes} times`;
    try {
      baseline = loadStored(ctx.state, rec.baseline);
    } catch (err) {
      // Without its baseline it cannot be verified: ended, not left to trip every later run.
      why = `its baseline cannot be read (${messageOf(err)})`;
    }
    if (!baseline || rec.resumes > MAX_RESUMES) {
      for (const s of rec.steps.filter((x) => x.status === 'running' || x.status === 'pending'))
        Object.assign(s, { status: 'skipped', detail: `not resumed: ${why}` });
      rec.notes.push(`${why}; not resumed again`);
      rec.state = 'failed';
      return conclude(ctx, rec);
    }
    rec.notes.push(`resumed after the guard was killed (${rec.resumes})`);
    rec.owner = self();
    saveRunning(ctx.state, rec);
    return run(ctx, rec, baseline, (await readPolicy(ctx.policyDirs)).policy);
  });
}

async function run(ctx: AppContext, rec: RestoreRecord, baseline: Snapshot, policy: Policy): Promise<RestoreRecord> {
  const r = ctx.config.restore;
  await executePlan(
    rec,
    {
      run: ctx.run,
      log: ctx.log,
      probe: ctx.probe,
      now: () => ctx.now().getTime(),
      sleep: ctx.sleep,
      save: (x) => saveRunning(ctx.state, x),
    },
    {
      settleTimeoutMs: r.settleTimeoutMs,
      quietMs: r.quietMs,
      stepTimeoutMs: r.stepTimeoutMs,
      // The watch's contract is one attempt per incident: a retried step would be a second restart.
      retries: rec.trigger.kind === 'watch' ? 0 : r.retries,
    },
  );
  const final = await takeSnapshot(
    ctx.run,
    { ...ctx.probe, units: unitsToProbe(policy, baseline) },
    'restored',
    ctx.now(),
  );
  await saveSnapshot(ctx.state, final);
  const { unexpected, expected } = classify(diff(baseline, final));
  rec.verification = {
    snapshot: final.id,
    unexpected: unexpected.map(findingLine),
    expected: expected.map(findingLine),
  };
  const stepsOk = rec.steps.every((s) => s.status === 'done');
  rec.state = !stepsOk ? 'failed' : unexpected.length ? 'unverified' : 'verified';
  return conclude(ctx, rec);
}

// Ends the record: owed restarts it ran are paid, alerts go out, the journal entry is closed.
async function conclude(ctx: AppContext, rec: RestoreRecord): Promise<RestoreRecord> {
  rec.endedAt = ctx.now().toISOString();
  if (rec.state === 'verified' && rec.owed.length)
    savePending(
      ctx.state,
      loadPending(ctx.state).filter((p) => !rec.owed.includes(p.unit)),
    );
  if (ctx.degraded) rec.notes.push(`degraded: ${ctx.degraded}; this restore's record is under ${ctx.state}`);
  if (rec.state !== 'verified' || ctx.config.alerts.onSuccess)
    rec.alerts = await sendAlerts(rec, ctx.config.alerts, ctx.run);
  finish(ctx.state, rec);
  await bump(ctx.state, 'restores', `${rec.trigger.kind}|${rec.state}`).catch((err: unknown) =>
    ctx.log.warn({ restore: rec.id, err: messageOf(err) }, 'metrics: the restore counter cannot be written'),
  );
  const fields = {
    restore: rec.id,
    state: rec.state,
    trigger: `${rec.trigger.kind} ${rec.trigger.id}`,
    alerts: alertLines(rec.alerts),
  };
  if (rec.state === 'verified') ctx.log.info(fields, 'restore verified');
  else {
    const why =
      rec.verification?.unexpected.join('; ') ||
      rec.notes.at(-1) ||
      rec.steps.find((s) => s.status === 'failed')?.detail ||
      '';
    ctx.log.error(fields, `restore ${rec.state}: ${why}`);
  }
  return rec;
}
