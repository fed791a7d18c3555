// The structure drawn from the imports: no cycle, no import from a lower layer to a higher one, one
// reader of the environment, one place that spawns, and pure modules that touch no outside world.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;
const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
const text = new Map(files.map((f) => [f, readFileSync(join(SRC, f), 'utf8')]));

// Every import, static, re-export or dynamic, type-only included: a type import still couples.
const SPEC = /(?:^|\n)\s*(?:import|export)\b[^;'"]*?from\s*'([^']+)'|\bimport\('([^']+)'\)/g;
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of text.get(file)!.matchAll(SPEC)) out.push((m[1] ?? m[2])!);
  return out;
}
const internal = (file: string) =>
  importsOf(file)
    .filter((s) => s.startsWith('.'))
    .map((s) => relative(SRC, join(SRC, dirname(file), s)).replace(/\.js$/, '.ts'));

// Lowest first: a module may import its own layer or lower ones. Named by folder or file; the
// README's code map has one row per entry.
const LAYERS = [
  ['errors', 'stdout', 'fsutil', 'lock', 'log', 'procid', 'parsecache', 'compare'],
  ['state'],
  ['exec', 'ipbatch', 'journald'],
  ['tailscale'],
  ['probes'],
  ['snapshot', 'apt', 'problems', 'policy', 'config'],
  ['diff'],
  ['context', 'txn'],
  ['restore'],
  ['watch', 'doctor', 'metrics'],
  ['lifecycle'],
  ['commands'],
  ['cli', 'main'],
];
const unitOf = (file: string) => file.split('/')[0]!.replace(/\.ts$/, '');
const layerOf = (file: string) => LAYERS.findIndex((l) => l.includes(unitOf(file)));

describe('architecture', () => {
  it('every module has a layer (boot/ is the bundle outside the program)', () => {
    expect(files.filter((f) => !f.startsWith('boot/') && layerOf(f) < 0)).toEqual([]);
  });

  it('no module imports from a higher layer', () => {
    const upward = files
      .filter((f) => !f.startsWith('boot/'))
      .flatMap((f) =>
        internal(f)
          .filter((t) => layerOf(t) > layerOf(f))
          .map((t) => `${f} -> ${t}`),
      );
    expect(upward).toEqual([]);
  });

  it('the boot code imports nothing of the program but fsutil and errors', () => {
    const boot = files.filter((f) => f.startsWith('boot/'));
    const out = boot.flatMap((f) => internal(f).filter((t) => !/^(boot\/|fsutil|errors)/.test(t)));
    expect(out).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(files.map((f) => [f, internal(f)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') return void cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      state.set(f, 'open');
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of files) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it('reads process.env in context.ts and the boot code only', () => {
    const readers = files.filter((f) => /process\.env\b/.test(text.get(f)!.replace(/\/\/.*$/gm, '')));
    expect(readers.filter((f) => f !== 'context.ts' && !f.startsWith('boot/'))).toEqual([]);
  });

  it('spawns in exec.ts only', () => {
    const spawners = files.filter((f) => importsOf(f).some((s) => s === 'execa' || s === 'node:child_process'));
    expect(spawners).toEqual(['exec.ts']);
  });

  // The functional core: plain data in, plain data out, no file, process or clock of its own.
  it.each([
    'diff/index.ts',
    'diff/net.ts',
    'diff/nft.ts',
    'diff/services.ts',
    'diff/findings.ts',
    'policy/decide.ts',
    'policy/validate.ts',
    'policy/model.ts',
    'policy/order.ts',
    'policy/dpkgver.ts',
    'restore/plan.ts',
    'restore/verify.ts',
    'restore/ratelimit.ts',
    'restore/replay.ts',
    'restore/baseline.ts',
    'restore/model.ts',
    'restore/format.ts',
    'txn/model.ts',
    'config/validate.ts',
    'problems.ts',
    'tailscale.ts',
    'watch/classify.ts',
    'watch/incidents.ts',
    'watch/facts.ts',
    'doctor/model.ts',
    'doctor/evidence.ts',
    'doctor/checks.ts',
    'doctor/checks/networkd.ts',
    'doctor/checks/nft.ts',
    'doctor/checks/sockets.ts',
    'doctor/checks/host.ts',
    'doctor/checks/packaging.ts',
    'doctor/fix.ts',
    'doctor/format.ts',
  ])('%s is pure', (f) => {
    const io = importsOf(f).filter((s) => /^node:(fs|child_process|os|net|http|https)$|exec\.js$|state\.js$/.test(s));
    expect(io).toEqual([]);
    expect(text.get(f)).not.toMatch(/\bnew Date\(\)|Date\.now\(\)/);
  });
});
