// The one place that spawns processes. Everything else receives `run` as a parameter.
import { closeSync, constants, accessSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isAscii } from 'node:buffer';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExecError } from './errors.js';

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  // A watcher (`ip monitor`): stopped after this many ms, and what it printed until then is the result.
  // It must be one process: SIGTERM reaches only it, and a grandchild would hold stderr open.
  forMs?: number;
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

// The search path (PATH, handed in by context.ts) plus the sbin dirs: a non-root PATH lacks them,
// and ip and nft live there.
export function which(file: string, searchPath: string): string | null {
  if (file.includes('/')) return file;
  const dirs = [...searchPath.split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/bin'].filter(Boolean);
  let hit: string | null = null;
  for (const dir of dirs) {
    const p = join(dir, file);
    try {
      accessSync(p, constants.X_OK);
      if (statSync(p).isFile()) {
        hit = p;
        break;
      }
    } catch {
      // not here
    }
  }
  return hit;
}

// A Run that spawns, resolving names on `searchPath` (cached per name). Its promise resolves with
// stdout/stderr on exit 0, and rejects with ExecError otherwise (missing tool, non-zero, timeout).
// context.ts wraps it so that `ip -j` dumps asked for together share one process (ipbatch.ts).
export function spawner(searchPath: string): Run {
  const found = new Map<string, string | null>();
  const lookup = (name: string) => {
    if (!found.has(name)) found.set(name, which(name, searchPath));
    return found.get(name)!;
  };
  return (argv, opts) => spawnRun(lookup, argv, opts);
}

async function spawnRun(
  lookup: (name: string) => string | null,
  argv: readonly string[],
  opts: RunOptions = {},
): Promise<RunResult> {
  const [name, ...args] = argv;
  if (!name) throw new ExecError(argv, 'empty command', null, '');
  // A missing tool is common (no tailscale here); a stat is cheaper than a fork that fails.
  const file = lookup(name);
  if (!file) throw new ExecError(argv, 'command not found', null, '');
  const timeout = opts.forMs ?? opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
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
  const buf = readFileSync(path);
  // ASCII (nearly every dump) decodes as latin1 to the same text without UTF-8 decoding: ~3 ms of
  // a large snapshot's 6 MB of ip and nft JSON.
  const stdout = buf.toString(isAscii(buf) ? 'latin1' : 'utf8');
  rmSync(path, { force: true });
  const stderr = String(r.stderr ?? '');
  if ((r.exitCode === 0 && !r.failed) || (opts.forMs !== undefined && r.timedOut)) return { stdout, stderr };
  const signal = typeof r.signal === 'string' ? r.signal : null;
  throw new ExecError(argv, reasonOf(r, timeout, stderr.trim()), r.exitCode ?? null, stderr, signal, stdout);
}

// A long-lived child whose stdout lines are handed over as they come (the watch's `ip -o monitor`).
// Never throws; null if the tool is not found. `ended` resolves with its exit code when it exits.
export interface LineStream {
  stop: () => Promise<void>;
  ended: Promise<number | null>;
}
export function streamLines(
  searchPath: string,
  argv: readonly string[],
  onLine: (line: string) => void,
): LineStream | null {
  const [name, ...args] = argv;
  const file = name ? which(name, searchPath) : null;
  if (!file) return null;
  const child = execa(file, args, { stdin: 'ignore', stderr: 'ignore', reject: false, env: { LC_ALL: 'C' } });
  let rest = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) if (l) onLine(l);
  });
  const ended = child.then((r) => r.exitCode ?? null);
  return {
    stop: async () => {
      child.kill();
      await ended;
    },
    ended,
  };
}

function reasonOf(
  r: { timedOut: boolean; code?: string; signal?: string; exitCode?: number },
  timeout: number,
  stderr: string,
): string {
  if (r.timedOut) return `timed out after ${timeout} ms`;
  if (r.code === 'ENOENT') return 'command not found';
  if (r.signal) return `killed by ${r.signal}`;
  if (r.exitCode === undefined) return `could not start (${r.code ?? 'unknown error'})`;
  return `exit ${r.exitCode}${stderr ? `: ${stderr.split('\n')[0]}` : ''}`;
}
