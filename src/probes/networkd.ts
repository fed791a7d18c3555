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
