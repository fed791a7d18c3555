// `apt-netguard watch --once` and `apt-netguard accept`: the watch's look-and-act, and the admin's
// "this state is right" (issue 16; apt-netguard-watch.service runs the loop).
import { out } from '../stdout.js';
import { EXIT, UsageError } from '../errors.js';
import { journaled } from './restore.js';

export const help = `Usage: apt-netguard watch [--once [--json]]

Looks at the network once against the last state verified good (the watch's baseline) and acts
per watch.mode in config.yaml, the same protection as during apt runs:
  - tailscale0 recreated, nft iif/oif still holding its old index: reload the ruleset's loader;
  - table 52 routes or rules 5210-5270 gone while tailscale's prefs are unchanged: settle,
    restart tailscaled, then the steps after it;
  - a listener on a Tailscale IP gone while tailscaled runs: restart the unit that owns it;
  - tailscaled up but not Running (or without its address) for watch.reconnect-after, with a
    default route: one restart of tailscaled.
Any other drift is left alone. Each incident gets one restore, through the same engine, journal
and alerts as after apt; at most watch.max-per-hour actions an hour, then one alert and that
signature waits. A failed restore suspends its signature until the state is good again or
'apt-netguard restore' runs. While a dpkg run or a restore is in progress it does nothing.
With no baseline yet, the state now becomes it if tailscaled is Running; so does the state after
a verified restore, and after tailscale's prefs change on purpose.
Without --once it runs until stopped: netlink events (one 'ip -o monitor' child) and a
heartbeat (watch.heartbeat, 60 s) lead to looks, never two at a time; a heartbeat with tailscale
Running and nothing open only asks tailscale. apt-netguard-watch.service runs it, enabled on
install; watch.mode: report or off in /etc/apt-netguard/config.yaml tames it. Whatever the
mode, it also checks each second that the apt of a dpkg run in progress still runs, and closes
the run of one that died (the hooks then start no transient unit for it).

Options:
  --once              look once, act per watch.mode, exit (without it: run until stopped)
  --json              print the report as JSON
  --state-dir DIR     default $APT_NETGUARD_STATE_DIR or /var/lib/apt-netguard
  --policy-dir DIR    admin policy dir

Exit status: 0 nothing found, or every restore verified; 1 a signature detected and not
restored (report mode, suspended, failed); 2 usage error; 3 runtime error.
`;

export const acceptHelp = `Usage: apt-netguard accept [--json]

Makes the network state now the watch's baseline: for an admin who changed routes, rules or the
ruleset by hand and means it. 'apt-netguard watch' compares against it from then on.
`;

export async function watchCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return (out(help), 0);
  if (args.includes('--once')) return once(args.filter((a) => a !== '--once'));
  if (args.includes('--json')) throw new UsageError('--json goes with --once; see --help');
  return daemon(args);
}
// Until SIGTERM or SIGINT (systemctl stop): the loop of watch/daemon.ts.
const daemon = journaled(async ({ ctx }) => {
  const [{ runDaemon }, { watchOnce }, { publish }, { aptTick, handOver, runOpen, watchRunDir }] = await Promise.all([
    import('../watch/daemon.js'),
    import('../watch/run.js'),
    import('../metrics/publish.js'),
    import('../lifecycle/watchapt.js'),
  ]);
  // NOTE: `on`, not `once`: signal-exit 3 (proper-lockfile's) re-raises a signal when it finds itself
  // the only listener left, and node drops a `once` listener before calling it (measured: exit 143).
  const stopped = new Promise<void>((resolve) => {
    process.on('SIGTERM', () => resolve());
    process.on('SIGINT', () => resolve());
  });
  // Each look's outcome (an action, a suspension, a new baseline) reaches the textfile.
  const look = async (c: typeof ctx) => {
    const r = await watchOnce(c);
    publish(c);
    return r;
  };
  // A run closed because its apt is gone reaches the textfile too, as from the hook.
  const tick = async (c: typeof ctx) => (await aptTick(c)) && publish(c);
  const apt = { tick, handOver, open: runOpen, watchDir: watchRunDir };
  return runDaemon(ctx, { heartbeatMs: ctx.config.watch.heartbeatMs, debounceMs: 200, stopped, look, apt });
  // A service's journal gets one line per start, detection and action: info, not only warnings.
}, 'info');
const once = journaled(async ({ ctx, print }) => {
  const { watchOnce } = await import('../watch/run.js');
  const r = await watchOnce(ctx);
  const lines = [
    `mode ${r.mode}; baseline ${r.baseline}`,
    ...r.detected.map((d) => `detected ${d.signature}: ${d.evidence.length} finding(s)`),
    ...r.verdict.skipped.map((s) => `not acted on ${s.signature}: ${s.why}`),
    ...r.verdict.alerts.map((a) => `alert: ${a}`),
    ...r.restores.map((x) => `restore for ${x.signature}: ${x.state}`),
  ];
  print(r, `${lines.join('\n')}\n`);
  const unhandled = r.detected.filter(
    (d) => !r.restores.some((x) => x.signature === d.signature && x.state === 'verified'),
  );
  return unhandled.length ? EXIT.findings : EXIT.ok;
});

export async function acceptCommand(args: string[]): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) return (out(acceptHelp), 0);
  return acceptJournaled(args);
}
const acceptJournaled = journaled(async ({ ctx, print }) => {
  const { accept } = await import('../watch/run.js');
  const id = await accept(ctx);
  return (print({ baseline: id }, `baseline: ${id}\n`), EXIT.ok);
});
