// The one place that spawns processes. Everything else receives `run` as a parameter.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

// A private (0700, random) dir for child stdout, removed when the process exits.
let outDir: string | null = null;
let seq = 0;
function outFile(): string {
  if (!outDir) {
    const dir = mkdtempSync(join(tmpdir(), 'apt-netguard-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    outDir = dir;
  }
  return join(outDir, `${process.pid}-${seq++}.out`);
}

// Resolves with stdout/stderr on exit 0; rejects with ExecError otherwise (missing tool, non-zero, timeout).
export const run: Run = async (argv, opts = {}) => {
  const [file, ...args] = argv;
  if (!file) throw new ExecError(argv, 'empty command', null, '');
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Children write stdout to a file, not a pipe: `ip -j route` on 50k routes emits 4 KiB writes,
  // and waking node for each cost ~50 ms more than the command itself (bench/, 2026-11).
  const path = outFile();
  const fd = openSync(path, 'wx', 0o600);
  let r;
  try {
    r = await execa(file, args, {
      reject: false,
      timeout,
      // NOTE: execa 9 accepts a file descriptor here at run time (lib/stdio/native.js); its .d.ts only lists fds 3-9.
      stdout: fd as unknown as 'pipe',
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
      stripFinalNewline: false,
      env: { LC_ALL: 'C' },
    });
  } finally {
    closeSync(fd);
  }
  const stdout = readFileSync(path, 'utf8');
  rmSync(path, { force: true });
  const stderr = String(r.stderr ?? '');
  if (r.exitCode === 0 && !r.failed) return { stdout, stderr };
  throw new ExecError(argv, reasonOf(r, timeout, stderr.trim()), r.exitCode ?? null, stderr);
};

function reasonOf(r: { timedOut: boolean; code?: string; signal?: string; exitCode?: number }, timeout: number, stderr: string): string {
  if (r.timedOut) return `timed out after ${timeout} ms`;
  if (r.code === 'ENOENT') return 'command not found';
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`;
}
