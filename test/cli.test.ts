// The CLI's contract: exit codes, one-line errors, --json shapes (programmatic main(), no spawning).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main, runCli } from '../src/cli.js';
import { snapshotFromLab } from './helpers/snapshots.js';
import { scratch } from './helpers/scratch.js';

// Commands write their output through src/stdout.ts (fd 1), their errors to process.stderr.
const sink = vi.hoisted(() => ({ out: '' }));
vi.mock('../src/stdout.js', () => ({
  out: (s: string) => {
    sink.out += s;
  },
}));

function capture() {
  let err = '';
  sink.out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  return { out: () => sink.out, err: () => err };
}
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const files = () => {
  const d = scratch('ng-cli-');
  const a = join(d, 'a.json');
  const b = join(d, 'b.json');
  writeFileSync(a, JSON.stringify(snapshotFromLab('bookworm-netns')));
  writeFileSync(b, JSON.stringify(snapshotFromLab('bookworm-netns-recreated')));
  return { d, a, b };
};

describe('cli', () => {
  it('diff of identical snapshots exits 0 and says so', async () => {
    const { a } = files();
    const io = capture();
    expect(await main(['diff', a, a])).toBe(0);
    expect(io.out()).toBe('no findings\n');
  });
  it('diff with findings exits 1; --json gives {"findings":[...]}', async () => {
    const { a, b } = files();
    const io = capture();
    expect(await main(['diff', a, b, '--json'])).toBe(1);
    const doc = JSON.parse(io.out());
    expect(doc.findings.map((f: { kind: string }) => f.kind)).toContain('ifindex-changed');
    expect(doc.findings.every((f: { severity: string }) => ['critical', 'warning', 'info'].includes(f.severity))).toBe(
      true,
    );
  });
  it('human diff prints one line per finding', async () => {
    const { a, b } = files();
    const io = capture();
    await main(['diff', a, b]);
    expect(io.out().trim().split('\n')[0]).toBe('warning  ifindex-changed ifname=tailscale0 before=4 after=5');
  });
  it.each([
    [['diff', 'onlyone'], /two snapshots/],
    [['diff', '--bogus'], /Unknown option '--bogus'/],
    [['snapshot', '--label', 'Bad Label'], /--label must match/],
    [['snapshot', '--keep', '0'], /--keep wants a positive whole number/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['diff', '/nonexistent/a.json', '/nonexistent/b.json'], /cannot read snapshot/],
  ])('%j is exit 2 with a one-line message', async (argv, msg) => {
    const io = capture();
    await runCli(argv);
    expect(process.exitCode).toBe(2);
    expect(io.err()).toMatch(msg);
    expect(io.err().trim().split('\n')).toHaveLength(1);
  });
  it.each(['snapshot', 'diff', 'list'])('%s --help prints usage and exits 0', async (cmd) => {
    const io = capture();
    expect(await main([cmd, '--help'])).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^Usage: apt-netguard ${cmd}`));
  });
  it('list --json reads the state dir', async () => {
    const d = scratch('ng-cli-');
    const io = capture();
    expect(await main(['list', '--json', '--state-dir', d])).toBe(0);
    expect(JSON.parse(io.out())).toEqual({ snapshots: [] });
  });
  it('list marks a truncated snapshot and one moved aside as UNREADABLE, and exits 1', async () => {
    const d = scratch('ng-cli-');
    const snaps = join(d, 'snapshots');
    mkdirSync(snaps);
    const whole = JSON.stringify(snapshotFromLab('bookworm-netns'));
    writeFileSync(join(snaps, '2026-01-01T00-00-01-000Z.json'), whole);
    writeFileSync(join(snaps, '2026-01-01T00-00-02-000Z.json'), whole.slice(0, 200));
    writeFileSync(join(snaps, '2026-01-01T00-00-03-000Z.json.corrupt-2026-01-02T00-00-00-000Z'), 'x');
    const io = capture();
    expect(await main(['list', '--state-dir', d])).toBe(1);
    expect(
      io
        .out()
        .split('\n')
        .map((l) => l.replace(/ {2}\d+/, '')),
    ).toEqual([
      '2026-01-01T00-00-01-000Z',
      '2026-01-01T00-00-02-000Z  UNREADABLE (truncated)',
      '2026-01-01T00-00-03-000Z.json.corrupt-2026-01-02T00-00-00-000Z  UNREADABLE (moved aside as corrupt)',
      '',
    ]);
  });
});
