// Arming: the files that make the gates refuse restarts while a transaction is open (their
// layout is drawn in state.ts), and the RefuseManualStop drop-ins for refuse-stop units.
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Run } from '../exec.js';
import type { PkgChange } from '../apt/hookinfo.js';
import type { Decision } from '../policy/decide.js';
import type { Policy } from '../policy/model.js';
import { DROP_IN, dropInDir, runPaths, type ArmDirs } from '../state.js';
import type { Armed, Requester } from './model.js';

const DROP_IN_TEXT =
  '# Armed by apt-netguard for one dpkg run; removed by its Post-Invoke hook.\n[Unit]\nRefuseManualStop=yes\n';

// Pure: every protected unit gets a gate, with the run's decision, else a veto still standing from
// an earlier run (vetoes.ts), else its default mode. A drop-in only where a rule of this run
// decided and the unit's package is not being removed.
export function armSet(
  policy: Policy,
  decisions: readonly Decision[],
  changes: readonly PkgChange[],
  vetoed: readonly string[] = [],
): Armed[] {
  const removed = new Set(changes.filter((c) => c.action === 'remove').map((c) => c.name));
  const out: Armed[] = [];
  for (const u of Object.values(policy.units)) {
    const d = decisions.find((x) => x.unit === u.unit);
    const mode = d?.action ?? (vetoed.includes(u.unit) ? 'veto' : u.default);
    if (mode === 'allow') continue;
    const dropIn = Boolean(d) && u.refuseStop && !(u.package && removed.has(u.package));
    out.push({ unit: u.unit, mode, dropIn });
  }
  return out;
}

// `apt`: the process that armed (pid and start time), for the gate to check that it still lives.
// `stream`: the Pre-Install-Pkgs stream this arming follows, whose repeat the shim skips.
export async function arm(
  dirs: ArmDirs,
  txnId: string,
  armed: readonly Armed[],
  run: Run,
  apt?: { pid: number; start: string },
  stream?: string,
): Promise<void> {
  const gates = runPaths(dirs.run);
  const gateDir = gates.armed;
  mkdirSync(gateDir, { recursive: true, mode: 0o755 });
  for (const f of readdirSync(gateDir)) if (!armed.some((a) => a.unit === f)) rmSync(join(gateDir, f), { force: true });
  for (const a of armed) writeFileSync(join(gateDir, a.unit), `${a.mode}\n`);
  if (apt) writeFileSync(gates.apt, `${apt.pid} ${apt.start}\n`);
  writeFileSync(gates.open, `${txnId}\n`);
  // The stream itself, not a hash (node:crypto cost each hook ~10 ms to load): root-only, since
  // apt's config in it may hold a proxy's credentials.
  if (stream !== undefined) writeFileSync(gates.stream, stream, { mode: 0o600 });
  let changed = false;
  for (const a of armed.filter((x) => x.dropIn)) {
    const dir = dropInDir(dirs.systemdRun, a.unit);
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, DROP_IN), DROP_IN_TEXT);
    changed = true;
  }
  if (changed) await run(['systemctl', 'daemon-reload']);
}

// Removes every drop-in of ours, whatever the journal says (a crash may have lost track).
export async function disarmDropIns(dirs: ArmDirs, run: Run): Promise<string[]> {
  if (!existsSync(dirs.systemdRun)) return [];
  const removed = readdirSync(dirs.systemdRun)
    .filter((d) => d.endsWith('.d') && existsSync(join(dirs.systemdRun, d, DROP_IN)))
    .map((d) => {
      rmSync(join(dirs.systemdRun, d, DROP_IN), { force: true });
      // The .d dir was made for the drop-in when nothing else was there; leave it if something is.
      if (readdirSync(join(dirs.systemdRun, d)).length === 0)
        rmSync(join(dirs.systemdRun, d), { recursive: true, force: true });
      return d.slice(0, -2);
    });
  if (removed.length) await run(['systemctl', 'daemon-reload']);
  return removed;
}

// Closes the gates and returns the request lines they collected.
export function disarmGates(dirs: ArmDirs): string {
  const gates = runPaths(dirs.run);
  rmSync(gates.open, { force: true });
  rmSync(gates.armed, { recursive: true, force: true });
  rmSync(gates.apt, { force: true });
  rmSync(gates.stream, { force: true });
  const path = gates.requests;
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  rmSync(path, { force: true });
  return text;
}

// The mode a gate holds for the unit while a transaction is open, or null.
export function gateMode(dirs: ArmDirs, unit: string): string | null {
  const gates = runPaths(dirs.run);
  if (!existsSync(gates.open)) return null;
  const p = join(gates.armed, unit);
  return existsSync(p) ? readFileSync(p, 'utf8').trim() : null;
}

// One line, appended: O_APPEND writes this small are atomic, so the shell gate can share the file.
export function recordRequest(
  dirs: ArmDirs,
  who: Requester,
  unit: string,
  action: string,
  mode: string,
  now = new Date(),
): void {
  appendFileSync(runPaths(dirs.run).requests, `${Math.floor(now.getTime() / 1000)} ${who} ${unit} ${action} ${mode}\n`);
}
