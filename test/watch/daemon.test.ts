// The watch loop with a fake netlink stream and a fake look: a burst of events is one look, looks
// never overlap, the heartbeat looks unless tailscale is quietly Running, the service's mark in
// the run dir lives as long as it does, the apt watch ticks alone, and a monitor that keeps dying
// ends the service.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import type { LineStream } from '../../src/exec.js';
import { runDaemon } from '../../src/watch/daemon.js';
import type { WatchReport } from '../../src/watch/run.js';
import { loadAlive } from '../../src/watch/alive.js';
import { scratch } from '../helpers/scratch.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
const report: WatchReport = {
  mode: 'act',
  baseline: '',
  detected: [],
  verdict: { act: [], alerts: [], skipped: [] },
  restores: [],
};
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

function world(opts: { dies?: boolean } = {}) {
  const emit: ((line: string) => void)[] = [];
  let streams = 0;
  const stream = (_argv: readonly string[], onLine: (l: string) => void): LineStream => {
    streams++;
    emit.push(onLine);
    let end: (c: number | null) => void = () => {};
    const ended = new Promise<number | null>((r) => (end = r));
    if (opts.dies) setTimeout(() => end(1), 5);
    return { ended, stop: async () => end(null) };
  };
  const run = scratch('ng-watch-run-');
  const ctx = {
    log: quiet,
    stream,
    sleep: () => tick(1),
    now: () => new Date(),
    dirs: { run },
  } as unknown as AppContext;
  let looks = 0;
  let inFlight = 0;
  let overlap = false;
  const look = async () => {
    looks++;
    if (++inFlight > 1) overlap = true;
    await tick(30);
    inFlight--;
    return report;
  };
  return { ctx, emit, look, run, counts: () => ({ looks, overlap, streams }) };
}

describe('runDaemon', () => {
  it('a burst of events is one look after the quiet window; looks never overlap', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runDaemon(w.ctx, { heartbeatMs: 60_000, debounceMs: 20, stopped, look: w.look });
    await tick(50); // the start look
    expect(loadAlive(w.run)?.holder.pid).toBe(process.pid);
    for (let i = 0; i < 10; i++) w.emit[0]!(`event ${i}`);
    await tick(120);
    stop();
    expect(await done).toBe(0);
    expect(w.counts()).toEqual({ looks: 2, overlap: false, streams: 1 });
    expect(existsSync(join(w.run, 'watch'))).toBe(false);
  });

  it('events during a look: the next look still waits for a quiet window after the last event', async () => {
    const w = world();
    const starts: number[] = [];
    const look = async () => (starts.push(Date.now()), await tick(100), report);
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runDaemon(w.ctx, { heartbeatMs: 60_000, debounceMs: 40, stopped, look });
    await tick(150); // the start look is over
    w.emit[0]!('a'); // a look starts 40 ms later and takes 100
    await tick(50);
    w.emit[0]!('b'); // during that look: its quiet window ends during it too
    await tick(70);
    w.emit[0]!('c'); // 20 ms before that look ends
    const c = Date.now();
    await tick(200);
    stop();
    expect(await done).toBe(0);
    const next = starts.find((t) => t > c);
    expect(next).toBeDefined();
    expect(next! - c).toBeGreaterThanOrEqual(35);
  });

  it('the heartbeat looks without events when tailscale is not quietly Running', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runDaemon(w.ctx, { heartbeatMs: 40, debounceMs: 20, stopped, look: w.look, quiet: async () => false });
    await tick(230);
    const beat = Date.parse(loadAlive(w.run)!.beatAt);
    stop();
    await done;
    expect(w.counts().looks).toBeGreaterThanOrEqual(4);
    expect(w.counts().overlap).toBe(false);
    expect(Date.now() - beat).toBeLessThan(100);
  });

  it('a quiet heartbeat (tailscale Running, nothing open) makes no look; a failing question does', async () => {
    for (const [quietBeat, min, max] of [
      [async () => true, 1, 1],
      [async () => Promise.reject(new Error('tailscale hung')), 4, 99],
    ] as const) {
      const w = world();
      let stop = () => {};
      const stopped = new Promise<void>((r) => (stop = r));
      const done = runDaemon(w.ctx, { heartbeatMs: 40, debounceMs: 20, stopped, look: w.look, quiet: quietBeat });
      await tick(230);
      stop();
      await done;
      expect(w.counts().looks).toBeGreaterThanOrEqual(min);
      expect(w.counts().looks).toBeLessThanOrEqual(max);
    }
  });

  it('a look that stood aside (apt ran) is followed by another once the window may be over', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    let n = 0;
    const look = async () => ({ ...report, stoodAside: ++n === 1 });
    const done = runDaemon(w.ctx, {
      heartbeatMs: 60_000,
      debounceMs: 20,
      stopped,
      look,
      asideMs: 30,
      quiet: async () => true,
    });
    await tick(120);
    stop();
    await done;
    expect(n).toBe(2);
  });

  it('the apt watch: a tick each aptMs, never two at a time; at stop, the hand-over after the mark is gone', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    let ticks = 0;
    let inFlight = 0;
    let overlap = false;
    const handed: boolean[] = [];
    const apt = {
      // Each tick takes longer than aptMs: the timer's next ticks must wait, not pile up.
      tick: async () => {
        ticks++;
        if (++inFlight > 1) overlap = true;
        await tick(25);
        inFlight--;
        if (ticks === 2) throw new Error('lock busy'); // a failing tick is logged, and the next still runs
      },
      handOver: async () => void handed.push(existsSync(join(w.run, 'watch'))),
      open: () => true,
    };
    const done = runDaemon(w.ctx, { heartbeatMs: 60_000, debounceMs: 20, stopped, look: w.look, apt, aptMs: 10 });
    await tick(200);
    stop();
    expect(await done).toBe(0);
    expect(ticks).toBeGreaterThanOrEqual(4);
    expect(ticks).toBeLessThanOrEqual(9);
    expect(overlap).toBe(false);
    expect(handed).toEqual([false]);
  });

  it('with inotify on the run dir: no tick while no run is open; ticks while one is; each second again if inotify fails', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    let ticks = 0;
    let open = false;
    let changed = () => {};
    let failed = () => {};
    let unwatched = false;
    const apt = {
      tick: async () => void ticks++,
      handOver: async () => {},
      open: () => open,
      watchDir: (_c: AppContext, c: () => void, f: () => void) => (
        (changed = c),
        (failed = f),
        () => (unwatched = true)
      ),
    };
    const done = runDaemon(w.ctx, { heartbeatMs: 60_000, debounceMs: 20, stopped, look: w.look, apt, aptMs: 10 });
    await tick(80);
    expect(ticks).toBe(0); // idle: no wake-ups
    changed(); // an entry came, but it is not a run
    await tick(40);
    expect(ticks).toBe(0);
    open = true;
    changed(); // a run opened: a tick now, then each aptMs
    await tick(80);
    const during = ticks;
    expect(during).toBeGreaterThanOrEqual(4);
    open = false; // the run closed: the next tick sees it and the ticks stop
    await tick(40);
    const after = ticks;
    await tick(80);
    expect(ticks).toBe(after);
    failed(); // inotify lost: each aptMs again, open or not
    await tick(80);
    expect(ticks).toBeGreaterThanOrEqual(after + 4);
    stop();
    await done;
    expect(unwatched).toBe(true);
  });

  it('a run that inotify never reported is still found at the next heartbeat', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    let ticks = 0;
    let open = false;
    const apt = {
      tick: async () => void ticks++,
      handOver: async () => {},
      open: () => open,
      watchDir: () => () => {}, // inotify "works" but never calls back
    };
    const done = runDaemon(w.ctx, {
      heartbeatMs: 120,
      debounceMs: 20,
      stopped,
      look: w.look,
      quiet: async () => true,
      apt,
      aptMs: 10,
    });
    await tick(20);
    open = true;
    await tick(40);
    expect(ticks).toBe(0);
    await tick(150); // a heartbeat has passed
    stop();
    await done;
    expect(ticks).toBeGreaterThanOrEqual(1);
  });

  it('a monitor that keeps exiting: restarted 5 times, then the service ends with 1', async () => {
    const w = world({ dies: true });
    const code = await runDaemon(w.ctx, {
      heartbeatMs: 60_000,
      debounceMs: 20,
      stopped: new Promise(() => {}),
      look: w.look,
    });
    expect([code, w.counts().streams]).toEqual([1, 6]);
  });
});
