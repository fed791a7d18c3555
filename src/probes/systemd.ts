// Protected units as `systemctl show` sees them; InvocationID changes on every (re)start.
import { readFileSync } from 'node:fs';
import { SYSTEMD_BOOTED, readProbe, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface Unit {
  id: string;
  loadState: string;
  activeState: string;
  subState: string;
  mainPID: number;
  invocationID: string;
  activeEnterTimestamp: string;
  fragmentPath: string;
  dropInPaths: string[];
}
export interface SystemdState {
  units: Unit[];
}

const PROPS = [
  'Id',
  'LoadState',
  'ActiveState',
  'SubState',
  'MainPID',
  'InvocationID',
  'ActiveEnterTimestamp',
  'FragmentPath',
  'DropInPaths',
];

export const probe: Probe<SystemdState> = {
  name: 'systemd',
  requires: SYSTEMD_BOOTED,
  commands: (ctx) => [{ argv: ['systemctl', 'show', `--property=${PROPS.join(',')}`, '--', ...ctx.units] }],
  parse([text]) {
    const units: Unit[] = [];
    for (const kv of showBlocks(text ?? '')) {
      const id = kv.get('Id');
      if (!id) continue;
      units.push({
        id,
        loadState: kv.get('LoadState') ?? '',
        activeState: kv.get('ActiveState') ?? '',
        subState: kv.get('SubState') ?? '',
        mainPID: Number(kv.get('MainPID') ?? 0) || 0,
        invocationID: kv.get('InvocationID') ?? '',
        activeEnterTimestamp: kv.get('ActiveEnterTimestamp') ?? '',
        fragmentPath: kv.get('FragmentPath') ?? '',
        dropInPaths: (kv.get('DropInPaths') ?? '').split(' ').filter(Boolean),
      });
    }
    if (units.length === 0 && (text ?? '').trim() !== '') throw new Error('systemctl show: no Id= in its output');
    return { units };
  },
};

// `systemctl show`: one block of Key=Value lines per unit, blocks separated by a blank line; key
// order is not fixed.
export function showBlocks(text: string): Map<string, string>[] {
  return text.split(/\n\s*\n/).map((block) => {
    const kv = new Map<string, string>();
    for (const line of block.split('\n')) {
      const eq = line.indexOf('=');
      if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
    }
    return kv;
  });
}

// `systemctl show -p ExecStart` prints `{ path=/usr/sbin/nft ; argv[]=/usr/sbin/nft -f /etc/x.nft ; ... }`.
export function execArgvs(execStart: string): string[][] {
  return [...execStart.matchAll(/argv\[\]=([^;]*)/g)].map((m) => m[1]!.trim().split(/\s+/).filter(Boolean));
}

// `systemctl list-units --plain --no-legend`: the unit name is the first word of each line.
export const listedUnits = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((u): u is string => Boolean(u));

const T = { timeoutMs: 5_000 };

// Properties of some units, one map per unit (for the few calls that need other properties than a snapshot).
export const show = async (run: Run, props: readonly string[], units: readonly string[]) =>
  showBlocks((await run(['systemctl', 'show', `--property=${props.join(',')}`, '--', ...units], T)).stdout);

export const activeUnits = async (run: Run, type: string) =>
  listedUnits(
    (
      await run(
        ['systemctl', 'list-units', `--type=${type}`, '--state=active', '--plain', '--no-legend', '--no-pager'],
        T,
      )
    ).stdout,
  );

// ActiveState of one unit, '' when systemctl cannot say.
export const activeState = (run: Run, unit: string, timeoutMs: number) =>
  run(['systemctl', 'show', '--property=ActiveState', '--value', unit], { timeoutMs }).then(
    (r) => r.stdout.trim(),
    () => '',
  );

// How long the unit has been active, in ms, or null when it is not running or systemd cannot say.
export async function activeForMs(run: Run, unit: string): Promise<number | null> {
  try {
    const { stdout } = await run(
      ['systemctl', 'show', '--property=ActiveState,ActiveEnterTimestampMonotonic', unit],
      T,
    );
    if (!/^ActiveState=(active|reloading)$/m.test(stdout)) return null;
    const since = Number(/^ActiveEnterTimestampMonotonic=(\d+)/m.exec(stdout)?.[1] ?? 0) / 1000;
    // NOTE: ActiveEnterTimestampMonotonic is CLOCK_MONOTONIC in µs, the clock /proc/uptime reads (proc(5)).
    const uptime = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 1000;
    return Math.max(0, uptime - since);
  } catch {
    return null;
  }
}

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
