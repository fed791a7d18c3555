// DPkg::Pre-Invoke and DPkg::Pre-Install-Pkgs: snapshot, open the transaction, decide, arm.
import { changesByPackage, configValue, parseHookInfo, type HookInfo, type PkgChange } from '../apt/hookinfo.js';
import { decide } from '../policy/decide.js';
import { readPolicy } from '../policy/cached.js';
import type { LoadedPolicy } from '../policy/load.js';
import { makeId } from '../snapshot/model.js';
import { saveSnapshot } from '../snapshot/store.js';
import { takeSnapshot } from '../snapshot/take.js';
import { arm, armSet } from '../txn/arm.js';
import { openTxn, type Txn } from '../txn/model.js';
import { loadVetoes, standing } from '../txn/vetoes.js';
import { loadCurrent, saveCurrent } from '../txn/store.js';
import type { AppContext } from '../context.js';
import { SYSTEMCTL_GATE_DIR, withStateLock } from '../state.js';
import { unitsToProbe } from '../tailscale.js';
import { reconcile } from './close.js';
import { resumeSafely } from './handoff.js';
import { noteBlind } from './sight.js';
import { watchApt } from './watchapt.js';
import { frontend } from '../procid.js';
import { messageOf } from '../errors.js';

// A transaction still open here was never closed (guard or apt killed): close it first, then
// open a fresh one. A second Pre-Invoke of the same run finds its own "open" one and keeps it.
// `loaded`: the policy its caller already read (one YAML parse per hook process).
export async function preInvoke(ctx: AppContext, loaded?: LoadedPolicy): Promise<Txn> {
  // A restore killed mid-way is finished before dpkg touches anything again.
  await resumeSafely(ctx);
  const policy = loaded ?? (await readPolicy(ctx.policyDirs));
  return withStateLock(ctx.state, 'txn', async () => {
    const txn = await openLocked(ctx, policy);
    saveCurrent(ctx.state, txn);
    return txn;
  });
}

// Under the txn lock: the "pre" snapshot and a new transaction, not yet saved (its caller saves it
// once, with what it adds). A crash before that save leaves no transaction and nothing armed.
async function openLocked(ctx: AppContext, loaded: LoadedPolicy): Promise<Txn> {
  const cur = loadCurrent(ctx.state);
  if (cur?.state === 'open' && cur.packages.length === 0) return cur;
  if (cur) await reconcile(ctx, cur, 'a new dpkg run started before this one was closed');
  const units = unitsToProbe(loaded.policy);
  const now = ctx.now();
  const snap = await takeSnapshot(ctx.run, { ...ctx.probe, units, meanwhile: ctx.log.prepare }, 'pre', now);
  await saveSnapshot(ctx.state, snap);
  const txn = openTxn(makeId(now, 'txn'), now, snap.id);
  if (snap.probes.systemd.status === 'ok')
    txn.invocations = Object.fromEntries(snap.probes.systemd.data.units.map((u) => [u.id, u.invocationID]));
  txn.notes.push(...loaded.errors.map((e) => `policy: ${e}`));
  noteBlind(ctx, txn, snap, 'pre');
  if (ctx.degraded) txn.notes.push(`degraded: ${ctx.degraded}; this run's state is under ${ctx.state}`);
  ctx.log.info({ txn: txn.id, snapshot: snap.id }, 'transaction opened');
  return txn;
}

const warnUnwatched = (ctx: AppContext, err: unknown) =>
  ctx.log.warn({ err: messageOf(err) }, 'could not watch apt; a killed apt leaves the gates to the next run');

const key = (p: PkgChange) => `${p.name}:${p.arch}:${p.newVersion}`;

// The stream says what dpkg is about to do. apt runs this hook once per dpkg run, right after
// Pre-Invoke, so it also opens the transaction (issue 18: one node start fewer per dpkg run). A
// transaction found open is this run's when an older Pre-Invoke entry opened it (no packages yet)
// or when the same apt sends the same packages again; any other was never closed, and preInvoke
// closes it first.
export async function preInstallPkgs(ctx: AppContext, stream: string): Promise<Txn> {
  const info = parseHookInfo(stream);
  const changes = changesByPackage(info);
  const found = loadCurrent(ctx.state);
  const me = frontend();
  const again =
    found?.state === 'armed' &&
    found.apt?.pid === me?.pid &&
    found.apt?.start === me?.start &&
    changes.every((p) => found.packages.some((q) => key(q) === key(p)));
  const loaded = await readPolicy(ctx.policyDirs);
  if (!again) await resumeSafely(ctx);
  // The watcher's systemd-run (once per apt process) runs while the snapshot is taken.
  const watching = me && !again ? watchApt(ctx, me).catch((e: unknown) => warnUnwatched(ctx, e)) : null;
  try {
    return await withStateLock(ctx.state, 'txn', async () => {
      const txn = (again ? loadCurrent(ctx.state) : null) ?? (await openLocked(ctx, loaded));
      const seen = new Set(txn.packages.map(key));
      for (const p of changes) if (!seen.has(key(p))) txn.packages.push(p);
      const offPath = systemctlGateMissing(info);
      if (offPath && !txn.notes.includes(offPath)) {
        txn.notes.push(offPath);
        ctx.log.warn({ txn: txn.id }, offPath);
      }
      for (const e of loaded.errors)
        ctx.log.error({ txn: txn.id, problem: e }, 'policy error; the shipped defaults apply');
      const plan = decide(loaded.policy, txn.packages);
      Object.assign(txn, { decisions: plan.decisions, order: plan.order, deferred: plan.deferred });
      const vetoed = standing(loadVetoes(ctx.state), txn.invocations ?? {});
      txn.armed = armSet(
        loaded.policy,
        plan.decisions,
        txn.packages,
        vetoed.map((v) => v.unit),
      );
      for (const v of vetoed)
        if (!plan.decisions.some((d) => d.unit === v.unit))
          txn.notes.push(`${v.unit}: still vetoed by ${v.rule} (transaction ${v.txn}) until it restarts`);
      // Journal first, then arm: a crash in between leaves a journal that says more than is armed,
      // and disarming what is not there is harmless.
      txn.state = 'armed';
      txn.apt ??= me ?? undefined;
      saveCurrent(ctx.state, txn);
      await arm(ctx.dirs, txn.id, txn.armed, ctx.run, txn.apt, stream);
      for (const d of plan.decisions)
        ctx.log.info({ txn: txn.id, unit: d.unit, action: d.action, rule: d.rule, packages: d.packages }, d.reason);
      return txn;
    });
  } finally {
    await watching;
  }
}

// The systemctl gate holds plain `systemctl restart` calls from maintainer scripts only while it is
// first on the PATH apt gives dpkg (DPkg::Path, set in 20apt-netguard). An admin's own later
// DPkg::Path replaces ours: say so, in every run it happens.
export function systemctlGateMissing(info: HookInfo): string | null {
  const path = configValue(info, 'DPkg::Path') ?? '';
  if (path.split(':')[0] === SYSTEMCTL_GATE_DIR) return null;
  return `the systemctl gate is not first on dpkg's PATH (DPkg::Path=${JSON.stringify(path)}): plain systemctl restarts from maintainer scripts are not held`;
}
