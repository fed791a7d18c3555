// The watch loop with a fake netlink stream and a fake look: a burst of events is one look, looks
// never overlap, the heartbeat looks too, and a monitor that keeps dying ends the service.
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../src/context.js';
import type { LineStream } from '../../src/exec.js';
import { runDaemon } from '../../src/watch/daemon.js';
import type { WatchReport } from '../../src/watch/run.js';

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
  const ctx = { log: quiet, stream, sleep: () => tick(1) } as unknown as AppContext;
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
  return { ctx, emit, look, counts: () => ({ looks, overlap, streams }) };
}

describe('runDaemon', () => {
  it('a burst of events is one look after the quiet window; looks never overlap', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runDaemon(w.ctx, { heartbeatMs: 60_000, debounceMs: 20, stopped, look: w.look });
    await tick(50); // the start look
    for (let i = 0; i < 10; i++) w.emit[0]!(`event ${i}`);
    await tick(120);
    stop();
    expect(await done).toBe(0);
    expect(w.counts()).toEqual({ looks: 2, overlap: false, streams: 1 });
  });

  it('the heartbeat looks without events', async () => {
    const w = world();
    let stop = () => {};
    const stopped = new Promise<void>((r) => (stop = r));
    const done = runDaemon(w.ctx, { heartbeatMs: 40, debounceMs: 20, stopped, look: w.look });
    await tick(230);
    stop();
    await done;
    expect(w.counts().looks).toBeGreaterThanOrEqual(4);
    expect(w.counts().overlap).toBe(false);
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
