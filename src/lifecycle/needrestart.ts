// needrestart's restart.d/<unit> script calls this instead of `systemctl restart <unit>`.
import { diff, findingLine } from '../diff/index.js';
import { messageOf } from '../errors.js';
import { readPolicy } from '../policy/cached.js';
import { saveSnapshot } from '../snapshot/store.js';
import { takeSnapshot } from '../snapshot/take.js';
import { gateMode, recordRequest } from '../txn/arm.js';
import { loadCurrent } from '../txn/store.js';
import { loadVetoes, unexplained } from '../txn/vetoes.js';
import { deletedMappings, packageFiles } from '../probes/maps.js';
import type { AppContext } from '../context.js';
import { unitsToProbe } from '../tailscale.js';

export type NeedrestartOutcome = { recorded: string } | { restarted: boolean; findings: string[] };

// Inside an open transaction the request is recorded for the Post-Invoke; outside one (an admin
// running needrestart by hand) the guarded sequence runs at once.
export async function needrestartHook(ctx: AppContext, unit: string): Promise<NeedrestartOutcome> {
  let mode = gateMode(ctx.dirs, unit);
  if (mode === 'veto') mode = (await liftVeto(ctx, unit)) ?? mode;
  if (mode !== null) {
    recordRequest(ctx.dirs, 'needrestart', unit, 'restart', mode, ctx.now());
    ctx.log.info({ unit, decision: mode }, 'needrestart restart request recorded, not executed');
    return { recorded: mode };
  }
  const { policy } = await readPolicy(ctx.policyDirs);
  const step = policy.units[unit]?.action ?? 'restart';
  const units = unitsToProbe(policy);
  const before = await takeSnapshot(ctx.run, { ...ctx.probe, units }, 'nr-pre', ctx.now());
  let restarted = true;
  try {
    await ctx.run(['systemctl', step, unit], { timeoutMs: 90_000 });
  } catch (err) {
    restarted = false;
    ctx.log.error({ unit, step, err: messageOf(err) }, 'restart for needrestart failed');
  }
  // Outside a transaction nothing else looks: report what the restart broke, so it is not silent.
  const after = await takeSnapshot(ctx.run, { ...ctx.probe, units }, 'nr-post', ctx.now());
  await saveSnapshot(ctx.state, before);
  await saveSnapshot(ctx.state, after);
  const findings = diff(before, after).map(findingLine);
  for (const f of findings) ctx.log.warn({ unit }, f);
  return { restarted, findings };
}

// A veto standing from an earlier run (no rule of this run decided the unit) holds only while the
// unit maps nothing replaced but what the vetoed packages installed. Returns the unit's default
// mode when the veto no longer explains needrestart's request, else null.
async function liftVeto(ctx: AppContext, unit: string): Promise<string | null> {
  if (loadCurrent(ctx.state)?.decisions.some((d) => d.unit === unit)) return null;
  const veto = loadVetoes(ctx.state).find((v) => v.unit === unit);
  if (!veto?.packages) return null;
  const extra = unexplained(veto, await deletedMappings(ctx.run, unit), await packageFiles(ctx.run, veto.packages));
  if (!extra.length) return null;
  const mode = (await readPolicy(ctx.policyDirs)).policy.units[unit]?.default ?? 'guarded';
  const files = extra.slice(0, 3).join(', ') + (extra.length > 3 ? ` and ${extra.length - 3} more` : '');
  ctx.log.warn(
    { unit, rule: veto.rule, decision: mode, files: extra },
    `the standing veto by ${veto.rule} no longer explains this request: ${unit} also maps replaced ${files}`,
  );
  return mode;
}
