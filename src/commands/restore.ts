// `apt-netguard restore` and `apt-netguard restart-pending`: the ordered restore, by hand or from a timer.
import { out } from '../stdout.js';
import { EXIT, UsageError } from '../errors.js';
import type { RestoreRecord } from '../restore/model.js';
import { COMMON, POLICY_FLAGS, parse, settingsOf } from './options.js';

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

export async function setup(args: string[], logLevel: 'warn' | 'info' = 'warn') {
  const { values: v, positionals } = parse(args, FLAGS);
  if (positionals.length) throw new UsageError('no arguments expected; see --help');
  const [{ appContext, openLog }, { requireAccess }] = await Promise.all([
    import('../context.js'),
    import('../state.js'),
  ]);
  const s = settingsOf(v, { logLevel });
  requireAccess(s.stateDir, true);
  // Progress goes to stderr as JSON lines, and to the journal as it happens; the result to stdout.
  const { log, close } = await openLog(s);
  const ctx = await appContext(s, log);
  for (const e of [...ctx.configErrors, ...ctx.configWarnings]) process.stderr.write(`apt-netguard: config: ${e}\n`);
  const print = (x: unknown, text: string) => out(v.json ? `${JSON.stringify(x)}\n` : text);
  return { v, ctx, print, close };
}

// A restore by hand, or from the timer, is journaled like a hook's, and published to the textfile.
export const journaled =
  (cmd: (x: Awaited<ReturnType<typeof setup>>) => Promise<number>, logLevel: 'warn' | 'info' = 'warn') =>
  async (args: string[]): Promise<number> => {
    const x = await setup(args, logLevel);
    try {
      return await cmd(x);
    } finally {
      // What a restore, the watch or accept changed reaches the textfile (metrics.textfile-dir).
      (await import('../metrics/publish.js')).publish(x.ctx);
      await x.close();
    }
  };

const outcome = (rec: RestoreRecord) => (rec.state === 'verified' ? EXIT.ok : EXIT.findings);

export async function restoreCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return (out(help), 0);
  return restoreJournaled(args);
}
const restoreJournaled = journaled(async ({ v, ctx, print }) => {
  const [runMod, records, requests, fmt] = await Promise.all([
    import('../restore/run.js'),
    import('../restore/records.js'),
    import('../restore/requests.js'),
    import('../restore/format.js'),
  ]);
  const killed = records.loadRunning(ctx.state);
  if (killed) {
    if (v['dry-run'])
      return (
        print(killed, `a restore was killed mid-way; 'apt-netguard restore' resumes it:\n${fmt.formatRecord(killed)}`),
        EXIT.findings
      );
    const rec = (await runMod.resumeKilled(ctx))!;
    return (print(rec, fmt.formatRecord(rec)), outcome(rec));
  }
  const req = requests.manual(ctx.state, v.since);
  const { id } = req.baseline;
  if (v['dry-run']) {
    const rec = await runMod.prepare(ctx, req);
    const todo = rec.plan.steps.length || rec.plan.unresolved.length;
    const found = rec.findings.map((f) => `  found: ${f}\n`).join('');
    const text = todo
      ? `against ${id}:\n${found}plan:\n${fmt.formatPlanSteps(rec.plan).join('\n')}\n`
      : `nothing to restore against ${id}\n`;
    return (
      print({ baseline: id, findings: rec.findings, owed: rec.owed, plan: rec.plan }, text),
      todo ? EXIT.findings : EXIT.ok
    );
  }
  const rec = await runMod.restore(ctx, req);
  if (!rec) {
    const text = `nothing to restore: no losses against ${id} and no guarded restarts owed\n`;
    return (print({ state: 'nothing-to-do', baseline: id }, text), EXIT.ok);
  }
  return (print(rec, fmt.formatRecord(rec)), outcome(rec));
});

export async function restartPendingCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return (out(pendingHelp), 0);
  return pendingJournaled(args);
}
const pendingJournaled = journaled(async ({ v, ctx, print }) => {
  if (v.since)
    throw new UsageError('restart-pending verifies against a snapshot it takes itself; --since is for restore');
  const [runMod, store, requests, txns, fmt, { loadPolicy }] = await Promise.all([
    import('../restore/run.js'),
    import('../snapshot/store.js'),
    import('../restore/requests.js'),
    import('../txn/store.js'),
    import('../restore/format.js'),
    import('../policy/load.js'),
  ]);
  if (!txns.loadPending(ctx.state).length) return (print({ state: 'nothing-to-do' }, 'no restarts owed\n'), EXIT.ok);
  await runMod.resumeKilled(ctx);
  const req = await requests.owedNow(ctx, loadPolicy(ctx.policyDirs).policy);
  if (v['dry-run']) {
    const rec = await runMod.prepare(ctx, req);
    return (print({ owed: rec.owed, plan: rec.plan }, `plan:\n${fmt.formatPlanSteps(rec.plan).join('\n')}\n`), EXIT.ok);
  }
  req.baselinePath = await store.saveSnapshot(ctx.state, req.baseline);
  const rec = await runMod.restore(ctx, req);
  if (!rec) return (print({ state: 'nothing-to-do' }, 'no restarts owed\n'), EXIT.ok);
  return (print(rec, fmt.formatRecord(rec)), outcome(rec));
});
