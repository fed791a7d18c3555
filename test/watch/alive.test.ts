// What status says of the watch service from its mark in the run dir (table-driven, pure).
import { describe, expect, it } from 'vitest';
import { liveness, type WatchAlive } from '../../src/watch/alive.js';

const now = new Date('2026-12-02T12:00:00Z');
const mark = (beatAt: string): WatchAlive => ({
  holder: { pid: 4242, start: '99', boot: 'b' },
  startedAt: '2026-12-02T10:00:00Z',
  beatAt,
  heartbeatMs: 60_000,
});

describe('liveness', () => {
  it.each([
    ['no mark: not running, no problem', null, true, false, false],
    ['a fresh heartbeat: running', mark('2026-12-02T11:59:30Z'), true, true, false],
    ['2.5 heartbeats old: still running', mark('2026-12-02T11:57:30Z'), true, true, false],
    ['more than 3 heartbeats old: hung', mark('2026-12-02T11:56:50Z'), true, true, true],
    ['its process is gone: a crash left the mark', mark('2026-12-02T11:59:30Z'), false, false, true],
  ])('%s', (_, a, procAlive, running, problem) => {
    const r = liveness(a, now, () => procAlive);
    expect([r.running, r.problem !== null]).toEqual([running, problem]);
    expect(r.line).toMatch(/^watch: /);
  });
});
