// A fake systemd for executor tests: units with a state, restarts that may fail, every call recorded.
import { ExecError } from '../../src/errors.js';
import type { Run } from '../../src/exec.js';

export interface FakeUnit {
  state: string;
  // This many start attempts fail before one succeeds (Infinity: never starts).
  failStarts?: number;
  // The unit dies again after this many reads of its state following a successful start (once).
  diesAfterReads?: number;
}

export function fakeSystemd(units: Record<string, FakeUnit>) {
  const calls: string[] = [];
  const run: Run = async (argv) => {
    calls.push(argv.join(' '));
    const [cmd, verb, ...rest] = argv;
    if (cmd !== 'systemctl') throw new ExecError(argv, 'command not found', null, '');
    const name = rest.at(-1)!;
    const u = units[name];
    if (verb === 'show') {
      for (const id of rest) {
        const x = units[id];
        if (x?.diesAfterReads !== undefined && x.state === 'active' && --x.diesAfterReads < 0) {
          x.state = 'failed';
          delete x.diesAfterReads;
        }
      }
      const ids = rest.includes('--') ? rest.slice(rest.indexOf('--') + 1) : [name];
      if (rest.includes('--value')) return { stdout: `${u?.state ?? 'inactive'}\n`, stderr: '' };
      return {
        stdout: ids.map((id) => `Id=${id}\nActiveState=${units[id]?.state ?? 'inactive'}\nSubState=x\n`).join('\n'),
        stderr: '',
      };
    }
    if (!u) throw new ExecError(argv, `exit 5: Unit ${name} not found.`, 5, '');
    if (verb === 'reset-failed') {
      u.state = 'inactive';
      return { stdout: '', stderr: '' };
    }
    if (verb === 'restart' || verb === 'reload-or-restart') {
      if ((u.failStarts ?? 0) > 0) {
        u.failStarts = (u.failStarts ?? 0) - 1;
        u.state = 'failed';
        throw new ExecError(argv, `exit 1: Job for ${name} failed.`, 1, '');
      }
      u.state = 'active';
      return { stdout: '', stderr: '' };
    }
    throw new ExecError(argv, 'unexpected', 1, '');
  };
  return { run, calls, units };
}
