// A recording stand-in for exec.run: answers by argv, remembers every call.
import type { Run } from '../../src/exec.js';
import { ExecError } from '../../src/errors.js';

export type Answer = string | Error;

export function fakeRun(answers: Record<string, Answer>) {
  const calls: string[][] = [];
  const run: Run = async (argv) => {
    calls.push([...argv]);
    const a = answers[argv.join(' ')];
    if (a === undefined) throw new ExecError(argv, 'command not found', null, '');
    if (a instanceof Error) throw a;
    return { stdout: a, stderr: '' };
  };
  return { run, calls };
}
