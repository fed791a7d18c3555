// Runs `ip -j` dumps asked for in the same tick with the same options as one `ip -batch -`.
// A snapshot asks for five (addr, rule and route per family); spawning is synchronous in node, ~2 ms
// each on the main thread. Three processes instead of five: a small snapshot 1.3, 2.5 and 5.0 ms
// faster in three interleaved A/B runs (bench/, 2026-11).
import type { Run, RunOptions, RunResult } from './exec.js';

interface Pending {
  line: string;
  argv: readonly string[];
  opts: RunOptions;
  resolve: (r: RunResult) => void;
  reject: (e: unknown) => void;
}

const FLAGS = new Set(['-4', '-6', '-d', '-j', '-s']);

// `ip -4 -j rule show` → options `-4 -j`, command `rule show`. Only one-line JSON dumps qualify:
// their outputs are split by line, which pretty-printed (-p) or plain text would break.
export function splitIpArgv(argv: readonly string[]): { opts: string; line: string } | null {
  if (argv[0] !== 'ip') return null;
  const i = argv.findIndex((a, n) => n > 0 && !a.startsWith('-'));
  if (i < 0) return null;
  const opts = argv.slice(1, i);
  const line = argv.slice(i);
  // Flags without an argument only (`-n NS` would read as the command), and never -p (pretty).
  if (!opts.includes('-j') || !opts.every((o) => FLAGS.has(o))) return null;
  if (line.some((a) => /[\s"'\\#]/.test(a))) return null;
  return { opts: opts.join(' '), line: line.join(' ') };
}

export function coalesceIp(run: Run): Run {
  let queue = new Map<string, Pending[]>();
  let scheduled = false;
  const flush = () => {
    const groups = queue;
    queue = new Map();
    scheduled = false;
    for (const [opts, items] of groups) void runGroup(run, opts, items);
  };
  return (argv, opts = {}) => {
    const split = opts.input === undefined && opts.forMs === undefined ? splitIpArgv(argv) : null;
    if (!split) return run(argv, opts);
    return new Promise<RunResult>((resolve, reject) => {
      const group = queue.get(split.opts) ?? [];
      group.push({ line: split.line, argv, opts, resolve, reject });
      queue.set(split.opts, group);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    });
  };
}

async function runGroup(run: Run, opts: string, items: Pending[]): Promise<void> {
  const one = (p: Pending) => run(p.argv, p.opts).then(p.resolve, p.reject);
  if (items.length === 1) return one(items[0]!);
  const timeoutMs = Math.max(...items.map((p) => p.opts.timeoutMs ?? 10_000));
  try {
    const r = await run(['ip', ...opts.split(' '), '-batch', '-'], {
      timeoutMs,
      input: `${items.map((p) => p.line).join('\n')}\n`,
    });
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    if (lines.length === items.length && lines.every((l) => l.startsWith('[') && l.endsWith(']'))) {
      items.forEach((p, i) => p.resolve({ stdout: `${lines[i]}\n`, stderr: '' }));
      return;
    }
  } catch {
    // One command failed and ip stopped there: run each alone, so each gets its own result or error.
  }
  await Promise.all(items.map(one));
}
