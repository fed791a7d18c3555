// The imperative half of doctor: each tool's output read once, in three rounds (what to ask about,
// the units, then what only some findings need), into the Facts the pure checks take.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AppContext } from '../context.js';
import { loadPolicy } from '../policy/load.js';
import { findNftLoaders } from '../restore/loaders.js';
import { loadPending } from '../txn/store.js';
import { probes } from '../probes/index.js';
import type { ProbeResult } from '../probes/types.js';
import { readAptConfig } from '../probes/aptconfig.js';
import { readBootCycles } from '../probes/analyze.js';
import { readNetworkdConf, readUnitFiles, type CatConfig, type ConfFile } from '../probes/catconfig.js';
import { readNeedrestartConf } from '../probes/needrestartconf.js';
import { readSocketList, readUnitConf } from '../probes/unitconf.js';
import type { Facts } from './model.js';

// NOTE: where the package installs them (debian/apt-netguard.install, debian/rules).
export const GATE = '/usr/lib/apt-netguard/hooks/policy-rc.d';
export const RESTART_HOOK = '/usr/lib/apt-netguard/hooks/needrestart-restart';
const FIXED = [
  'tailscaled.service',
  'systemd-networkd.service',
  'apt-netguard-watch.service',
  'systemd-networkd-wait-online.service',
  'NetworkManager-wait-online.service',
];

export async function gather(ctx: AppContext): Promise<Facts> {
  const blind: string[] = [];
  const pc = (units: string[] = []) => ({ ...ctx.probe, units });
  const data = <T>(what: string, r: ProbeResult<T>): T | null => {
    if (r.status === 'ok') return r.data;
    blind.push(`${what}: ${r.reason}`);
    return null;
  };
  const policy = loadPolicy(ctx.policyDirs).policy;
  const protectedUnits = Object.keys(policy.units);
  const [socketList, networkd, nft, sockets, apt, needrestart, loaders] = await Promise.all([
    readSocketList(ctx.run, pc()),
    readNetworkdConf(ctx.run, pc()),
    probes.nft.read(ctx.run, pc()),
    probes.sockets.read(ctx.run, pc()),
    readAptConfig(ctx.run, pc()),
    readNeedrestartConf(ctx.run, pc()),
    findNftLoaders(ctx.run, policy),
  ]);
  const socketUnits = data('socket units', socketList) ?? [];
  const conf = data('units', await readUnitConf(ctx.run, pc([...new Set([...socketUnits, ...FIXED, ...loaders])])));
  const units = new Map((conf ?? []).map((u) => [u.id, u]));
  // Only the units that may have a finding get `systemctl cat` (file:line), and only a socket
  // ordered after tailscaled is worth the boot transaction's verify (the slowest call here).
  const suspects = [...units.values()].filter(
    (u) => u.id.endsWith('.socket') && (u.listen.length > 0 || u.after.includes('tailscaled.service')),
  );
  const cyclic = suspects.some((u) => u.defaultDependencies && u.after.includes('tailscaled.service'));
  const [unitText, cycles] = await Promise.all([
    suspects.length ? readUnitFiles(ctx.run, pc(suspects.map((u) => u.id))) : null,
    cyclic ? readBootCycles(ctx.run, pc()) : null,
  ]);
  const nrState = needrestart.status === 'ok' ? needrestart.data : null;
  if (needrestart.status !== 'ok' && !/not installed/.test(needrestart.reason)) data('needrestart', needrestart);
  return {
    units,
    unitText: unitText ? data('unit files', unitText) : null,
    networkd: data('networkd.conf', networkd),
    nft: data('nft ruleset', nft),
    nftFiles: { files: loaders.flatMap((l) => nftFilesOf(units.get(l)?.execStart ?? [])) },
    sockets: data('listeners', sockets),
    apt: data('apt configuration', apt),
    needrestart: nrState,
    needrestartFiles: {
      files: readFiles(['/etc/needrestart/needrestart.conf', ...inDir('/etc/needrestart/conf.d', /\.conf$/)]),
    },
    cycles: cycles ? data('systemd-analyze verify default.target', cycles) : null,
    policyRcD: { target: link('/usr/sbin/policy-rc.d'), gate: GATE },
    restartD: new Map(protectedUnits.map((u) => [u, link(join(nrState?.restartD ?? '/etc/needrestart/restart.d', u))])),
    restartHook: RESTART_HOOK,
    protectedUnits: nrState ? protectedUnits : [],
    nftLoaders: loaders,
    owed: loadPending(ctx.state).map((p) => ({ unit: p.unit, since: p.since })),
    owedDays: ctx.config.doctor.owedDays,
    now: ctx.now(),
    blind,
  };
}

const link = (p: string): string | null => {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
};
const inDir = (dir: string, re: RegExp): string[] => {
  try {
    return readdirSync(dir)
      .filter((n) => re.test(n))
      .sort()
      .map((n) => join(dir, n));
  } catch {
    return [];
  }
};
const readFiles = (paths: string[]): ConfFile[] =>
  paths.flatMap((path) => {
    try {
      return [{ path, lines: readFileSync(path, 'utf8').split('\n') }];
    } catch {
      return [];
    }
  });

// `nft -f FILE` in a loader's ExecStart, and the files FILE includes (`include "/etc/x.d/*.nft"`), for evidence.
function nftFilesOf(execStart: string[][]): ConfFile[] {
  const roots = execStart.flatMap((argv) => argv.flatMap((a, i) => (argv[i - 1] === '-f' ? [a] : [])));
  const out: ConfFile[] = [];
  const visit = (path: string, depth: number) => {
    if (depth > 4 || out.some((f) => f.path === path)) return;
    const [file] = readFiles([path]);
    if (!file) return;
    out.push(file);
    for (const m of file.lines.map((l) => /^\s*include\s+"([^"]+)"/.exec(l)).filter(Boolean)) {
      const inc = m![1]!.startsWith('/') ? m![1]! : join(dirname(path), m![1]!);
      const glob = new RegExp(
        `^${basename(inc)
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      );
      const found = /[*?]/.test(inc) ? inDir(dirname(inc), glob) : [inc];
      for (const p of found) visit(p, depth + 1);
    }
  };
  for (const r of roots) visit(r, 0);
  return out;
}
export type { CatConfig };
