// doctor's checks on what the planted lab printed (test/fixtures/capture-doctor.mjs), per release:
// the hazards of test/container/scenarios/doctor-plant.sh, each with its id and evidence.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runChecks, exitOf } from '../../src/doctor/checks.js';
import { planFixes } from '../../src/doctor/fix.js';
import type { Facts } from '../../src/doctor/model.js';
import { parseCycles } from '../../src/probes/analyze.js';
import { parseAptConfig } from '../../src/probes/aptconfig.js';
import { parseCat, settings } from '../../src/probes/catconfig.js';
import { parseNeedrestart } from '../../src/probes/needrestartconf.js';
import { probe as nftProbe } from '../../src/probes/nft.js';
import { probe as ssProbe } from '../../src/probes/sockets.js';
import { unitConf } from '../../src/probes/unitconf.js';

const dir = (suite: string) => join(import.meta.dirname, '..', 'fixtures', 'doctor', suite);
const read = (suite: string, f: string) => readFileSync(join(dir(suite), f), 'utf8');
const GATE = '/usr/lib/apt-netguard/hooks/policy-rc.d';
const HOOK = '/usr/lib/apt-netguard/hooks/needrestart-restart';
const PROTECTED = ['systemd-networkd.service', 'tailscaled.service', 'nftables.service'];

function facts(suite: string, over: Partial<Facts> = {}): Facts {
  const units = unitConf.parse([read(suite, 'show.txt')]);
  return {
    units: new Map(units.map((u) => [u.id, u])),
    unitText: parseCat(read(suite, 'cat.txt')),
    networkd: parseCat(read(suite, 'networkd-conf.txt')),
    nft: nftProbe.parse([read(suite, 'nft.json')]),
    nftFiles: { files: [{ path: '/etc/nftables.conf', lines: read(suite, 'nftables.conf').split('\n') }] },
    sockets: ssProbe.parse([read(suite, 'ss.txt')]),
    apt: parseAptConfig(read(suite, 'apt-config.txt')),
    needrestart: parseNeedrestart(read(suite, 'needrestart.txt')),
    needrestartFiles: { files: [] },
    cycles: parseCycles(read(suite, 'verify.txt')),
    policyRcD: { target: GATE, gate: GATE },
    restartD: new Map(PROTECTED.map((u) => [u, HOOK])),
    restartHook: HOOK,
    protectedUnits: PROTECTED,
    nftLoaders: ['lab-firewall.service'],
    owed: [],
    owedDays: 7,
    now: new Date('2026-12-02T00:00:00Z'),
    blind: [],
    ...over,
  };
}
const ids = (f: Facts) => runChecks(f).map((x) => `${x.severity} ${x.id}`);

describe.each(['bookworm', 'trixie'])('doctor on the planted lab (%s)', (suite) => {
  it('finds every planted hazard, with the right severity (Automatic-Reboot raises the boot hazards)', () => {
    expect(ids(facts(suite)).sort()).toEqual(
      [
        'error socket-ordering-cycle',
        'error socket-on-tailscale-ip',
        'error socket-on-tailscale-ip',
        'error socket-on-tailscale-ip',
        // Only the ordering: the lab has systemd-networkd-wait-online enabled.
        'error tailscaled-before-network-online',
        'warn networkd-foreign-routes',
        'warn networkd-foreign-rules',
        'warn nft-iif-by-index',
        'warn needrestart-restarts-protected',
        'warn reboot-with-boot-hazards',
        'info nft-loader-not-reloaded',
      ].sort(),
    );
    expect(exitOf(runChecks(facts(suite)))).toBe(1);
  });

  it('gives file:line evidence from the merged unit files and the boot transaction', () => {
    const all = runChecks(facts(suite));
    const cycle = all.find((x) => x.id === 'socket-ordering-cycle')!;
    expect(cycle.evidence[0]).toEqual({
      file: '/etc/systemd/system/lab-cycle.socket',
      line: 4,
      text: 'After=tailscaled.service',
    });
    expect(cycle.evidence[1]!.text).toMatch(/lab-cycle\.socket/);
    const v4 = all.find((x) => x.id === 'socket-on-tailscale-ip' && x.title.startsWith('lab-ts.socket'))!;
    expect(v4.evidence).toEqual([
      { file: '/etc/systemd/system/lab-ts.socket', line: 5, text: 'ListenStream=100.64.0.1:2223' },
    ]);
    expect(v4.fix).toMatchObject({
      kind: 'drop-in',
      path: '/etc/systemd/system/lab-ts.socket.d/50-apt-netguard-doctor-socket-on-tailscale-ip.conf',
    });
    expect(all.some((x) => x.title.startsWith('lab-ts6.socket') && x.title.includes('[fd7a:115c:a1e0::1]:2225'))).toBe(
      true,
    );
    expect(all.some((x) => x.title.includes('node listens') && x.fix.kind === 'admin')).toBe(true);
    const nft = all.find((x) => x.id === 'nft-iif-by-index')!;
    expect(nft.evidence.map((e) => e.text)).toContain('inet lab_input input handle 2: iif "tailscale0"');
    expect(nft.evidence.some((e) => e.file === '/etc/nftables.conf' && e.line === 8)).toBe(true);
  });

  it('reads networkd.conf drop-ins in order: the later file wins', () => {
    const c = parseCat(read(suite, 'networkd-conf-dropins.txt'));
    expect(settings(c, 'Network', 'ManageForeignRoutes').at(-1)).toMatchObject({
      file: '/etc/systemd/networkd.conf.d/20-later.conf',
      value: 'yes',
    });
    const found = ids(facts(suite, { networkd: c }));
    expect(found).toContain('warn networkd-foreign-routes');
    expect(found).not.toContain('warn networkd-foreign-rules');
  });

  it('a second --fix writes nothing; a file of that name not written by doctor is left to the admin', () => {
    const all = runChecks(facts(suite));
    const first = planFixes(all, () => null);
    expect(first.write.map((w) => w.path.split('/').at(-2))).toEqual(
      expect.arrayContaining(['lab-ts.socket.d', 'lab-ts6.socket.d', 'tailscaled.service.d', 'networkd.conf.d']),
    );
    const written = new Map(first.write.map((w) => [w.path, w.content]));
    expect(planFixes(all, (p) => written.get(p) ?? null).write).toEqual([]);
    expect(planFixes(all, () => '[Socket]\nFreeBind=no\n').write).toEqual([]);
  });
});

describe('doctor checks, table-driven', () => {
  it.each([
    ['the gate replaced', { policyRcD: { target: '/usr/local/sbin/other', gate: GATE } }, 'error policy-rc-d-not-ours'],
    [
      'a restart.d link gone',
      { restartD: new Map([['tailscaled.service', null]]), protectedUnits: ['tailscaled.service'] },
      'error needrestart-restarts-protected',
    ],
    [
      'a restart owed 8 days',
      { owed: [{ unit: 'tailscaled.service', since: '2026-11-24T00:00:00Z' }] },
      'warn restarts-owed-long',
    ],
  ] as [string, Partial<Facts>, string][])('%s', (_what, over, want) => {
    expect(ids(facts('bookworm', over))).toContain(want);
  });
  it('apt hooks missing or after needrestart', () => {
    const apt = parseAptConfig('DPkg::Post-Invoke:: "test -x /usr/lib/needrestart/apt-pinvoke && x";\n');
    expect(ids(facts('bookworm', { apt }))).toContain('error apt-hooks-broken');
    expect(ids(facts('bookworm'))).not.toContain('error apt-hooks-broken');
  });
  it('a restart owed 6 days is not a finding', () => {
    expect(ids(facts('bookworm', { owed: [{ unit: 'x.service', since: '2026-11-26T00:00:00Z' }] }))).not.toContain(
      'warn restarts-owed-long',
    );
  });
});
