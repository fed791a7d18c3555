// The one place that spawns processes. Everything else receives `run` as a parameter.
import { execa } from 'execa';
import { ExecError } from './errors.js';

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
}
export interface RunResult {
  stdout: string;
  stderr: string;
}
export type Run = (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>;

const DEFAULT_TIMEOUT_MS = 10_000;

// Resolves with stdout/stderr on exit 0; rejects with ExecError otherwise (missing tool, non-zero, timeout).
export const run: Run = async (argv, opts = {}) => {
  const [file, ...args] = argv;
  if (!file) throw new ExecError(argv, 'empty command', null, '');
  const r = await execa(file, args, {
    reject: false,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : undefined,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
    env: { LC_ALL: 'C' },
  });
  if (r.exitCode === 0 && !r.failed) return { stdout: r.stdout, stderr: r.stderr };
  const stderr = String(r.stderr ?? '').trim();
  let reason: string;
  if (r.timedOut) reason = `timed out after ${opts.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`;
  else if ((r as { code?: string }).code === 'ENOENT') reason = 'command not found';
  else if (r.signal) reason = `killed by ${r.signal}`;
  else reason = `exit ${r.exitCode}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`;
  throw new ExecError(argv, reason, r.exitCode ?? null, stderr);
};
