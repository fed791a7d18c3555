// Per-link state as systemd-networkd manages it (`networkctl list --json=short`, systemd ≥ 250).
import { SYSTEMD_BOOTED, readProbe, isObj, str, num, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface NetworkdLink {
  index: number;
  name: string;
  // pending, initialized, configuring, configured, unmanaged, failed, linger
  administrativeState: string;
  operationalState: string;
}
export interface NetworkdState {
  links: NetworkdLink[];
}

export const probe: Probe<NetworkdState> = {
  name: 'networkd',
  requires: SYSTEMD_BOOTED,
  // NOTE: --json=short checked on systemd 252.39 (bookworm); it also dumps every route, so it grows with table size.
  commands: () => [{ argv: ['networkctl', 'list', '--json=short', '--no-pager'] }],
  parse([text]) {
    const doc: unknown = JSON.parse(text ?? '');
    if (!isObj(doc) || !Array.isArray(doc.Interfaces)) throw new Error('networkctl: expected {"Interfaces": [...]}');
    const links: NetworkdLink[] = [];
    for (const i of doc.Interfaces) {
      if (!isObj(i)) continue;
      const index = num(i.Index);
      const name = str(i.Name);
      if (index === undefined || name === undefined) continue;
      links.push({
        index,
        name,
        administrativeState: str(i.AdministrativeState) ?? 'unknown',
        operationalState: str(i.OperationalState) ?? 'unknown',
      });
    }
    return { links };
  },
};

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);

// `networkctl list` without --json (systemd < 250): IDX LINK TYPE OPERATIONAL SETUP.
export function parseText(text: string): NetworkdState {
  const links = text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && /^\d+$/.test(f[0]!))
    .map(([idx, name, , oper, setup]) => ({
      index: Number(idx),
      name: name!,
      operationalState: oper!,
      administrativeState: setup!,
    }));
  return { links };
}

// The links now, from JSON where networkctl has it, else its table; null when neither answers.
export async function readLinks(run: Run): Promise<NetworkdState | null> {
  const t = { timeoutMs: 5_000 };
  try {
    return probe.parse([(await run(['networkctl', 'list', '--json=short', '--no-pager'], t)).stdout]);
  } catch {
    try {
      return parseText((await run(['networkctl', 'list', '--no-pager', '--no-legend'], t)).stdout);
    } catch {
      return null;
    }
  }
}
