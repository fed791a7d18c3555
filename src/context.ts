// The application context, built once per entry point (a CLI command, a hook, a service). Every
// setting is resolved here in needrestart's order: built-in defaults, then
// /etc/apt-netguard/config.yaml, then the environment, then flags. Nothing else in src/ reads
// process.env (the bundle's boot code aside), and every layer takes the context it is handed.
import { existsSync, fstatSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from './config/model.js';
import type { LineStream, Run } from './exec.js';
import type { Log } from './log.js';
import type { PolicyDirs } from './policy/load.js';
import type { ParseCache } from './parsecache.js';
import type { ProbeContext } from './probes/types.js';
import { DEFAULT_CACHE_DIR } from './boot/codecache.js';
import { JOURNAL_STREAM_SOCKET, openJournal } from './journald.js';
import {
  DEFAULT_RUN_DIR,
  DEFAULT_STATE_DIR,
  DEFAULT_SYSTEMD_RUN_DIR,
  onCorrupt,
  stateFor,
  type ArmDirs,
} from './state.js';

// esbuild writes the package version in at build time (scripts/build.mjs).
export const VERSION = process.env.APT_NETGUARD_BUILD_VERSION ?? 'dev';
// What the program was built from (scripts/build.mjs); 'dev' outside the bundle.
const BUILD_ID = process.env.APT_NETGUARD_BUILD_ID ?? 'dev';
export const CONFIG_FILE = '/etc/apt-netguard/config.yaml';
export const SHIPPED_POLICY_DIR = '/usr/share/apt-netguard/policies';
export const ADMIN_POLICY_DIR = '/etc/apt-netguard/policies.d';

// What a command's flags set; each wins over the environment.
export interface Flags {
  stateDir?: string | undefined;
  policyDir?: string | undefined;
  timeoutMs?: number | undefined;
}
// What differs between entry points when neither the environment nor a flag says.
export interface Defaults {
  logLevel?: string;
  timeoutMs?: number;
}

// Everything but config.yaml's contents: cheap to resolve, so commands that never read the config
// (snapshot, diff, list) do not load the YAML parser for it.
export interface Settings {
  stateDir: string;
  dirs: ArmDirs;
  configPath: string;
  policyDirs: PolicyDirs;
  probe: Omit<ProbeContext, 'units'>;
  logLevel: string;
  // Log lines are copied to journald as they happen (APT_NETGUARD_JOURNAL=0 turns it off); not
  // where stderr already is the journal (a systemd service), which would log each line twice.
  journal: boolean;
  // journald's stream socket the log lines go to (APT_NETGUARD_JOURNAL_SOCKET, for tests).
  journalSocket: string;
  // APT_NETGUARD_DISABLE=1: every hook does nothing for this run.
  disabled: boolean;
  // APT_NETGUARD_STRICT=1 makes a hook failure stop apt, whatever config.yaml says; null: it decides.
  strict: true | null;
  debug: boolean;
  // Where apt writes the Pre-Install-Pkgs stream (APT_HOOK_INFO_FD), else stdin.
  hookInfoFd: number;
  // Where commands are looked up (PATH; exec.ts adds the sbin dirs).
  searchPath: string;
  // The code cache's dir, which also keeps parsed config and policy (parsecache.ts); null: off.
  parseCache: ParseCache | null;
}

export function settings(flags: Flags = {}, defaults: Defaults = {}, env = process.env): Settings {
  const systemdRun = env.APT_NETGUARD_SYSTEMD_RUN_DIR ?? DEFAULT_SYSTEMD_RUN_DIR;
  const fd = env.APT_HOOK_INFO_FD;
  // As boot/main.ts reads it: an empty APT_NETGUARD_CACHE_DIR turns the caches off. The build id
  // (scripts/build.mjs) keeps one build's parse from another's validator.
  const cacheDir = env.APT_NETGUARD_CACHE_DIR ?? DEFAULT_CACHE_DIR;
  const parseCache = cacheDir ? { dir: cacheDir, build: BUILD_ID } : null;
  return {
    stateDir: flags.stateDir ?? env.APT_NETGUARD_STATE_DIR ?? DEFAULT_STATE_DIR,
    dirs: { run: env.APT_NETGUARD_RUN_DIR ?? DEFAULT_RUN_DIR, systemdRun },
    configPath: env.APT_NETGUARD_CONFIG ?? CONFIG_FILE,
    policyDirs: {
      shipped: env.APT_NETGUARD_SHIPPED_POLICIES ?? shippedPolicyDir(),
      admin: flags.policyDir ?? env.APT_NETGUARD_POLICIES_D ?? ADMIN_POLICY_DIR,
      trustedUid: 0,
      cache: parseCache,
    },
    probe: { timeoutMs: flags.timeoutMs ?? defaults.timeoutMs ?? 5_000, systemdRunDir: systemdRun },
    logLevel: env.APT_NETGUARD_LOG_LEVEL ?? defaults.logLevel ?? 'info',
    journal: env.APT_NETGUARD_JOURNAL !== '0' && !stderrIsJournal(env.JOURNAL_STREAM),
    journalSocket: env.APT_NETGUARD_JOURNAL_SOCKET ?? JOURNAL_STREAM_SOCKET,
    disabled: env.APT_NETGUARD_DISABLE === '1',
    strict: env.APT_NETGUARD_STRICT === '1' ? true : null,
    debug: Boolean(env.APT_NETGUARD_DEBUG),
    hookInfoFd: fd && /^\d+$/.test(fd) ? Number(fd) : 0,
    searchPath: env.PATH ?? '',
    parseCache,
  };
}

// NOTE: systemd.exec(5): JOURNAL_STREAM is `device:inode` of the journal stream a service's stderr
// was connected to; only if fd 2 is still that stream do lines already reach the journal.
function stderrIsJournal(stream: string | undefined): boolean {
  if (!stream) return false;
  try {
    const st = fstatSync(2);
    return stream === `${st.dev}:${st.ino}`;
  } catch {
    return false;
  }
}

// The installed policies, else the policies/ beside the program (a checkout, or the bundle's dist/).
function shippedPolicyDir(): string {
  const beside = join(dirname(process.argv[1] ?? '.'), '..', 'policies');
  return existsSync(SHIPPED_POLICY_DIR) || !existsSync(beside) ? SHIPPED_POLICY_DIR : beside;
}

// What the guard's layers (lifecycle, restore) are handed: settings, config and the outside world.
export interface AppContext {
  run: Run;
  log: Log;
  state: string;
  dirs: ArmDirs;
  policyDirs: PolicyDirs;
  probe: Omit<ProbeContext, 'units'>;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  config: Config;
  // Problems in config.yaml (the defaults apply); each entry point logs them.
  configErrors: string[];
  // Valid but unsafe (credentials readable by others); logged as warnings.
  configWarnings: string[];
  // Whether a failure should stop apt (strict mode); otherwise every hook exits 0.
  strict: boolean;
  // Why the state dir cannot be written (read-only, full), or null. Then `state` is the fallback
  // under the run dir, and this run still guards, restores, and alerts about it.
  degraded: string | null;
  // Long-lived children read line by line (the watch's netlink events); absent in tests that fake Run.
  stream?: (argv: readonly string[], onLine: (line: string) => void) => LineStream | null;
}

// The one Run everything is handed: spawns through exec.ts, and `ip -j` dumps asked for together
// share one process (ipbatch.ts). Loaded when first needed: execa's init is off `--version`'s path.
export async function makeRun(s: Pick<Settings, 'searchPath'>): Promise<Run> {
  const [{ spawner }, { coalesceIp }] = await Promise.all([import('./exec.js'), import('./ipbatch.js')]);
  return coalesceIp(spawner(s.searchPath));
}

export async function makeStream(s: Pick<Settings, 'searchPath'>): Promise<AppContext['stream']> {
  const { streamLines } = await import('./exec.js');
  return (argv, onLine) => streamLines(s.searchPath, argv, onLine);
}

// The log every long-running entry point writes: stderr (JSON lines), and journald as it happens.
// close() waits until journald's socket has taken every line (bounded).
export async function openLog(s: Settings) {
  const { makeLog } = await import('./log.js');
  const journal = s.journal ? openJournal(s.journalSocket) : null;
  const log = makeLog(2, s.logLevel, journal?.write);
  return { log, close: async () => journal?.close() };
}

export async function appContext(s: Settings, log: Log, run?: Run): Promise<AppContext> {
  const { readConfig } = await import('./config/cached.js');
  onCorrupt((c) =>
    log.error({ path: c.path, movedTo: c.movedTo, why: c.why }, 'corrupt file moved aside; starting fresh'),
  );
  const { config, errors, warnings } = await readConfig(s.configPath, s.parseCache);
  // The environment wins over the file, as NEEDRESTART_MODE does over needrestart.conf.
  if (s.strict !== null) config.strict = s.strict;
  const { state, problem } = stateFor(s.stateDir, s.dirs.run);
  const degraded = problem ? `${s.stateDir} cannot be written: ${problem}` : null;
  if (degraded)
    log.error({ stateDir: s.stateDir, cause: problem, using: state }, `${degraded}; state kept under ${state}`);
  return {
    run: run ?? (await makeRun(s)),
    stream: run ? undefined : await makeStream(s),
    log,
    state,
    dirs: s.dirs,
    policyDirs: s.policyDirs,
    probe: s.probe,
    now: () => new Date(),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    config,
    configErrors: errors,
    configWarnings: warnings,
    strict: config.strict,
    degraded,
  };
}
