// `apt-netguard list`: stored snapshots, oldest first.
import { out } from '../stdout.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, UsageError } from '../errors.js';
import { requireAccess } from '../state.js';
import { listCorrupt, listSnapshotIds, snapshotsDir, unwhole } from '../snapshot/store.js';
import { COMMON, parse, settingsOf } from './options.js';

export const help = `Usage: apt-netguard list [--json]

Lists the snapshots stored in <state dir>/snapshots, oldest first: id and size, and UNREADABLE
(truncated, not a snapshot, or moved aside as corrupt) for one that cannot be used. Exit 1 if any is.
Ids are usable wherever a snapshot is wanted (diff A B), as is 'latest'.
`;

export async function listCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, COMMON);
  if (v.help) return (out(help), 0);
  if (positionals.length) throw new UsageError('list takes no arguments');
  const dir = settingsOf(v).stateDir;
  requireAccess(dir);
  const row = (id: string, file: string, movedAside: boolean) => {
    const path = join(snapshotsDir(dir), file);
    const unreadable = movedAside ? 'moved aside as corrupt' : unwhole(path);
    return { id, path, bytes: statSync(path, { throwIfNoEntry: false })?.size ?? 0, unreadable };
  };
  const rows = [
    ...listSnapshotIds(dir).map((id) => row(id, `${id}.json`, false)),
    ...listCorrupt(dir).map((f) => row(f, f, true)),
  ];
  if (v.json) out(`${JSON.stringify({ snapshots: rows })}\n`);
  else out(rows.map((r) => `${r.id}  ${r.bytes}${r.unreadable ? `  UNREADABLE (${r.unreadable})` : ''}\n`).join(''));
  return rows.some((r) => r.unreadable) ? EXIT.findings : EXIT.ok;
}
