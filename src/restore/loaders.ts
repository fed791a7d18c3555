// Which unit loads the nft ruleset: the policy's nft-loader units that are active, else the active
// unit whose ExecStart runs nft directly or from a script (the 2026-03-26 nftables-local.service).
import { openSync, readSync, closeSync } from 'node:fs';
import { basename } from 'node:path';
import type { Run } from '../exec.js';
import type { Policy } from '../policy/model.js';
import { activeUnits, execArgvs, show } from '../probes/systemd.js';

// Pure given `head` (the first bytes of a file): does this command line run nft?
export function runsNft(argv: readonly string[], head: (path: string) => string | null): boolean {
  if (!argv.length) return false;
  // nft itself, or `sh -c 'nft -f ...'` (systemctl prints the -c string split into words).
  if (argv.some((a) => basename(a) === 'nft')) return true;
  // A shell or the script itself: look for nft in the script it runs.
  const script = /^(ba|da)?sh$/.test(basename(argv[0]!)) ? argv.find((a, i) => i > 0 && a.startsWith('/')) : argv[0];
  const text = script ? head(script) : null;
  return text !== null && text.startsWith('#!') && /(^|[\s/;|&(])nft\s/m.test(text);
}

function head(path: string): string | null {
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(65536);
      return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}

export async function findNftLoaders(run: Run, policy: Policy): Promise<string[]> {
  const named = Object.values(policy.units)
    .filter((u) => u.nftLoader)
    .map((u) => u.unit);
  try {
    if (named.length) {
      const active = (await show(run, ['Id', 'ActiveState'], named))
        .filter((b) => b.get('ActiveState') === 'active')
        .map((b) => b.get('Id')!);
      if (active.length) return active;
    }
    const units = (await activeUnits(run, 'service')).filter((u) => u.endsWith('.service'));
    if (!units.length) return [];
    return (await show(run, ['Id', 'ExecStart'], units))
      .filter((b) => execArgvs(b.get('ExecStart') ?? '').some((a) => runsNft(a, head)))
      .map((b) => b.get('Id')!)
      .filter(Boolean);
  } catch {
    return [];
  }
}
