// `apt-netguard list`: stored snapshots, oldest first.
import { out } from '../stdout.js';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { listSnapshotIds, snapshotsDir } from '../snapshot/store.js';
import { COMMON, parse, settingsOf } from './options.js';

export const help = `Usage: apt-netguard list [--json]

Lists the snapshots stored in <state dir>/snapshots, oldest first: id and size.
Ids are usable wherever a snapshot is wanted (diff A B), as is 'latest'.
`;

export async function listCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, COMMON);
  if (v.help) return (out(help), 0);
  if (positionals.length) throw new UsageError('list takes no arguments');
  const dir = settingsOf(v).stateDir;
  const rows = listSnapshotIds(dir).map((id) => {
    const path = join(snapshotsDir(dir), `${id}.json`);
    return { id, path, bytes: statSync(path, { throwIfNoEntry: false })?.size ?? 0 };
  });
  if (v.json) out(`${JSON.stringify({ snapshots: rows })}\n`);
  else out(rows.map((r) => `${r.id}  ${r.bytes}`).join('\n') + (rows.length ? '\n' : ''));
  return 0;
}
