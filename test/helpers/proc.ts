// A process that ran and has ended: its pid and start time name nobody now (a killed holder, a killed apt).
import { spawnSync } from 'node:child_process';
import { parseStart, self, type Holder } from '../../src/procid.js';

export function goneProcess(): Holder {
  const r = spawnSync(
    process.execPath,
    ['-e', 'process.stdout.write(require("fs").readFileSync("/proc/self/stat","utf8"))'],
    {
      encoding: 'utf8',
    },
  );
  return { pid: Number(r.stdout.split(' ')[0]), start: parseStart(r.stdout)!, boot: self().boot };
}
