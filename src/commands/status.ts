// `apt-netguard status`: the open or last transaction, the last restore, and the restarts still owed.
import { out } from '../stdout.js';
import { EXIT, UsageError } from '../errors.js';
import { formatRecord } from '../restore/format.js';
import { latest } from '../restore/records.js';
import type { RestoreRecord } from '../restore/model.js';
import type { Pending, Txn } from '../txn/model.js';
import { loadCurrent, loadPending } from '../txn/store.js';
import { answered, lastTxn, unansweredLoss } from '../metrics/gather.js';
import { loadConfig } from '../config/load.js';
import { loadPolicy } from '../policy/load.js';
import { requireAccess, stateFor } from '../state.js';
import { liveness, loadAlive } from '../watch/alive.js';
import { loadWatch, type WatchDoc } from '../watch/store.js';
import { alive } from '../procid.js';
import { COMMON, POLICY_FLAGS, parse, settingsOf } from './options.js';

export const help = `Usage: apt-netguard status [--json]

Shows the open transaction (a dpkg run in progress, or one killed mid-way), else the last closed
one: packages, decisions, requests refused and who asked, findings against the pre snapshot. Then
the last restore: what it found, each step and its outcome, whether the result was verified, and
the alerts sent. Then the restarts still owed, in order (guarded, then deferred).

Exit status: 0 all well; 1 the last restore failed or was not verified, restarts are owed, the
last transaction lost state and no verified restore followed, or a policy file is broken (the
shipped defaults apply until it is fixed); 2 usage error.

Options:
  --json              machine-readable output
  --state-dir DIR     default $APT_NETGUARD_STATE_DIR or /var/lib/apt-netguard
  --policy-dir DIR    admin policy dir (default $APT_NETGUARD_POLICIES_D or /etc/apt-netguard/policies.d)
`;

// What else status looks at, beyond the journals.
export interface Also {
  // Errors in the policy files: the shipped defaults apply alone until they are fixed.
  policy?: readonly string[];
  // Problems in config.yaml: errors (its defaults apply) and warnings (credentials others can read).
  config?: readonly string[];
  // Why the state dir cannot be written, when it cannot (the hooks keep their state under /run).
  stateDir?: string | null;
  // For a restore journaled as running: whether its process still runs (null: no owner recorded).
  restoreAlive?: boolean | null;
  // The watch's incidents: a suspended signature needs the admin (or the state to come good).
  watch?: WatchDoc['incidents'];
}

// A running restore whose process is gone was interrupted: its own record cannot say so.
export function restoreState(restore: RestoreRecord | null, isAlive = alive): { state: string; alive: boolean | null } {
  if (restore?.state !== 'running') return { state: restore?.state ?? '', alive: null };
  if (!restore.owner) return { state: 'running', alive: null };
  const up = isAlive(restore.owner);
  return { state: up ? 'running' : 'interrupted', alive: up };
}

// Pure: is there something an admin must look at?
export function troubled(
  txn: Txn | null,
  restore: RestoreRecord | null,
  pending: readonly Pending[],
  also: Also = {},
): string[] {
  const why: string[] = [];
  for (const e of also.policy ?? []) why.push(`policy: ${e}; the shipped defaults apply until it is fixed`);
  for (const e of also.config ?? []) why.push(`config: ${e}`);
  if (also.stateDir)
    why.push(`the state dir cannot be written: ${also.stateDir}; the guard keeps its state under /run`);
  for (const b of txn?.blind ?? [])
    why.push(
      `transaction ${txn!.id} could not see ${b.probe} ${b.when === 'pre' ? 'before' : 'after'} dpkg: ${b.reason}`,
    );
  if (restore?.state === 'running' && also.restoreAlive === false)
    why.push(`the last restore was interrupted (its process ${restore.owner?.pid} is gone); run apt-netguard restore`);
  else if (restore?.state === 'running' && also.restoreAlive)
    why.push(`a restore is running (pid ${restore.owner?.pid})`);
  else if (restore && restore.state !== 'verified') why.push(`the last restore is ${restore.state}`);
  if (pending.length) why.push(`${pending.length} restarts owed`);
  for (const [sig, st] of Object.entries(also.watch?.signatures ?? {}))
    if (st.state === 'suspended') why.push(`watch: ${sig} suspended since ${st.since}: ${st.why}`);
  if (txn?.state === 'abandoned' && !answered(txn, restore)) {
    const note = txn.notes
      .filter((n) => n.startsWith('reconciled: '))
      .at(-1)
      ?.slice('reconciled: '.length);
    why.push(`transaction ${txn.id} was abandoned${note ? `: ${note}` : ''}`);
  }
  // The same count as the textfile's apt_netguard_lost and check's CRITICAL.
  const lost = unansweredLoss(txn, restore).length;
  if (lost) why.push(`transaction ${txn!.id} lost state (${lost} findings) and no verified restore followed`);
  return why;
}

export async function statusCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, { ...COMMON, ...POLICY_FLAGS });
  if (v.help) return (out(help), 0);
  if (positionals.length) throw new UsageError('status takes no arguments');
  const s = settingsOf(v);
  requireAccess(s.stateDir);
  // While the state dir cannot be written, the hooks journal under the run dir: show what they wrote.
  const { state, problem: unwritable } = stateFor(s.stateDir, s.dirs.run, false);
  const current = loadCurrent(state);
  const txn = lastTxn(state);
  const restore = latest(state);
  const pending = loadPending(state);
  const live = restoreState(restore);
  const conf = loadConfig(s.configPath);
  const watch = loadWatch(state);
  const service = liveness(loadAlive(s.dirs.run), new Date(), (h) => alive(h));
  const why = troubled(txn, restore, pending, {
    watch: watch.incidents,
    policy: loadPolicy(s.policyDirs).errors,
    config: [...conf.errors, ...conf.warnings],
    restoreAlive: live.alive,
    stateDir: unwritable,
  });
  if (service.problem) why.push(service.problem);
  const doc = {
    ok: !why.length,
    problems: why,
    transaction: txn,
    open: !!current,
    restore,
    pending,
    watch: { ...watch, service: { running: service.running, says: service.line } },
  };
  if (v.json) out(`${JSON.stringify({ ...doc, restoreState: live.state || null })}\n`);
  else out(formatStatus(txn, Boolean(current), restore, live.state, pending, why) + formatWatch(watch, service.line));
  return why.length ? EXIT.findings : EXIT.ok;
}

// Whether the watch service runs, its baseline and open incidents.
function formatWatch(w: WatchDoc, service: string): string {
  const lines = [service];
  if (!w.baselineAt) return `${lines.join('\n')}\n`;
  const open = Object.entries(w.incidents.signatures).filter(([, st]) => st.state !== 'ok');
  lines.push(
    `watch: baseline ${w.baselineAt} (${w.baselineWhy ?? '?'}), ${w.incidents.actions.length} actions in the last hour`,
  );
  for (const [sig, st] of open) {
    if (st.state === 'open') lines.push(`  ${sig}: incident open since ${st.since}`);
    if (st.state === 'suspended') lines.push(`  ${sig}: suspended since ${st.since}: ${st.why}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatStatus(
  txn: Txn | null,
  open: boolean,
  restore: RestoreRecord | null,
  restoreState: string,
  pending: Pending[],
  why: string[],
): string {
  const out: string[] = [why.length ? `NEEDS ATTENTION: ${why.join('; ')}` : 'OK: nothing lost, nothing owed'];
  if (!txn) out.push('no transaction recorded yet');
  else {
    const closed = txn.closedAt ? `, closed ${txn.closedAt}` : '';
    out.push(`${open ? 'open' : 'last'} transaction ${txn.id}: ${txn.state}, opened ${txn.openedAt}${closed}`);
    const pkgs = txn.packages.map((p) => `${p.name} ${p.oldVersion ?? '-'} -> ${p.newVersion ?? '(removed)'}`);
    out.push(`  packages: ${pkgs.length ? pkgs.join(', ') : 'none'}`);
    for (const d of txn.decisions) out.push(`  decision: ${d.unit} ${d.action} (${d.step}) by ${d.rule}: ${d.reason}`);
    for (const r of txn.requests)
      out.push(`  request: ${r.who} asked to ${r.action} ${r.unit} at ${r.at}: ${r.decision}`);
    for (const f of txn.findings) out.push(`  finding: ${f.text}`);
    for (const n of txn.notes) out.push(`  note: ${n}`);
  }
  out.push(restore ? formatRecord(restore, restoreState).trimEnd() : 'no restore recorded yet');
  out.push(pending.length ? 'restarts owed, in order (apt-netguard restart-pending runs them):' : 'no restarts owed');
  for (const p of pending) out.push(`  ${p.step} ${p.unit} (${p.mode}) since ${p.since}: ${p.reason}`);
  return `${out.join('\n')}\n`;
}
