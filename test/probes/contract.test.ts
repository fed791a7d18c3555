// Every registered probe has the same shape, and none is fatal when its tool is missing.
import { describe, expect, it } from 'vitest';
import { probes, probeNames } from '../../src/probes/index.js';
import { fakeRun } from '../helpers/fake-run.js';

const ctx = { units: ['tailscaled.service'], timeoutMs: 1000, exists: () => true };

describe.each(probeNames)('probe %s', (name) => {
  const mod = probes[name];
  it('exports probe {name, commands, parse} and read', () => {
    expect(mod.probe.name).toBe(name);
    expect(typeof mod.probe.parse).toBe('function');
    expect(typeof mod.read).toBe('function');
    for (const c of mod.probe.commands(ctx))
      expect(c.argv.every((a) => typeof a === 'string' && a.length > 0)).toBe(true);
  });
  it('is unavailable, with the reason, when its tool is missing', async () => {
    const { run } = fakeRun({});
    const r = await mod.read(run, ctx);
    expect(r).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('command not found') });
  });
  it('is unavailable, not thrown, when the output is garbage', async () => {
    const answers = Object.fromEntries(mod.probe.commands(ctx).map((c) => [c.argv.join(' '), '<html>oops']));
    const r = await mod.read(fakeRun(answers).run, ctx);
    if (name === 'sockets')
      expect(r.status).toBe('ok'); // line-oriented: garbage lines are skipped
    else expect(r).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('unparseable') });
  });
});

describe('probes that need systemd', () => {
  it.each(['systemd', 'networkd'] as const)(
    '%s is unavailable without spawning when systemd is not PID 1',
    async (name) => {
      const { run, calls } = fakeRun({});
      const r = await probes[name].read(run, { ...ctx, exists: (p) => p !== '/run/systemd/system' });
      expect(r).toMatchObject({ status: 'unavailable', reason: 'systemd is not running (no /run/systemd/system)' });
      expect(calls).toEqual([]);
    },
  );
});
