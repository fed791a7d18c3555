// exec's spawner against real processes: the one place that spawns.
import { describe, expect, it } from 'vitest';
import { spawner, which } from '../src/exec.js';
import { ExecError } from '../src/errors.js';

const run = spawner(process.env.PATH ?? '');

describe('exec.run', () => {
  it('returns stdout written to its file, byte for byte', async () => {
    const r = await run(['node', '-e', 'process.stdout.write("x".repeat(300000) + "\\n")']);
    expect(r.stdout).toBe(`${'x'.repeat(300_000)}\n`);
  });
  it('decodes UTF-8 output as UTF-8 (an nft comment, a host name), ASCII as the same text', async () => {
    expect((await run(['node', '-e', 'process.stdout.write("zürich-gw ✓\\n")'])).stdout).toBe('zürich-gw ✓\n');
    expect((await run(['node', '-e', 'process.stdout.write("[{}]\\n")'])).stdout).toBe('[{}]\n');
  });
  it.each([
    [['no-such-tool-apt-netguard'], 'command not found'],
    [['sh', '-c', 'echo boom >&2; exit 3'], 'exit 3: boom'],
  ])('%j fails with ExecError: %s', async (argv, reason) => {
    const err = await run(argv).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect((err as ExecError).reason).toBe(reason);
  });
  it('times out', async () => {
    const err = await run(['sleep', '5'], { timeoutMs: 100 }).catch((e: unknown) => e);
    expect((err as ExecError).reason).toBe('timed out after 100 ms');
  });
  it('forMs: a watcher is stopped after the window, and what it printed until then is the result', async () => {
    const t0 = Date.now();
    // `exec`: a watcher is one process (as ip monitor is); a grandchild would keep stderr open.
    const r = await run(['sh', '-c', 'echo first; sleep 0.1; echo second; exec sleep 5'], { forMs: 400 });
    expect(r.stdout).toBe('first\nsecond\n');
    expect(Date.now() - t0).toBeLessThan(2_000);
  });
  it('forMs: a watcher that fails before the window ends still fails', async () => {
    const err = await run(['sh', '-c', 'echo bad >&2; exit 2'], { forMs: 400 }).catch((e: unknown) => e);
    expect((err as ExecError).reason).toBe('exit 2: bad');
  });
  it('finds sbin tools even when PATH lacks sbin', () => {
    expect(which('sh', '/nonexistent')).toMatch(/^\/(usr\/)?bin\/sh$/);
  });
});
