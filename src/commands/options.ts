// Flag parsing shared by every subcommand (node:util parseArgs; unknown flags are usage errors), and
// the flags' share of the context's settings (context.ts resolves the rest).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { settings, type Defaults, type Settings } from '../context.js';
import { UsageError } from '../errors.js';
import type { ProbeContext } from '../probes/types.js';
import { DEFAULT_UNITS } from '../tailscale.js';

export const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
} as const;

export const PROBE_FLAGS = {
  unit: { type: 'string', multiple: true },
  timeout: { type: 'string' },
} as const;

export const POLICY_FLAGS = {
  'policy-dir': { type: 'string' },
} as const;

export function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function positiveInt(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(
      `--${name} wants a positive whole number, not ${typeof v === 'string' ? v : JSON.stringify(v)}`,
    );
  return n;
}

type Value = string | boolean | (string | boolean)[] | undefined;
const text = (v: Value) => (typeof v === 'string' ? v : undefined);

// This command's settings: its flags over the environment over `defaults` (context.ts).
export function settingsOf(
  v: { 'state-dir'?: Value; 'policy-dir'?: Value; timeout?: Value },
  defaults?: Defaults,
): Settings {
  const timeout = text(v.timeout);
  return settings(
    {
      stateDir: text(v['state-dir']),
      policyDir: text(v['policy-dir']),
      timeoutMs: timeout === undefined ? undefined : positiveInt('timeout', timeout, 0),
    },
    defaults,
  );
}

// `--unit` names the units to record, else the defaults (no policy is read for a plain snapshot).
export function probeContext(v: { unit?: string[] | undefined }, s: Settings): ProbeContext {
  return { ...s.probe, units: v.unit?.length ? v.unit : [...DEFAULT_UNITS] };
}
