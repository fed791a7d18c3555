// The facts the watch classifies, from real captured lab state (bookworm-netns, -recreated).
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/watch/classify.js';
import { emptyWatch } from '../../src/watch/incidents.js';
import { factsOf } from '../../src/watch/facts.js';
import type { WatchDoc } from '../../src/watch/store.js';
import { snapshotFromLab } from '../helpers/snapshots.js';

const doc = (notRunningSince: string | null = null): WatchDoc => ({
  incidents: emptyWatch(),
  notRunningSince,
  baselineAt: null,
  baselineWhy: null,
});
const NOW = new Date('2026-11-22T00:05:00Z');
const ts = (backendState: string, exitNodeID = '') => ({
  tailscale: {
    status: 'ok' as const,
    ms: 1,
    data: {
      backendState,
      selfIPs: ['100.64.0.7'],
      exitNode: null,
      prefs: { wantRunning: true, exitNodeID, exitNodeAllowLANAccess: true, advertiseRoutes: [] },
    },
  },
});

describe('factsOf', () => {
  const base = snapshotFromLab('bookworm-netns', ts('Running'));
  it('the same state: nothing to classify, tailscale0 has its address', () => {
    const f = factsOf(base, base, doc(), NOW, 90_000);
    expect([f.findings.length, f.tsAddress, f.prefsChanged, f.notRunningForMs]).toEqual([0, true, false, null]);
    expect(classify(f)).toEqual([]);
  });
  it('tailscale0 recreated (captured): stale iif', () => {
    const live = snapshotFromLab('bookworm-netns-recreated', ts('Running'));
    expect(classify(factsOf(base, live, doc(), NOW, 90_000)).map((d) => d.signature)).toContain('stale-iif');
  });
  it('an exit node chosen on purpose is a prefs change', () => {
    const live = snapshotFromLab('bookworm-netns', ts('Running', 'nodeX'));
    expect(factsOf(base, live, doc(), NOW, 90_000).prefsChanged).toBe(true);
  });
  it('not Running for 2 minutes', () => {
    const live = snapshotFromLab('bookworm-netns', ts('Starting'));
    const f = factsOf(base, live, doc('2026-11-22T00:03:00Z'), NOW, 90_000);
    expect([f.backend, f.notRunningForMs]).toEqual(['Starting', 120_000]);
  });
});
