// nft-iif-by-index, nft-loader-not-reloaded: the 2026-03-26 incident (iif/oif hold tailscale0's
// index from load time; a new tailscale0 after tailscaled restarts matches none of them).
import { lines, cmd } from '../evidence.js';
import type { Facts, Finding } from '../model.js';
import type { NftRule } from '../../probes/nft.js';

// tailscale0 (and a renamed tailscale TUN); a bare number is an index that no longer resolves.
const recreated = (v: string) => /^tailscale/.test(v) || /^\d+$/.test(v);
const where = (r: NftRule) => `${r.family} ${r.table} ${r.chain} handle ${r.handle}`;

export function nftChecks(f: Facts): Finding[] {
  if (!f.nft) return [];
  const hits = f.nft.rules.filter((r) => r.ifMatches.some((m) => recreated(m.value)));
  if (!hits.length) return [];
  const names = [...new Set(hits.flatMap((r) => r.ifMatches.filter((m) => recreated(m.value)).map((m) => m.value)))];
  const inFiles = lines(f.nftFiles, new RegExp(`\\b(iif|oif)\\s+"?(${names.map(esc).join('|')})\\b`));
  const out: Finding[] = [
    {
      id: 'nft-iif-by-index',
      severity: 'warn',
      title: `${hits.length} live nft rule(s) match ${names.join(', ')} with iif/oif (an index fixed at load time)`,
      evidence: [
        ...hits.map((r) =>
          cmd('nft -j list ruleset', `${where(r)}: ${r.ifMatches.map((m) => `${m.key} "${m.value}"`).join(' ')}`),
        ),
        ...inFiles,
      ],
      why:
        'iif/oif store the interface index when the ruleset is loaded. tailscaled restarts (an upgrade, a crash) ' +
        'make a new tailscale0 with a new index, and these rules match nothing until the ruleset is reloaded ' +
        '(incident 2026-03-26: 4 h 33 min down).',
      fix: {
        kind: 'admin',
        text:
          `write iifname/oifname instead of iif/oif for ${names.join(', ')}` +
          `${inFiles.length ? ` in ${[...new Set(inFiles.map((e) => e.file))].join(', ')}` : ''}, then reload the ` +
          "ruleset (the nftables wiki's advice for interfaces that come and go)",
      },
    },
  ];
  for (const id of f.nftLoaders) {
    const u = f.units.get(id);
    if (!u || [...u.partOf, ...u.bindsTo].includes('tailscaled.service')) continue;
    const watch = f.units.get('apt-netguard-watch.service')?.activeState === 'active';
    out.push({
      id: 'nft-loader-not-reloaded',
      severity: watch ? 'info' : 'warn',
      title: `${id} loads those rules and does not follow tailscaled's restarts`,
      evidence: [cmd(`systemctl show ${id}`, `PartOf=${u.partOf.join(' ')} BindsTo=${u.bindsTo.join(' ')}`)],
      why:
        `Nothing reloads ${id} when tailscaled restarts. ` +
        (watch
          ? 'The guard covers it: apt-netguard reloads it after apt runs, and the watch after any other restart.'
          : 'The watch is not running, so outside apt runs nothing reloads it.'),
      fix: {
        kind: 'admin',
        text:
          'use iifname/oifname (nft-iif-by-index), after which no reload is needed. PartOf=tailscaled.service ' +
          `on ${id} is not a safe fix: stopping tailscaled would then stop ${id}, and its ExecStop may flush the ruleset`,
      },
    });
  }
  return out;
}
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
