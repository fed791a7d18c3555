// A killed apt leaves nothing armed for long. When the gates are armed, a transient systemd unit
// bound to the apt process that armed them waits for that process to end (tail --pid); its
// ExecStopPost runs `apt-netguard hook apt-gone PID START`, which closes a transaction that
// Post-Invoke never closed: the drop-ins and gates go, and what it owed is recorded.
import { existsSync } from 'node:fs';
import type { AppContext } from '../context.js';
import { messageOf } from '../errors.js';
import { alive, type Holder } from '../procid.js';
import { withStateLock } from '../state.js';
import { loadCurrent } from '../txn/store.js';
import { reconcile } from './close.js';

export const unitOf = (apt: Holder) => `apt-netguard-apt-${apt.pid}-${apt.start}.service`;

// Pure: the systemd-run argv. One unit per apt process (unattended-upgrades makes many dpkg runs):
// a second call finds it there and fails, harmlessly. tail checks the pid every second.
export const watchArgv = (apt: Holder, bin = '/usr/bin/apt-netguard'): string[] => [
  'systemd-run',
  `--unit=${unitOf(apt)}`,
  '--description=apt-netguard: disarm if this apt process dies before its Post-Invoke',
  '--collect',
  '--quiet',
  `--property=ExecStopPost=${bin} hook apt-gone ${apt.pid} ${apt.start}`,
  '/usr/bin/tail',
  `--pid=${apt.pid}`,
  '-s',
  '1',
  '-f',
  '/dev/null',
];

export async function watchApt(ctx: AppContext, apt: Holder): Promise<void> {
  // Without systemd there is no unit to start; the gate's own pid check still applies.
  if (!ctx.probe.systemdRunDir || !existsSync(ctx.probe.systemdRunDir)) return;
  await ctx.run(watchArgv(apt), { timeoutMs: 5_000 }).catch((err) => {
    if (!/already exists|already loaded/.test(messageOf(err)))
      ctx.log.warn(
        { apt: apt.pid, err: messageOf(err) },
        'could not watch apt; a killed apt leaves the gates to the next run',
      );
  });
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
