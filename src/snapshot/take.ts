// Takes a snapshot: all probes in parallel, each bounded by its own timeout.
import { hostname } from 'node:os';
import type { Run } from '../exec.js';
import { probes, probeNames, type ProbeName } from '../probes/index.js';
import type { ProbeContext } from '../probes/types.js';
import { SCHEMA_VERSION, makeId, type ProbeResults, type Snapshot } from './model.js';

// Spawning is synchronous in node (~2 ms each: the parent waits for the child's exec), so the
// slowest commands start first: nft (175 ms at 5,000 rules), tailscale (a socket round trip),
// systemctl, then ss (~9 ms: -p reads every process's fds), before the quick ip dumps.
const SPAWN_ORDER: ProbeName[] = ['nft', 'tailscale', 'systemd', 'sockets', 'networkd', 'routes', 'links', 'rules'];

export async function takeSnapshot(
  run: Run,
  ctx: ProbeContext,
  label: string | null = null,
  now = new Date(),
): Promise<Snapshot> {
  const pending = new Map(SPAWN_ORDER.map((n) => [n, probes[n].read(run, ctx)] as const));
  // After this turn's spawns (the ip batch starts in a microtask), before the first exit is handled.
  if (ctx.meanwhile) setImmediate(ctx.meanwhile);
  const results = await Promise.all(probeNames.map((n) => pending.get(n) ?? probes[n].read(run, ctx)));
  const byName = Object.fromEntries(probeNames.map((n, i) => [n, results[i]])) as ProbeResults;
  return {
    schemaVersion: SCHEMA_VERSION,
    id: makeId(now, label),
    label,
    host: hostname(),
    takenAt: now.toISOString(),
    probes: byName,
  };
}
