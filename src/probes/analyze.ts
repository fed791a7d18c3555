// `systemd-analyze verify default.target`: the boot transaction, whose ordering cycles systemd
// breaks at boot by deleting a job. Verifying one unit alone does not see them.
import { readProbe, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

// NOTE: systemd 252 and 257 print one cycle as `X: Found ordering cycle on A/start`, then
// `X: Found dependency on B/start`... back to A, then `Job B/start deleted to break ordering cycle`.
// It reports only the first cycle it breaks per job (mechanisms.md, checked in both releases).
export function parseCycles(text: string): string[][] {
  const cycles: string[][] = [];
  let cur: string[] | null = null;
  for (const line of text.split('\n')) {
    const start = /Found ordering cycle on (\S+?)\/\w+/.exec(line);
    if (start) {
      cur = [start[1]!];
      cycles.push(cur);
      continue;
    }
    const dep = /Found dependency on (\S+?)\/\w+/.exec(line);
    if (dep && cur && !cur.includes(dep[1]!)) cur.push(dep[1]!);
    if (/deleted to break ordering cycle/.test(line)) cur = null;
  }
  return cycles;
}

export const bootCycles: Probe<string[][]> = {
  name: 'boot transaction',
  commands: () => [{ argv: ['systemd-analyze', 'verify', 'default.target'], report: true }],
  parse: ([text]) => parseCycles(text ?? ''),
};
export const readBootCycles = (run: Run, ctx: ProbeContext) => readProbe(bootCycles, run, ctx);
