// Protected units as `systemctl show` sees them; InvocationID changes on every (re)start.
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
    // One block of Key=Value lines per unit, blocks separated by a blank line; key order is not fixed.
    const units: Unit[] = [];
    for (const block of (text ?? '').split(/\n\s*\n/)) {
      const kv = new Map<string, string>();
      for (const line of block.split('\n')) {
        const eq = line.indexOf('=');
        if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
      }
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

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
