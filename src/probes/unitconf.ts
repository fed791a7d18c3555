// Units as systemd merged them (`systemctl show`): their dependencies and, for sockets, what they
// listen on. Socket units are listed first (`systemctl list-units --type=socket --all`).
import { readProbe, SYSTEMD_BOOTED, type Probe, type ProbeContext } from './types.js';
import { execArgvs, listedUnits, showBlocks } from './systemd.js';
import type { Run } from '../exec.js';

export interface UnitConf {
  id: string;
  loadState: string;
  activeState: string;
  unitFileState: string;
  fragmentPath: string;
  dropInPaths: string[];
  after: string[];
  requires: string[];
  bindsTo: string[];
  wants: string[];
  partOf: string[];
  defaultDependencies: boolean;
  // Sockets: `100.64.0.1:2223`, `[fd7a:115c:a1e0::1]:22`, `/run/x.sock`, with the kind (Stream...).
  listen: { address: string; kind: string }[];
  freeBind: boolean;
  execStart: string[][];
}

const PROPS =
  'Id,LoadState,ActiveState,UnitFileState,FragmentPath,DropInPaths,After,Requires,BindsTo,Wants,PartOf,' +
  'DefaultDependencies,Listen,FreeBind,ExecStart';
const words = (s: string | undefined) => (s ?? '').split(' ').filter(Boolean);

export function parseShow(text: string): UnitConf[] {
  return showBlocks(text).flatMap((kv) => {
    const id = kv.get('Id');
    if (!id) return [];
    // NOTE: one `Listen=` line per listener, so showBlocks keeps only the last: read them again here.
    return [
      {
        id,
        loadState: kv.get('LoadState') ?? '',
        activeState: kv.get('ActiveState') ?? '',
        unitFileState: kv.get('UnitFileState') ?? '',
        fragmentPath: kv.get('FragmentPath') ?? '',
        dropInPaths: words(kv.get('DropInPaths')),
        after: words(kv.get('After')),
        requires: words(kv.get('Requires')),
        bindsTo: words(kv.get('BindsTo')),
        wants: words(kv.get('Wants')),
        partOf: words(kv.get('PartOf')),
        defaultDependencies: kv.get('DefaultDependencies') !== 'no',
        listen: [],
        freeBind: kv.get('FreeBind') === 'yes',
        execStart: execArgvs(kv.get('ExecStart') ?? ''),
      },
    ];
  });
}

// The Listen= lines of each block, by unit id (a block's lines may come in any order).
export function listensOf(text: string): Map<string, { address: string; kind: string }[]> {
  const out = new Map<string, { address: string; kind: string }[]>();
  for (const block of text.split(/\n\s*\n/)) {
    const id = /^Id=(.+)$/m.exec(block)?.[1];
    if (!id) continue;
    const l = [...block.matchAll(/^Listen=(\S+) \((\w+)\)$/gm)].map((m) => ({ address: m[1]!, kind: m[2]! }));
    out.set(id, l);
  }
  return out;
}

export const socketList: Probe<string[]> = {
  name: 'socket units',
  requires: SYSTEMD_BOOTED,
  commands: () => [
    { argv: ['systemctl', 'list-units', '--type=socket', '--all', '--plain', '--no-legend', '--no-pager'] },
  ],
  parse: ([text]) => listedUnits(text ?? '').filter((u) => u.endsWith('.socket')),
};

export const unitConf: Probe<UnitConf[]> = {
  name: 'unit configuration',
  requires: SYSTEMD_BOOTED,
  commands: (ctx) => [{ argv: ['systemctl', 'show', `--property=${PROPS}`, '--', ...ctx.units] }],
  parse([text]) {
    const units = parseShow(text ?? '');
    const listens = listensOf(text ?? '');
    for (const u of units) u.listen = listens.get(u.id) ?? [];
    return units;
  },
};

export const readSocketList = (run: Run, ctx: ProbeContext) => readProbe(socketList, run, ctx);
export const readUnitConf = (run: Run, ctx: ProbeContext) => readProbe(unitConf, run, ctx);
