// `apt-netguard hook <name>`: the entry point apt, needrestart and the shims call. Fails open.
import { out } from '../stdout.js';
import { readFileSync } from 'node:fs';
import type { AppContext, Settings } from '../context.js';
import { UsageError, messageOf } from '../errors.js';

export const help = `Usage: apt-netguard hook NAME [ARGS]

Called by apt (/etc/apt/apt.conf.d), needrestart (restart.d) and the hook shims; not by hand.
  pre-install-pkgs    DPkg::Pre-Install-Pkgs (version 3, stream on $APT_HOOK_INFO_FD or stdin):
                      snapshot "pre", open the transaction, record packages, decide per policy,
                      arm the gates
  pre-invoke          snapshot "pre" and open the transaction only (pre-install-pkgs does this
                      itself; the shim no longer starts node for DPkg::Pre-Invoke)
  post-dpkg           early DPkg::Post-Invoke (before needrestart's): remove the runtime drop-ins
                      (the shim does this in sh)
  post-invoke         late DPkg::Post-Invoke (after needrestart's): disarm, record the owed
                      restarts (guarded, then deferred) in order, diff against "pre", close;
                      then the ordered restore (see 'apt-netguard restore --help'), once per
                      transaction, unless restore.auto is off in config.yaml
  needrestart UNIT    needrestart's restart.d script for UNIT (inside a dpkg run the shim records
                      the request in sh, unless a standing veto needs weighing)
  apt-gone PID START  the watcher's ExecStopPost: the apt that armed the gates has ended; a
                      transaction it left open is closed as abandoned, and the gates disarmed

Every hook exits 0, whatever happens, and logs why (JSON on stderr) - unless strict mode is on
(strict: true in config.yaml, or APT_NETGUARD_STRICT=1), where a failure exits 100 and the
shim fails the apt run.
APT_NETGUARD_DISABLE=1 makes every hook do nothing.
`;

export const STRICT_FAILURE = 100;

export async function hookCommand(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '-h' || name === '--help') return (out(help), name ? 0 : 2);
  const { appContext, openLog, settings } = await import('../context.js');
  const s = settings();
  const { log, close } = await openLog(s);
  try {
    return await guarded(name, rest, await appContext(s, log), s);
  } finally {
    await close();
  }
}

async function guarded(name: string, rest: string[], ctx: AppContext, s: Settings): Promise<number> {
  const { log } = ctx;
  if (s.disabled) return (log.info({ hook: name }, 'disabled by APT_NETGUARD_DISABLE'), 0);
  for (const e of ctx.configErrors) log.error({ hook: name, problem: e }, 'config error; the defaults apply');
  for (const w of ctx.configWarnings) log.warn({ hook: name, problem: w }, 'config warning');
  const started = performance.now();
  try {
    await dispatch(name, rest, ctx, s);
    log.debug({ hook: name, ms: Math.round(performance.now() - started) }, 'hook done');
    // A transaction closed (or abandoned): the textfile says so (metrics.textfile-dir).
    if (name === 'post-invoke' || name === 'apt-gone') await publishNow(ctx);
    return 0;
  } catch (err) {
    // The one catch of hook mode: log, and let apt go on unless the admin asked for strict.
    log.error(
      { hook: name, err: messageOf(err), strict: ctx.strict },
      ctx.strict ? 'hook failed; strict mode stops apt' : 'hook failed; apt goes on',
    );
    await countFailure(ctx, name);
    return ctx.strict ? STRICT_FAILURE : 0;
  }
}

async function dispatch(name: string, rest: string[], ctx: AppContext, s: Settings): Promise<void> {
  switch (name) {
    case 'pre-invoke':
      return void (await (await import('../lifecycle/open.js')).preInvoke(ctx));
    case 'pre-install-pkgs': {
      const stream = readFileSync(s.hookInfoFd, 'utf8');
      return void (await (await import('../lifecycle/open.js')).preInstallPkgs(ctx, stream));
    }
    case 'post-dpkg':
      return (await import('../lifecycle/close.js')).postDpkg(ctx);
    case 'post-invoke':
      return void (await (await import('../lifecycle/close.js')).postInvoke(ctx));
    case 'apt-gone': {
      const [pid, start] = rest;
      if (!pid || !/^\d+$/.test(pid) || !start) throw new UsageError('hook apt-gone wants PID START');
      return void (await (await import('../lifecycle/watchapt.js')).aptGone(ctx, Number(pid), start));
    }
    case 'needrestart': {
      if (!rest[0]) throw new UsageError('hook needrestart wants the unit name');
      return void (await (await import('../lifecycle/needrestart.js')).needrestartHook(ctx, rest[0]));
    }
    default:
      throw new UsageError(`unknown hook '${name}'`);
  }
}

const publishNow = async (ctx: AppContext) => (await import('../metrics/publish.js')).publish(ctx);

// Counted by hook name, never by what the caller typed (no free-form label); never throws.
async function countFailure(ctx: AppContext, name: string): Promise<void> {
  const [{ HOOKS }, { bump }] = await Promise.all([
    import('../metrics/exposition.js'),
    import('../restore/counters.js'),
  ]);
  await bump(ctx.state, 'hookFailures', HOOKS.includes(name) ? name : 'other')
    .then(() => publishNow(ctx))
    .catch((e: unknown) => ctx.log.warn({ hook: name, err: messageOf(e) }, 'metrics: the failure was not counted'));
}
