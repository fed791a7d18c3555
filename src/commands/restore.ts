// `apt-netguard restore` and `apt-netguard restart-pending`: the ordered restore, by hand or from a timer.
import { out } from '../stdout.js';
import { resolve } from 'node:path';
import { EXIT, InputError, UsageError } from '../errors.js';
import { COMMON, parse, stateDirOf } from './options.js';
import { policyDirsOf, POLICY_FLAGS } from './policyflags.js';

export const help = `Usage: apt-netguard restore [--dry-run] [--json] [--since SNAPSHOT]

Puts back what the last upgrade broke, in order: waits for systemd-networkd to settle, runs the
guarded restarts still owed, restarts tailscaled if table 52 routes or its ip rules are gone,
reloads the unit that loads the nft ruleset once tailscale0 is back (iif/oif resolve again),
restarts units whose listeners on a Tailscale address are gone. Each step has a timeout and
post-conditions; then a final snapshot is diffed against the baseline, and only a clean diff
counts as verified. A restore killed mid-way (even by SIGKILL) is resumed by this command.

The baseline is the "pre" snapshot of the last transaction, or SNAPSHOT (a file, an id or latest).

Options:
  --dry-run           print the plan (steps, order, reasons, checks); touch nothing
  --json              print the plan or the restore record as JSON
  --since SNAPSHOT    verify against this snapshot instead of the last transaction's
  --state-dir DIR     default $APT_NETGUARD_STATE_DIR or /var/lib/apt-netguard
  --policy-dir DIR    admin policy dir

Exit status: 0 verified or nothing to do; 1 failed or not verified (dry run: steps to run);
2 usage or input error; 3 runtime error.
`;

export const pendingHelp = `Usage: apt-netguard restart-pending [--dry-run] [--json]

Runs every restart still owed (guarded ones, then deferred ones) in policy order, the way restore
does: settle, restart, reload, verify against a snapshot taken just before. For a maintenance
window; apt-netguard-restart-pending.timer (shipped disabled) runs it on a schedule:
  systemctl enable --now apt-netguard-restart-pending.timer

Exit status: 0 done and verified, or nothing owed; 1 failed or not verified; 2 usage error.
`;

const FLAGS = { ...COMMON, ...POLICY_FLAGS, 'dry-run': { type: 'boolean' }, since: { type: 'string' } } as const;

async function setup(args: string[]) {
  const { values: v, positionals } = parse(args, FLAGS);
  if (positionals.length) throw new UsageError('no arguments expected; see --help');
  const [{ makeLog }, { run }, { hookContext }] = await Promise.all([
    import('../log.js'),
    import('../exec.js'),
    import('../hooks/context.js'),
  ]);
  // Progress goes to stderr as JSON lines (journald-friendly); the result to stdout.
  const ctx = {
    ...hookContext(run, makeLog(2, process.env.APT_NETGUARD_LOG_LEVEL ?? 'warn')),
    state: stateDirOf(v),
    policyDirs: policyDirsOf(v),
  };
  for (const e of ctx.configErrors) process.stderr.write(`apt-netguard: config: ${e}\n`);
  const print = (x: unknown, text: string) => out(v.json ? `${JSON.stringify(x)}\n` : text);
  return { v, ctx, print };
}

export async function restoreCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return (out(help), 0);
  const { v, ctx, print } = await setup(args);
  const [runMod, journal, store, txns, fmt] = await Promise.all([
    import('../restore/run.js'),
    import('../restore/journal.js'),
    import('../snapshot/store.js'),
    import('../txn/store.js'),
    import('../restore/format.js'),
  ]);
  const killed = journal.loadRunning(ctx.state);
  if (killed) {
    if (v['dry-run'])
      return (
        print(killed, `a restore was killed mid-way; 'apt-netguard restore' resumes it:\n${fmt.formatRecord(killed)}`),
        EXIT.findings
      );
    const rec = (await runMod.resumeKilled(ctx))!;
    return (print(rec, fmt.formatRecord(rec)), rec.state === 'verified' ? EXIT.ok : EXIT.findings);
  }
  let ref = v.since;
  if (!ref) {
    const last =
      txns.loadCurrent(ctx.state) ??
      txns
        .listClosed(ctx.state)
        .map((id) => txns.loadClosed(ctx.state, id))
        .reverse()
        .find((t) => t?.preSnapshot);
    if (!last?.preSnapshot)
      throw new InputError(
        `no transaction with a snapshot in ${ctx.state}; give --since SNAPSHOT (see apt-netguard list)`,
      );
    ref = last.preSnapshot;
  }
  const baselinePath = resolve(store.resolveRef(ctx.state, ref));
  const baseline = store.loadSnapshot(baselinePath);
  const req = {
    trigger: { kind: 'manual' as const, id: baseline.id },
    automatic: false,
    baseline,
    baselinePath,
    modes: ['guarded' as const],
  };
  if (v['dry-run']) {
    const rec = await runMod.prepare(ctx, req);
    const text =
      rec.plan.steps.length || rec.plan.unresolved.length
        ? `against ${baseline.id}:\n${rec.findings.map((f) => `  found: ${f}\n`).join('')}plan:\n${fmt.formatPlanSteps(rec.plan).join('\n')}\n`
        : `nothing to restore against ${baseline.id}\n`;
    return (
      print({ baseline: baseline.id, findings: rec.findings, owed: rec.owed, plan: rec.plan }, text),
      rec.plan.steps.length || rec.plan.unresolved.length ? EXIT.findings : EXIT.ok
    );
  }
  const rec = await runMod.restore(ctx, req);
  if (!rec)
    return (
      print(
        { state: 'nothing-to-do', baseline: baseline.id },
        `nothing to restore: no losses against ${baseline.id} and no guarded restarts owed\n`,
      ),
      EXIT.ok
    );
  return (print(rec, fmt.formatRecord(rec)), rec.state === 'verified' ? EXIT.ok : EXIT.findings);
}

export async function restartPendingCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return (out(pendingHelp), 0);
  const { v, ctx, print } = await setup(args);
  if (v.since)
    throw new UsageError('restart-pending verifies against a snapshot it takes itself; --since is for restore');
  const [runMod, store, take, txns, fmt] = await Promise.all([
    import('../restore/run.js'),
    import('../snapshot/store.js'),
    import('../snapshot/take.js'),
    import('../txn/store.js'),
    import('../restore/format.js'),
  ]);
  if (!txns.loadPending(ctx.state).length) return (print({ state: 'nothing-to-do' }, 'no restarts owed\n'), EXIT.ok);
  await runMod.resumeKilled(ctx);
  const units = Object.keys((await import('../policy/load.js')).loadPolicy(ctx.policyDirs).policy.units);
  const baseline = await take.takeSnapshot(ctx.run, { ...ctx.probe, units }, 'baseline', ctx.now());
  const req = {
    trigger: { kind: 'pending' as const, id: baseline.id },
    automatic: false,
    baseline,
    baselinePath: '',
    modes: ['guarded' as const, 'defer' as const],
    live: baseline,
  };
  if (v['dry-run']) {
    const rec = await runMod.prepare(ctx, req);
    return (print({ owed: rec.owed, plan: rec.plan }, `plan:\n${fmt.formatPlanSteps(rec.plan).join('\n')}\n`), EXIT.ok);
  }
  req.baselinePath = await store.saveSnapshot(ctx.state, baseline);
  const rec = await runMod.restore(ctx, req);
  if (!rec) return (print({ state: 'nothing-to-do' }, 'no restarts owed\n'), EXIT.ok);
  return (print(rec, fmt.formatRecord(rec)), rec.state === 'verified' ? EXIT.ok : EXIT.findings);
}
