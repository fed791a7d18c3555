// Everything a hook needs from the outside world, injected so tests can hand in fakes.
import { join } from 'node:path';
import type { ProbeContext } from '../probes/types.js';
import type { Run } from '../exec.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/model.js';
import type { Log } from '../log.js';
import { defaultArmDirs, type ArmDirs } from '../txn/arm.js';
import { defaultDirs, type PolicyDirs } from '../policy/load.js';
import { DEFAULT_STATE_DIR } from '../snapshot/store.js';

export interface HookContext {
  run: Run;
  log: Log;
  state: string;
  dirs: ArmDirs;
  policyDirs: PolicyDirs;
  probe: Omit<ProbeContext, 'units'>;
  now: () => Date;
  // Whether a failure should stop apt (strict mode); otherwise every hook exits 0.
  strict: boolean;
  config: Config;
  // Problems in config.yaml (the defaults apply); each entry point logs them.
  configErrors: string[];
  sleep: (ms: number) => Promise<void>;
}

export function hookContext(run: Run, log: Log, env = process.env): HookContext {
  const { config, errors } = loadConfig(undefined, env);
  return {
    run,
    log,
    state: env.APT_NETGUARD_STATE_DIR ?? DEFAULT_STATE_DIR,
    dirs: defaultArmDirs(env),
    policyDirs: defaultDirs(env),
    probe: { timeoutMs: 5_000 },
    now: () => new Date(),
    strict: config.strict,
    config,
    configErrors: errors,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}

// The transaction files get their own lock: snapshots are saved under the state dir's lock inside.
export const txnLockDir = (ctx: HookContext) => join(ctx.state, 'txn');
