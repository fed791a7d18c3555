// `apt-netguard status`: the open or last transaction, and deferred restarts still pending.
import { EXIT, UsageError } from '../errors.js';
import type { Txn } from '../txn/model.js';
import { listClosed, loadClosed, loadCurrent, loadPending } from '../txn/store.js';
import { COMMON, parse, stateDirOf } from './options.js';

export const help = `Usage: apt-netguard status [--json]

Shows the open transaction (a dpkg run in progress, or one killed mid-way), else the last closed
one: packages, decisions, requests refused and who asked, findings against the pre snapshot. Then the
restarts owed: guarded ones the guard has not run yet, then deferred ones, in order.

Exit status: 0 all well; 1 restarts are owed, or the last transaction had findings; 2 usage error.
`;

export async function statusCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, COMMON);
  if (v.help) return process.stdout.write(help), 0;
  if (positionals.length) throw new UsageError('status takes no arguments');
  const state = stateDirOf(v);
  const current = loadCurrent(state);
  const lastId = listClosed(state).at(-1);
  const txn = current ?? (lastId ? loadClosed(state, lastId) : null);
  const pending = loadPending(state);
  const troubled = Boolean(txn?.findings.length);
  if (v.json) process.stdout.write(`${JSON.stringify({ transaction: txn, open: Boolean(current), pending })}\n`);
  else process.stdout.write(formatStatus(txn, Boolean(current), pending));
  return pending.length || troubled ? EXIT.findings : EXIT.ok;
}

function formatStatus(txn: Txn | null, open: boolean, pending: ReturnType<typeof loadPending>): string {
  const out: string[] = [];
  if (!txn) out.push('no transaction recorded yet');
  else {
    out.push(`${open ? 'open' : 'last'} transaction ${txn.id}: ${txn.state}, opened ${txn.openedAt}${txn.closedAt ? `, closed ${txn.closedAt}` : ''}`);
    const pkgs = txn.packages.map((p) => `${p.name} ${p.oldVersion ?? '-'} -> ${p.newVersion ?? '(removed)'}`);
    out.push(`  packages: ${pkgs.length ? pkgs.join(', ') : 'none'}`);
    for (const d of txn.decisions) out.push(`  decision: ${d.unit} ${d.action} (${d.step}) by ${d.rule}: ${d.reason}`);
    for (const r of txn.requests) out.push(`  request: ${r.who} asked to ${r.action} ${r.unit} at ${r.at}: ${r.decision}`);
    for (const f of txn.findings) out.push(`  finding: ${f.text}`);
    for (const n of txn.notes) out.push(`  note: ${n}`);
  }
  out.push(pending.length ? 'restarts owed, in this order (guarded ones first; run them when you can watch the network):' : 'no restarts owed');
  for (const p of pending) out.push(`  ${p.step} ${p.unit} since ${p.since} (${p.reason})`);
  return `${out.join('\n')}\n`;
}
