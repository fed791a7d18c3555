// networkctl's plain table, the fallback where --json is missing (captured on bookworm, systemd 252).
import { describe, expect, it } from 'vitest';
import { parseText as parseNetworkctlText } from '../../src/probes/networkd.js';
import { fixture } from '../helpers/fixtures.js';

describe('parseNetworkctlText (systemd < 250 has no --json)', () => {
  it('reads the SETUP column of the captured plain output', () => {
    expect(
      parseNetworkctlText(fixture('bookworm-nspawn/networkctl.txt')).links.map(
        (l) => `${l.name}=${l.administrativeState}`,
      ),
    ).toEqual(['lo=unmanaged', 'lan1=configured', 'lan0=configured']);
  });
});
