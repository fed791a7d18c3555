// The executor: runs a plan's steps in order, each bounded by a timeout and checked by its
// post-conditions, journaling every transition so a killed run can be picked up where it stopped.
import type { Run } from '../exec.js';
import type { ProbeContext } from '../probes/types.js';
import type { Log } from '../log.js';
import { messageOf } from '../errors.js';
import { activeState } from '../probes/systemd.js';
import { hopeless, readLive, unmetAll, type Live } from './checks.js';
import type { RestoreRecord, Step, StepRun } from './model.js';
import { routeArgv, ruleArgv } from './replay.js';
import { waitSettled } from './settle.js';

export interface ExecIO {
  run: Run;
  log: Log;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  probe: Omit<ProbeContext, 'units'>;
  // Persists the record (atomically); called before and after every step transition.
  save: (rec: RestoreRecord) => void;
}
export interface Limits {
  settleTimeoutMs: number;
  quietMs: number;
  stepTimeoutMs: number;
  retries: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function executePlan(rec: RestoreRecord, io: ExecIO, lim: Limits): Promise<void> {
  // After a recent networkd restart, a quiet window can be a lull in its flush (nothing left to
  // delete): what a step puts back must still be there `hold` ms later. Unknown (resumed): hold.
  const hold = { ms: lim.quietMs };
  for (const step of rec.plan.steps) {
    const sr = rec.steps.find((s) => s.id === step.id)!;
    if (sr.status === 'done' || sr.status === 'failed' || sr.status === 'skipped') continue;
    const blocked = step.after.filter((d) => rec.steps.find((s) => s.id === d)?.status !== 'done');
    if (blocked.length) {
      mark(rec, sr, io, 'skipped', `not run: ${blocked.join(', ')} did not succeed`);
      continue;
    }
    await runStep(rec, step, sr, io, lim, hold);
  }
}

function mark(rec: RestoreRecord, sr: StepRun, io: ExecIO, status: StepRun['status'], detail: string): void {
  sr.status = status;
  sr.detail = detail;
  if (status !== 'running') sr.endedAt = iso(io.now());
  io.save(rec);
  const fields = { restore: rec.id, step: sr.id, status, attempts: sr.attempts };
  if (status === 'failed') io.log.error(fields, detail);
  else io.log.info(fields, detail);
}

const settle = (io: ExecIO, lim: Limits) =>
  waitSettled({ run: io.run, now: io.now, sleep: io.sleep }, lim.settleTimeoutMs, lim.quietMs);

async function runStep(
  rec: RestoreRecord,
  step: Step,
  sr: StepRun,
  io: ExecIO,
  lim: Limits,
  hold: { ms: number },
): Promise<void> {
  // Attempts are counted before acting, so a guard killed mid-step and resumed still stops at the bound.
  while (sr.attempts < 1 + lim.retries) {
    sr.attempts++;
    sr.startedAt ??= iso(io.now());
    mark(rec, sr, io, 'running', `attempt ${sr.attempts} of ${1 + lim.retries}`);
    let why: string;
    try {
      if (step.op === 'settle') {
        const r = await settle(io, lim);
        hold.ms = r.recent ? lim.quietMs : 0;
        // Restoring late beats not restoring: an unsettled networkd is noted, and verification has the last word.
        return mark(rec, sr, io, 'done', r.detail);
      }
      // A retry waits for networkd again: the usual reason a put-back route vanished is a flush still going on.
      if (sr.attempts > 1) await settle(io, lim);
      await act(step, io, lim);
      why = await awaitChecks(step, io, lim.stepTimeoutMs, hold.ms);
      if (!why) return mark(rec, sr, io, 'done', `${step.checks.length} post-conditions hold`);
    } catch (err) {
      why = messageOf(err);
    }
    sr.detail = why;
    io.log.warn({ restore: rec.id, step: step.id, attempt: sr.attempts }, `step did not succeed: ${why}`);
  }
  mark(rec, sr, io, 'failed', `gave up after ${sr.attempts} attempts: ${sr.detail}`);
}

async function act(step: Step, io: ExecIO, lim: Limits): Promise<void> {
  const t = { timeoutMs: lim.stepTimeoutMs };
  if (step.op === 'replay-routes') {
    for (const r of step.routes ?? []) await io.run(routeArgv(r), t);
    // A rule put back meanwhile (tailscaled re-adds its own) makes `ip rule add` fail: that is fine.
    for (const r of step.rules ?? []) await io.run(ruleArgv(r), t).catch(() => {});
    return;
  }
  const unit = step.unit!;
  // NOTE: a unit that hit its start limit (networkd: StartLimitBurst=5 per 10 s) refuses to start until reset-failed.
  const state = await activeState(io.run, unit, lim.stepTimeoutMs);
  if (state === 'failed') await io.run(['systemctl', 'reset-failed', unit], t).catch(() => {});
  await io.run(['systemctl', step.op === 'reload' ? 'reload-or-restart' : 'restart', unit], t);
}

// Between two looks at a step's post-conditions (each look is one probe round, ~25 ms in the lab):
// tailscaled's address and routes come ~0.3 s after its start, and each ms past that is apt's.
const POLL_MS = 50;

// Polls the post-conditions until they hold (and still hold `holdMs` later) or the step's time is
// up; '' when they hold. Lost again after holding means the attempt failed, at once.
async function awaitChecks(step: Step, io: ExecIO, timeoutMs: number, holdMs: number): Promise<string> {
  const deadline = io.now() + timeoutMs;
  let live: Live = {};
  const unmet = async () => unmetAll(step.checks, (live = await readLive(io.run, step.checks, io.probe)));
  for (;;) {
    const why = await unmet();
    // A unit that failed will not become active by waiting: the attempt ends now, not at the deadline.
    const dead = hopeless(step.checks, live);
    if (dead) return why.join('; ');
    if (!why.length) {
      if (holdMs <= 0) return '';
      await io.sleep(holdMs);
      const again = await unmet();
      return again.length ? `held, then lost again within ${holdMs} ms: ${again.join('; ')}` : '';
    }
    if (io.now() >= deadline) return why.join('; ');
    await io.sleep(POLL_MS);
  }
}
