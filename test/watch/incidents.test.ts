// The watch's incident state machine, table-driven: one action per incident, the hourly limit,
// suspension after a failure, report mode, and standing aside while apt runs.
import { describe, expect, it } from 'vitest';
import type { Detection, Signature } from '../../src/watch/classify.js';
import { emptyWatch, lift, outcome, step, type StepInput, type WatchState } from '../../src/watch/incidents.js';

const T0 = Date.parse('2026-12-02T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const det = (...sigs: Signature[]): Detection[] => sigs.map((signature) => ({ signature, evidence: ['x'] }));
const input = (s: number, over: Partial<StepInput> = {}): StepInput => ({
  now: at(s),
  mode: 'act',
  standAside: false,
  maxPerHour: 3,
  ...over,
});

// Runs detections at the given seconds and returns what each step acted on.
function play(ticks: [number, Detection[], Partial<StepInput>?][], start: WatchState = emptyWatch()) {
  let st = start;
  const acted: string[] = [];
  const alerts: string[] = [];
  for (const [s, d, over] of ticks) {
    const v = step(st, d, input(s, over));
    acted.push(v.act.join(',') || '-');
    alerts.push(...v.alerts);
    st = v.next;
  }
  return { acted, alerts, st };
}

describe('incidents', () => {
  it.each<[string, [number, Detection[], Partial<StepInput>?][], string[]]>([
    ['one detection: one action', [[0, det('stale-iif')]], ['stale-iif']],
    [
      'still detected next tick: no second action',
      [
        [0, det('stale-iif')],
        [5, det('stale-iif')],
      ],
      ['stale-iif', '-'],
    ],
    [
      'good again, then a new incident: acts again',
      [
        [0, det('stale-iif')],
        [5, []],
        [10, det('stale-iif')],
      ],
      ['stale-iif', '-', 'stale-iif'],
    ],
    ['two signatures at once: both', [[0, det('stale-iif', 'table52-lost')]], ['stale-iif,table52-lost']],
    [
      'the hourly limit across signatures (3)',
      [
        [0, det('stale-iif')],
        [1, []],
        [2, det('stale-iif')],
        [3, []],
        [4, det('table52-lost')],
        [5, []],
        [6, det('stale-iif')],
      ],
      ['stale-iif', '-', 'stale-iif', '-', 'table52-lost', '-', '-'],
    ],
    [
      'an hour later the limit has room again',
      [
        [0, det('stale-iif')],
        [1, []],
        [2, det('stale-iif')],
        [3, []],
        [4, det('stale-iif')],
        [5, []],
        [3605, det('stale-iif')],
      ],
      ['stale-iif', '-', 'stale-iif', '-', 'stale-iif', '-', 'stale-iif'],
    ],
    ['standing aside while apt runs: nothing', [[0, det('table52-lost'), { standAside: true }]], ['-']],
    [
      'after the dpkg window, a loss still there is acted on',
      [
        [0, det('table52-lost'), { standAside: true }],
        [5, det('table52-lost')],
      ],
      ['-', 'table52-lost'],
    ],
    ['report mode: never acts', [[0, det('backend-stuck'), { mode: 'report' }]], ['-']],
    ['off: never acts', [[0, det('backend-stuck'), { mode: 'off' }]], ['-']],
  ])('%s', (_what, ticks, want) => expect(play(ticks).acted).toEqual(want));

  it('the limit reached: one alert, the signature suspended, no loop', () => {
    const ticks: [number, Detection[]][] = [];
    for (let s = 0; s < 60; s += 2) ticks.push([s, s % 4 === 0 ? det('stale-iif') : []]);
    const { acted, alerts, st } = play(ticks);
    expect(acted.filter((a) => a !== '-')).toHaveLength(3);
    expect(alerts).toEqual([
      'stale-iif: not acted on, watch.max-per-hour (3) reached; suspended until the state is good again',
    ]);
    // Suspended while the hour has no room, good or not; an hour after the first action it may act again.
    expect(st.signatures['stale-iif']?.state).toBe('suspended');
    const later = play(
      [
        [3601, []],
        [3602, det('stale-iif')],
      ],
      st,
    );
    expect(later.acted).toEqual(['-', 'stale-iif']);
  });

  it('report mode alerts once per incident', () => {
    const { alerts } = play([
      [0, det('backend-stuck'), { mode: 'report' }],
      [5, det('backend-stuck'), { mode: 'report' }],
    ]);
    expect(alerts).toEqual(['backend-stuck: detected (report mode, nothing done): x']);
  });

  it('a failed attempt suspends, alerts once, and restore lifts it', () => {
    const first = step(emptyWatch(), det('backend-stuck'), input(0));
    expect(first.act).toEqual(['backend-stuck']);
    const failed = outcome(first.next, 'backend-stuck', 'failed', at(30));
    expect(failed.alert).toMatch(/^backend-stuck: restore failed; suspended/);
    const again = step(failed.next, det('backend-stuck'), input(60));
    expect([again.act, again.skipped.map((s) => s.why)]).toEqual([[], ['suspended: the last attempt failed']]);
    const lifted = step(lift(again.next), det('backend-stuck'), input(90));
    expect(lifted.act).toEqual(['backend-stuck']);
  });

  it('before its outcome, an incident acted on gets no second action', () => {
    const first = step(emptyWatch(), det('stale-iif'), input(0));
    const again = step(first.next, det('stale-iif'), input(1));
    expect([again.act, again.skipped.map((s) => s.why)]).toEqual([[], ['this incident was already handled once']]);
  });

  it('a verified attempt ends the incident: the signature back is a new one, and the hour counts it', () => {
    let st = emptyWatch();
    const acted: string[] = [];
    const alerts: string[] = [];
    // tailscale0 recreated every 2 s, each look right after a flap: the restore verifies, the flap undoes it.
    for (let s = 0; s < 60; s += 2) {
      const v = step(st, det('stale-iif'), input(s));
      alerts.push(...v.alerts);
      st = v.next;
      for (const sig of v.act) {
        acted.push(`${s}`);
        st = outcome(st, sig, 'verified', at(s + 1)).next;
      }
    }
    expect(acted).toEqual(['0', '2', '4']);
    expect(alerts).toHaveLength(1);
    expect(st.signatures['stale-iif']?.state).toBe('suspended');
  });
});
