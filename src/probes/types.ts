// The contract every probe module fulfils: argv lists to run, and a pure parse of their outputs.
import { existsSync } from 'node:fs';
import type { Run } from '../exec.js';
import { ExecError } from '../errors.js';

export interface ProbeContext {
  // Protected systemd units the systemd probe asks about.
  units: readonly string[];
  timeoutMs: number;
  // For `requires`; tests inject one, the CLI leaves the real one.
  exists?: (path: string) => boolean;
  // systemd's runtime unit dir (context.ts); its absence means systemd is not PID 1.
  systemdRunDir?: string;
  // Work the caller needs next, done once the probes' processes are started and node only waits
  // for them (takeSnapshot): a hook builds its logger there.
  meanwhile?: () => void;
}

export interface Command {
  argv: string[];
  // An optional command may fail without making the probe unavailable; parse gets null for it.
  optional?: boolean;
  // A checker that reports on stderr and says what it found by its exit code (systemd-analyze
  // verify): parse gets stdout then stderr, whatever the exit code, unless it did not run at all.
  report?: boolean;
}

export interface Probe<T> {
  name: string;
  // A path that must exist for the commands to make sense, and what its absence means.
  requires?: (ctx: ProbeContext) => { path: string; otherwise: string };
  commands(ctx: ProbeContext): Command[];
  // Pure: the texts arrive in the order of commands(); null for a failed optional command.
  parse(texts: (string | null)[]): T;
}

export type ProbeResult<T> =
  { status: 'ok'; ms: number; data: T } | { status: 'unavailable'; ms: number; reason: string };

// Runs a probe's commands in parallel; any failure of a required command makes it unavailable, never fatal.
export async function readProbe<T>(probe: Probe<T>, run: Run, ctx: ProbeContext): Promise<ProbeResult<T>> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const needs = probe.requires?.(ctx);
  if (needs && !(ctx.exists ?? existsSync)(needs.path))
    return { status: 'unavailable', ms: ms(), reason: needs.otherwise };
  const cmds = probe.commands(ctx);
  const settled = await Promise.allSettled(cmds.map((c) => run(c.argv, { timeoutMs: ctx.timeoutMs })));
  const texts: (string | null)[] = [];
  for (const [i, s] of settled.entries()) {
    const report = cmds[i]?.report;
    if (s.status === 'fulfilled') texts.push(report ? s.value.stdout + s.value.stderr : s.value.stdout);
    else if (report && s.reason instanceof ExecError && s.reason.childExitCode !== null)
      texts.push(s.reason.stdout + s.reason.stderr);
    else if (cmds[i]?.optional) texts.push(null);
    else return { status: 'unavailable', ms: ms(), reason: reasonOf(s.reason) };
  }
  try {
    return { status: 'ok', ms: ms(), data: probe.parse(texts) };
  } catch (err) {
    return { status: 'unavailable', ms: ms(), reason: `unparseable output: ${reasonOf(err)}` };
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0]! : String(err);
}

// Parse helper shared by the JSON probes: the text must be a JSON array.
export function jsonArray(text: string | null | undefined, what: string): unknown[] {
  const v: unknown = JSON.parse(text ?? '');
  if (!Array.isArray(v)) throw new Error(`${what}: expected a JSON array`);
  return v;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

// NOTE: sd_booted(3): systemd is PID 1 exactly when /run/systemd/system exists. Tests with a fake
// systemctl point the context's systemdRunDir elsewhere (it also moves the guard's drop-ins).
export const SYSTEMD_BOOTED = (ctx: ProbeContext) => {
  const dir = ctx.systemdRunDir ?? '/run/systemd/system';
  return { path: dir, otherwise: `systemd is not running (no ${dir})` };
};
