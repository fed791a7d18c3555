// takeSnapshot starts every probe's processes in one turn, then runs its caller's `meanwhile` work
// while they run: before any of them has been waited for.
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/exec.js';
import { ExecError } from '../../src/errors.js';
import { takeSnapshot } from '../../src/snapshot/take.js';

describe('takeSnapshot', () => {
  it("runs `meanwhile` once, after every probe's command has started and before any has ended", async () => {
    const started: string[] = [];
    let ended = 0;
    const run: Run = async (argv) => {
      started.push(argv.join(' '));
      await new Promise((r) => setTimeout(r, 20));
      ended++;
      throw new ExecError(argv, 'not here', null, '');
    };
    const seen: { started: number; ended: number }[] = [];
    const snap = await takeSnapshot(run, {
      units: ['tailscaled.service'],
      timeoutMs: 1000,
      exists: () => true,
      meanwhile: () => void seen.push({ started: started.length, ended }),
    });
    expect(seen).toEqual([{ started: started.length, ended: 0 }]);
    expect(started.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(snap.probes).length).toBeGreaterThanOrEqual(8);
  });
});
