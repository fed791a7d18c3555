// A killed apt leaves nothing armed for long. When the gates are armed, a transient systemd unit
// bound to the apt process that armed them waits for that process to end (tail --pid); its
// ExecStopPost runs `apt-netguard hook apt-gone PID START`, which closes a transaction that
// Post-Invoke never closed: the drop-ins and gates go, and what it owed is recorded.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AppContext } from '../context.js';
import { messageOf } from '../errors.js';
import { alive, type Holder } from '../procid.js';
import { runPaths, withStateLock } from '../state.js';
import { loadCurrent } from '../txn/store.js';
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
