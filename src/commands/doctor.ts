// `apt-netguard doctor`: the configuration hazards behind each incident, and the safe fixes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { out } from '../stdout.js';
import { EXIT, UsageError, messageOf } from '../errors.js';
import type { AppContext } from '../context.js';
import type { Finding } from '../doctor/model.js';
import { COMMON, POLICY_FLAGS, parse, settingsOf } from './options.js';

export const help = `Usage: apt-netguard doctor [--json] [--fix [--dry-run]]

Names the configuration hazards behind each incident apt-netguard was built for, with evidence
(file:line, or the command and the line it printed), why it matters, and the exact fix. It reads
the merged views systemd and the tools use: systemctl show/cat, systemd-analyze cat-config and
verify default.target, nft -j list ruleset, ss, apt-config dump, and needrestart's configuration
as needrestart evaluates it.

Checks (ids are stable; man apt-netguard lists them with their fixes):
  networkd-foreign-routes, networkd-foreign-rules, nft-iif-by-index, nft-loader-not-reloaded,
  socket-on-tailscale-ip, socket-ordering-cycle, tailscaled-before-network-online,
  needrestart-restarts-protected, policy-rc-d-not-ours, apt-hooks-broken, restarts-owed-long,
  reboot-with-boot-hazards, watch-not-running

  --fix        write the safe fixes: new drop-ins under /etc/systemd (networkd.conf.d, tailscaled's
               ordering, FreeBind on sockets), each naming the finding and how to undo it; then
               systemctl daemon-reload. It never edits a file of yours and never restarts anything.
  --dry-run    with --fix: print the files, write nothing
  --json       {"findings":[{id,severity,title,evidence,why,fix}], "blind":[...]}

Exit status: 0 no error or warning; 1 warnings or errors (after --fix: ones it could not fix), or
a check that could not run;
2 usage error; 3 runtime error.
`;

const FLAGS = { ...COMMON, ...POLICY_FLAGS, fix: { type: 'boolean' }, 'dry-run': { type: 'boolean' } } as const;

export async function doctorCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, FLAGS);
  if (v.help) return (out(help), 0);
  if (positionals.length) throw new UsageError('doctor takes no arguments; see --help');
  if (v['dry-run'] && !v.fix) throw new UsageError('--dry-run goes with --fix');
  const [{ appContext, openLog }, { gather }, { runChecks, exitOf }, fmt, { planFixes }, fs] = await Promise.all([
    import('../context.js'),
    import('../doctor/gather.js'),
    import('../doctor/checks.js'),
    import('../doctor/format.js'),
    import('../doctor/fix.js'),
    import('../fsutil.js'),
  ]);
  const s = settingsOf(v);
  const { log, close } = await openLog(s);
  try {
    const ctx = await appContext(s, log);
    const facts = await gather(ctx);
    const findings = runChecks(facts);
    await remember(ctx, findings);
    if (!v.fix) {
      out(v.json ? `${JSON.stringify({ findings, blind: facts.blind })}\n` : fmt.formatFindings(findings, facts.blind));
      // A check that could not run is not a clean bill: said under NOT SEEN, and exit 1.
      return facts.blind.length ? EXIT.findings : exitOf(findings);
    }
    const plan = planFixes(findings, (p) => (existsSync(p) ? readFileSync(p, 'utf8') : null));
    if (!v['dry-run'] && plan.write.length) {
      for (const w of plan.write) {
        fs.ensureDir(dirname(w.path), 0o755);
        fs.writeFileAtomic(w.path, w.content, 0o644);
        log.info({ finding: w.id, path: w.path }, 'doctor: wrote a drop-in');
      }
      await ctx.run(['systemctl', 'daemon-reload'], { timeoutMs: 60_000 });
    }
    const fixed = new Set([...plan.write.map((w) => w.path), ...plan.present]);
    const left = findings.filter((f) => f.fix.kind !== 'drop-in' || !fixed.has(f.fix.path));
    const doc = {
      findings,
      blind: facts.blind,
      fixes: { ...plan, admin: plan.admin.map((f) => f.id) },
      dryRun: !!v['dry-run'],
    };
    out(v.json ? `${JSON.stringify(doc)}\n` : fmt.formatFixes(plan, !!v['dry-run']));
    return exitOf(v['dry-run'] ? findings : left);
  } finally {
    await close();
  }
}

// The findings reach the textfile (apt_netguard_doctor_findings); a doctor run by a user who cannot
// write the state dir still reports.
async function remember(ctx: AppContext, findings: readonly Finding[]): Promise<void> {
  const [{ saveDoctor }, { publish }] = await Promise.all([
    import('../metrics/store.js'),
    import('../metrics/publish.js'),
  ]);
  try {
    saveDoctor(ctx.state, {
      at: ctx.now().toISOString(),
      findings: findings.map((f) => ({ id: f.id, severity: f.severity })),
    });
    publish(ctx);
  } catch (err) {
    ctx.log.warn({ err: messageOf(err) }, 'doctor: its findings are not kept for the metrics');
  }
}
