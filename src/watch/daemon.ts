// `apt-netguard watch`: the long-running loop. Netlink events from one `ip -o monitor` child and a
// slow heartbeat (for a stuck backend, which makes no event) each lead to one watchOnce, never two
// at a time; a burst of events gives one look once it has been quiet for `debounceMs`. Beside them,
// each `aptMs` while a dpkg run is open it asks whether that run's apt is gone (lifecycle/watchapt.ts).
import type { AppContext } from '../context.js';
import { messageOf } from '../errors.js';
import { WATCH_MONITOR } from '../probes/monitor.js';
import { self } from '../procid.js';
import { quietBeat, watchOnce, type WatchReport } from './run.js';
import { clearAlive, markAlive } from './alive.js';

export interface DaemonOptions {
  heartbeatMs: number;
  debounceMs: number;
  // Resolves when the service is told to stop (SIGTERM).
  stopped: Promise<void>;
  // For tests: what one look is, and the heartbeat's cheap question before it.
  look?: (ctx: AppContext) => Promise<WatchReport>;
  quiet?: (ctx: AppContext) => Promise<boolean>;
  // How soon to look again after a look that stood aside (default 2 s).
  asideMs?: number;
  // The apt watch: closes a run whose apt is gone; at stop, hands an open run to a transient unit.
  // With `watchDir`, it ticks only while `open` says a run is; without, always.
  apt?: {
    tick: (ctx: AppContext) => Promise<unknown>;
    handOver: (ctx: AppContext) => Promise<void>;
    open: (ctx: AppContext) => boolean;
    watchDir?: (ctx: AppContext, changed: () => void, failed: () => void) => (() => void) | null;
  };
  aptMs?: number;
}

// The monitor child may die (ip killed, netlink buffer overrun): restarted, but not in a loop.
const MAX_MONITOR_RESTARTS = 5;

export async function runDaemon(ctx: AppContext, o: DaemonOptions): Promise<number> {
  const look = o.look ?? watchOnce;
  const quiet = o.quiet ?? quietBeat;
  if (!ctx.stream) throw new Error('no line stream in this context');
  const busy: { look: Promise<void> | null } = { look: null };
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let aside: NodeJS.Timeout | null = null;
  let stop = false;
  const check = (why: string) => {
    if (stop) return;
    if (busy.look) return void (again = true);
    busy.look = (async () => {
      try {
        const r = await look(ctx);
        if (r.detected.length) ctx.log.info({ why, detected: r.detected.map((d) => d.signature) }, 'watch: looked');
        // After apt's window the hooks' verified result becomes the baseline: look again once it is over.
        if (r.stoodAside && !stop) aside = setTimeout(() => check('after a dpkg run or a restore'), o.asideMs ?? 2_000);
      } catch (err) {
        ctx.log.error({ why, err: messageOf(err) }, 'watch: a look failed');
      }
    })().finally(() => {
      busy.look = null;
      if (!again) return;
      again = false;
      // Events came during the look: the next one also waits for a quiet window. A look right away
      // could land inside a change still under way (a link deleted, its routes not yet back).
      onEvent();
    });
  };
  const onEvent = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => check('netlink events'), o.debounceMs);
  };
  let restarts = 0;
  let monitor = ctx.stream(WATCH_MONITOR, onEvent);
  if (!monitor) throw new Error(`${WATCH_MONITOR[0]} not found: the watch cannot see netlink events`);
  const alive = { holder: self(), startedAt: ctx.now().toISOString(), heartbeatMs: o.heartbeatMs };
  const mark = () => {
    try {
      markAlive(ctx.dirs.run, { ...alive, beatAt: ctx.now().toISOString() });
    } catch (err) {
      ctx.log.warn({ err: messageOf(err) }, 'watch: cannot write its mark in the run dir; status will not see it');
    }
  };
  // A heartbeat with tailscale Running, its address there and no incident open needs no full look:
  // two tailscale calls instead of a whole snapshot, for the service's idle cost.
  const beat = () => {
    mark();
    // A run inotify did not report (an event lost) is still found within one heartbeat.
    aptWake();
    if (stop || busy.look) return;
    quiet(ctx).then(
      (ok) => ok || check('heartbeat'),
      () => check('heartbeat'),
    );
  };
  // Each second, as `tail --pid -s 1` in the transient unit it replaces; never two at a time.
  const aptBusy: { tick: Promise<void> | null } = { tick: null };
  const aptCheck = () => {
    if (stop || aptBusy.tick || !o.apt) return;
    aptBusy.tick = o.apt
      .tick(ctx)
      .then(
        () => {},
        (err) => ctx.log.error({ err: messageOf(err) }, 'watch: closing the run of a gone apt failed'),
      )
      .finally(() => (aptBusy.tick = null));
  };
  // Ticks each aptMs while a run is open; inotify on the run dir starts them when one opens, so an
  // idle service does not wake each second (bench/watch.mjs: idle CPU 0.067 % with, 0.025 % without).
  let aptTimer: NodeJS.Timeout | null = null;
  let inotify = false;
  const aptStep = () => {
    aptCheck();
    if (inotify && aptTimer && !o.apt?.open(ctx)) {
      clearInterval(aptTimer);
      aptTimer = null;
    }
  };
  const aptWake = () => {
    if (stop || !o.apt || aptTimer || (inotify && !o.apt.open(ctx))) return;
    aptCheck();
    aptTimer = setInterval(aptStep, o.aptMs ?? 1_000);
  };
  mark();
  const unwatchDir = o.apt?.watchDir?.(ctx, aptWake, () => ((inotify = false), aptWake())) ?? null;
  inotify = unwatchDir !== null;
  aptWake();
  const heartbeat = setInterval(beat, o.heartbeatMs);
  ctx.log.info({ heartbeatMs: o.heartbeatMs }, 'watch: started');
  check('start');
  let failed = false;
  // Keeps the monitor running until stopped; a monitor that keeps dying ends the service (systemd restarts it).
  const supervise = (async () => {
    while (!stop && monitor) {
      const code = await monitor.ended;
      if (stop) break;
      if (++restarts > MAX_MONITOR_RESTARTS) {
        ctx.log.error({ code, restarts }, 'watch: ip monitor keeps exiting; giving up');
        failed = true;
        break;
      }
      ctx.log.warn({ code, restarts }, 'watch: ip monitor exited; restarting it');
      await ctx.sleep(1_000);
      monitor = ctx.stream!(WATCH_MONITOR, onEvent);
      check('monitor restarted');
    }
  })();
  await Promise.race([o.stopped, supervise]);
  stop = true;
  clearInterval(heartbeat);
  if (aptTimer) clearInterval(aptTimer);
  unwatchDir?.();
  if (timer) clearTimeout(timer);
  if (aside) clearTimeout(aside);
  await monitor?.stop();
  if (busy.look) ctx.log.info({}, 'watch: stopping once the look under way ends');
  await busy.look;
  await aptBusy.tick;
  // The mark goes first: a hook that starts from here on starts its own transient unit.
  clearAlive(ctx.dirs.run);
  if (o.apt)
    await o.apt.handOver(ctx).catch((err: unknown) => {
      ctx.log.error({ err: messageOf(err) }, 'watch: could not hand the open dpkg run to a transient unit');
    });
  ctx.log.info({}, 'watch: stopped');
  return failed ? 1 : 0;
}
