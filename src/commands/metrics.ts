// `apt-netguard metrics` (the textfile for node_exporter) and `apt-netguard check` (a monitoring
// plugin): the same state, read once, for a fleet's Prometheus or Icinga (issue 19).
import { out } from '../stdout.js';
import { UsageError, messageOf } from '../errors.js';
import { COMMON, parse, settingsOf } from './options.js';

export const help = `Usage: apt-netguard metrics [--stdout]

Writes apt_netguard.prom into node_exporter's textfile directory (metrics.textfile-dir in
config.yaml, default /var/lib/prometheus/node-exporter, which Debian's prometheus-node-exporter
reads): a temp file in that directory, then a rename. Nothing is written while the directory does
not exist. The hooks, restore, the watch and doctor write it themselves; this is for a timer of
your own, and for the watch service's stop. --stdout prints the text instead.
`;

export const checkHelp = `Usage: apt-netguard check

A monitoring plugin (Nagios, Icinga; the convention needrestart -p follows): one line,
  APT-NETGUARD OK|WARNING|CRITICAL|UNKNOWN - <summary> | <perfdata>
Exit status: 0 OK; 1 WARNING: restarts owed, a probe could not see around the last transaction,
a watch signature suspended, or the watch service not running; 2 CRITICAL: the last restore was
not verified, or the last transaction lost state no verified restore has put back; 3 UNKNOWN: the
state cannot be read (run it as root, e.g. through sudo or NRPE).
`;

export async function metricsCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, { ...COMMON, stdout: { type: 'boolean' } });
  if (v.help) return (out(help), 0);
  if (positionals.length) throw new UsageError('metrics takes no arguments; see --help');
  const [{ appContext, openLog, VERSION }, { requireAccess }, pub, { exposition }, { gatherMetrics }] =
    await Promise.all([
      import('../context.js'),
      import('../state.js'),
      import('../metrics/publish.js'),
      import('../metrics/exposition.js'),
      import('../metrics/gather.js'),
    ]);
  const s = settingsOf(v);
  requireAccess(s.stateDir);
  const { log, close } = await openLog(s);
  try {
    const ctx = await appContext(s, log);
    if (v.stdout) return (out(exposition(gatherMetrics(ctx.state, ctx.dirs.run, VERSION))), 0);
    const path = pub.publish(ctx);
    out(path ? `${path}\n` : `${ctx.config.metrics.textfileDir} does not exist: nothing written\n`);
    return 0;
  } finally {
    await close();
  }
}

export async function checkCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return (out(checkHelp), 0);
  try {
    const { values: v, positionals } = parse(args, COMMON);
    if (positionals.length) throw new UsageError('check takes no arguments');
    const [{ VERSION }, { requireAccess, stateFor }, { gatherMetrics }, { verdict }] = await Promise.all([
      import('../context.js'),
      import('../state.js'),
      import('../metrics/gather.js'),
      import('../metrics/check.js'),
    ]);
    const s = settingsOf(v);
    requireAccess(s.stateDir);
    const { state } = stateFor(s.stateDir, s.dirs.run, false);
    const r = verdict(gatherMetrics(state, s.dirs.run, VERSION));
    return (out(`${r.line}\n`), r.code);
  } catch (err) {
    // A plugin that cannot look says UNKNOWN (3), not a stack trace.
    return (out(`APT-NETGUARD UNKNOWN - ${messageOf(err).split('\n')[0]}\n`), 3);
  }
}
