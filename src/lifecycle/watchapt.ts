// A killed apt leaves nothing armed for long. Something outside apt's cgroup waits for the apt
// process that armed the gates to end, and then closes a transaction Post-Invoke never closed: the
// drop-ins and gates go, and what it owed is recorded (aptGone). That is the watch service when it
// runs and beats (aptTick, each second); otherwise a transient systemd unit (tail --pid), whose
// ExecStopPost runs `apt-netguard hook apt-gone PID START`.
import { existsSync, mkdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import type { AppContext } from '../context.js';
import { messageOf } from '../errors.js';
import { alive, type Holder } from '../procid.js';
import { runPaths, withStateLock } from '../state.js';
import { loadCurrent } from '../txn/store.js';
import { liveness, loadAlive } from '../watch/alive.js';
import { reconcile } from './close.js';

export const unitOf = (apt: Holder) => `apt-netguard-apt-${apt.pid}-${apt.start}.service`;

// Pure: the systemd-run argv. One unit per apt process (unattended-upgrades makes many dpkg runs).
// tail checks the pid every second. The ExecStopPost goes through the shim, which starts node only
// when a dpkg run is still open: after a normal apt run it has nothing to do.
export const watchArgv = (apt: Holder, shim = '/usr/lib/apt-netguard/hooks/run-hook'): string[] => [
  'systemd-run',
  `--unit=${unitOf(apt)}`,
  '--description=apt-netguard: disarm if this apt process dies before its Post-Invoke',
  '--collect',
  '--quiet',
  // Queued, not waited for: 8 ms instead of 23 per dpkg run (measured in the bookworm lab).
  '--no-block',
  `--property=ExecStopPost=${shim} apt-gone ${apt.pid} ${apt.start}`,
  '/usr/bin/tail',
  `--pid=${apt.pid}`,
  '-s',
  '1',
  '-f',
  '/dev/null',
];

// Once per apt process: the unit's apt is marked in the run dir, and the next dpkg runs of the same
// apt (unattended-upgrades' steps) spawn nothing.
export async function watchApt(ctx: AppContext, apt: Holder): Promise<void> {
  // Without systemd there is no unit to start; the gate's own pid check still applies.
  if (!ctx.probe.systemdRunDir || !existsSync(ctx.probe.systemdRunDir)) return;
  // The watch service does it: systemd-run cost each dpkg run 40-75 ms (issue 18, bookworm lab).
  if (watchCovers(ctx)) return;
  const mark = runPaths(ctx.dirs.run).watcher;
  const id = `${apt.pid} ${apt.start}\n`;
  if (existsSync(mark) && readFileSync(mark, 'utf8') === id) return;
  const ok = await ctx.run(watchArgv(apt), { timeoutMs: 5_000 }).then(
    () => true,
    (err) => {
      if (/already exists|already loaded/.test(messageOf(err))) return true;
      ctx.log.warn(
        { apt: apt.pid, err: messageOf(err) },
        'could not watch apt; a killed apt leaves the gates to the next run',
      );
      return false;
    },
  );
  if (!ok) return;
  // It runs beside the snapshot now, maybe before anything made the run dir; a lost mark costs a
  // second systemd-run, which finds the unit there.
  try {
    mkdirSync(ctx.dirs.run, { recursive: true, mode: 0o755 });
    writeFileSync(mark, id);
  } catch (err) {
    ctx.log.warn({ apt: apt.pid, err: messageOf(err) }, 'could not mark apt as watched');
  }
}

// ExecStopPost of the watcher: the apt is gone. Its transaction, still open, is abandoned.
export async function aptGone(ctx: AppContext, pid: number, start: string): Promise<boolean> {
  return withStateLock(ctx.state, 'txn', async () => {
    const txn = loadCurrent(ctx.state);
    if (!txn?.apt || txn.apt.pid !== pid || txn.apt.start !== start || alive(txn.apt)) return false;
    await reconcile(ctx, txn, `apt (pid ${pid}) ended before its Post-Invoke ran: killed, or out of memory`);
    return true;
  });
}

// The watch service is running, and its heartbeat is not overdue: its aptTick sees this apt end.
export function watchCovers(ctx: AppContext): boolean {
  const w = liveness(loadAlive(ctx.dirs.run), ctx.now(), (h) => alive(h));
  return w.running && !w.problem;
}

// The apt that armed the gates ($RUN/apt, "PID START"), or null.
function armedBy(run: string): Holder | null {
  try {
    const [pid, start] = readFileSync(runPaths(run).apt, 'utf8').trim().split(' ');
    return pid && /^\d+$/.test(pid) && start ? { pid: Number(pid), start, boot: '' } : null;
  } catch {
    return null;
  }
}

// Is a dpkg run open? The watch service checks its apt each second only then.
export const runOpen = (ctx: AppContext): boolean => existsSync(runPaths(ctx.dirs.run).open);

// The watch service, each second: a run still open whose apt is gone is closed, as the transient
// unit's ExecStopPost would. True when it closed one.
export async function aptTick(ctx: AppContext): Promise<boolean> {
  if (!runOpen(ctx)) return false;
  const apt = armedBy(ctx.dirs.run);
  if (!apt || alive(apt)) return false;
  return aptGone(ctx, apt.pid, apt.start);
}

// inotify on the run dir: `changed` when an entry comes or goes (a run opening), `failed` if the
// watch cannot be kept (the service then checks each second, open or not). Returns its stop.
export function watchRunDir(ctx: AppContext, changed: () => void, failed: () => void): (() => void) | null {
  try {
    mkdirSync(ctx.dirs.run, { recursive: true, mode: 0o755 });
    const w = watch(ctx.dirs.run, { persistent: false }, changed);
    w.on('error', () => (w.close(), failed()));
    return () => w.close();
  } catch {
    return null;
  }
}

// The watch service stops (its mark already gone) while a run is open: the apt still running gets
// its transient unit after all, and one already gone is dealt with now.
export async function handOver(ctx: AppContext): Promise<void> {
  if (!runOpen(ctx)) return;
  const apt = armedBy(ctx.dirs.run);
  if (!apt) return;
  if (alive(apt)) await watchApt(ctx, apt);
  else await aptGone(ctx, apt.pid, apt.start);
}
