// `apt-netguard snapshot`: probe everything now and store (or print) the result.
import { out } from '../stdout.js';
import { UsageError } from '../errors.js';
import { LABEL_RE } from '../snapshot/model.js';
import { takeSnapshot } from '../snapshot/take.js';
import { saveSnapshot } from '../snapshot/store.js';
import { KEEP_SNAPSHOTS, requireAccess } from '../state.js';
import { writeFileAtomic } from '../fsutil.js';
import { makeRun } from '../context.js';
import { COMMON, PROBE_FLAGS, parse, positiveInt, probeContext, settingsOf } from './options.js';

export const help = `Usage: apt-netguard snapshot [--out FILE] [--label NAME] [--keep N] [--json]

Probes links, addresses, ip rules, routes in all tables, the nft ruleset, the
protected units, networkd, tailscale and listening sockets, in parallel, and
stores the result as <state dir>/snapshots/<id>.json (atomically, under a lock).
A probe whose tool is missing or fails is recorded as unavailable, never fatal.

Options:
  --out FILE        write the snapshot to FILE instead of the state dir
  --label NAME      suffix for the id, e.g. pre or post ([a-z0-9_-], 32 chars)
  --keep N          snapshots to keep in the state dir (default ${KEEP_SNAPSHOTS})
  --json            print the whole snapshot document on stdout
  --unit UNIT       a systemd unit to record (repeatable; default: networkd, tailscaled, nftables)
  --timeout MS      per-command timeout (default 10000)
  --state-dir DIR   default $APT_NETGUARD_STATE_DIR or /var/lib/apt-netguard
`;

export async function snapshotCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, {
    ...COMMON,
    ...PROBE_FLAGS,
    out: { type: 'string' },
    label: { type: 'string' },
    keep: { type: 'string' },
  });
  if (v.help) return (out(help), 0);
  if (positionals.length) throw new UsageError(`snapshot takes no arguments (got ${positionals[0]})`);
  const label = v.label ?? null;
  if (label !== null && !LABEL_RE.test(label)) throw new UsageError(`--label must match ${LABEL_RE.source}`);
  const keep = positiveInt('keep', v.keep, KEEP_SNAPSHOTS);
  const s = settingsOf(v, { timeoutMs: 10_000 });
  if (!v.out) requireAccess(s.stateDir, true);
  const taking = takeSnapshot(await makeRun(s), probeContext(v, s), label);
  // The probe commands are all spawned by now; the lock module initialises while they run.
  if (!v.out) void import('../lock.js');
  const snap = await taking;
  let path: string;
  if (v.out) {
    writeFileAtomic(v.out, JSON.stringify(snap));
    path = v.out;
  } else {
    path = await saveSnapshot(s.stateDir, snap, keep);
  }
  if (v.json) {
    out(`${JSON.stringify(snap)}\n`);
    return 0;
  }
  const lines = [`id: ${snap.id}`, `path: ${path}`];
  for (const [name, r] of Object.entries(snap.probes)) {
    lines.push(`probe ${name}: ${r.status === 'ok' ? 'ok' : `unavailable (${r.reason})`} ${r.ms} ms`);
  }
  out(`${lines.join('\n')}\n`);
  return 0;
}
