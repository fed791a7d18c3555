// Flags to settings: what each flag sets, and the usage errors.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { COMMON, PROBE_FLAGS, parse, positiveInt, probeContext, settingsOf } from '../../src/commands/options.js';
import { DEFAULT_UNITS } from '../../src/tailscale.js';

describe('positiveInt', () => {
  it.each([
    [undefined, 7],
    ['3', 3],
    ['10000', 10_000],
  ])('%s -> %i', (v, want) => expect(positiveInt('keep', v, 7)).toBe(want));
  it.each(['0', '-1', '1.5', 'x', ''])('%j is a usage error', (v) =>
    expect(() => positiveInt('keep', v, 7)).toThrow(new UsageError(`--keep wants a positive whole number, not ${v}`)),
  );
});

describe('settingsOf and probeContext', () => {
  const v = (args: string[]) => parse(args, { ...COMMON, ...PROBE_FLAGS }).values;
  it('flags reach the settings', () => {
    const s = settingsOf(v(['--state-dir', '/s', '--timeout', '250']));
    expect(s.stateDir).toBe('/s');
    expect(s.probe.timeoutMs).toBe(250);
  });
  it('the entry default timeout when no flag', () =>
    expect(settingsOf(v([]), { timeoutMs: 10_000 }).probe.timeoutMs).toBe(10_000));
  it('units: --unit, else the defaults', () => {
    const s = settingsOf(v([]));
    expect(probeContext(v([]), s).units).toEqual([...DEFAULT_UNITS]);
    expect(probeContext(v(['--unit', 'a.service', '--unit', 'b.service']), s).units).toEqual([
      'a.service',
      'b.service',
    ]);
  });
  it('an unknown flag is a usage error', () => expect(() => v(['--frobnicate'])).toThrow(UsageError));
});
