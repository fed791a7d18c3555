// `apt-netguard diff A B` and `diff --since-last`: findings between two snapshots.
import { out } from '../stdout.js';
import { EXIT, UsageError } from '../errors.js';
import { diff, findingLine } from '../diff/index.js';
import { takeSnapshot } from '../snapshot/take.js';
import { loadStored } from '../snapshot/store.js';
import { makeRun } from '../context.js';
import { requireAccess } from '../state.js';
import { COMMON, PROBE_FLAGS, parse, probeContext, settingsOf } from './options.js';

export const help = `Usage: apt-netguard diff A B [--json]
       apt-netguard diff --since-last [--json]

Compares two snapshots (file paths, ids from 'apt-netguard list', or 'latest')
and prints one finding per line: severity, kind, then key=value fields.
--since-last compares the newest stored snapshot with the live state.
Interfaces are matched by name, so a recreated tailscale0 shows up as
ifindex-changed, and nft rules still holding its old index as nft-stale-ifindex.

Options:
  --json            print {"findings":[...]} instead
  --unit, --timeout as for snapshot (live side of --since-last)
  --state-dir DIR   default $APT_NETGUARD_STATE_DIR or /var/lib/apt-netguard

Exit status: 0 no findings, 1 findings, 2 usage or input error.
`;

export async function diffCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, { ...COMMON, ...PROBE_FLAGS, 'since-last': { type: 'boolean' } });
  if (v.help) return (out(help), 0);
  const s = settingsOf(v, { timeoutMs: 10_000 });
  const dir = s.stateDir;
  requireAccess(dir);
  let refs: [string, string] | null = null;
  if (v['since-last']) {
    if (positionals.length) throw new UsageError('diff --since-last takes no snapshot arguments');
  } else if (positionals.length === 2) refs = [positionals[0]!, positionals[1]!];
  else throw new UsageError('diff wants two snapshots, or --since-last');
  const a = loadStored(dir, refs ? refs[0] : 'latest');
  const b = refs ? loadStored(dir, refs[1]) : await takeSnapshot(await makeRun(s), probeContext(v, s), 'live');
  const findings = diff(a, b);
  if (v.json) out(`${JSON.stringify({ findings })}\n`);
  else out(findings.length ? `${findings.map(findingLine).join('\n')}\n` : 'no findings\n');
  return findings.length ? EXIT.findings : EXIT.ok;
}
