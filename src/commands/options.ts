// Flag parsing shared by every subcommand (node:util parseArgs; unknown flags are usage errors).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { DEFAULT_STATE_DIR } from '../snapshot/store.js';
import type { ProbeContext } from '../probes/types.js';

// The units a snapshot asks systemd about until policies name them (issue #3).
export const DEFAULT_UNITS = ['systemd-networkd.service', 'tailscaled.service', 'nftables.service'];

export const COMMON = {
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
} as const;

export const PROBE_FLAGS = {
  unit: { type: 'string', multiple: true },
  timeout: { type: 'string' },
} as const;

export function parse<O extends ParseArgsConfig['options']>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function stateDirOf(v: { 'state-dir'?: string | boolean | (string | boolean)[] | undefined }): string {
  const flag = v['state-dir'];
  return (typeof flag === 'string' ? flag : undefined) ?? process.env.APT_NETGUARD_STATE_DIR ?? DEFAULT_STATE_DIR;
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

export function probeContext(v: { unit?: string[] | undefined; timeout?: string | undefined }): ProbeContext {
  return { units: v.unit?.length ? v.unit : DEFAULT_UNITS, timeoutMs: positiveInt('timeout', v.timeout, 10_000) };
}
