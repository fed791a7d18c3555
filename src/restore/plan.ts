// Pure: findings (baseline against now) plus owed restarts plus policy -> an ordered plan of steps.
import type { Finding } from '../diff/index.js';
import { findingLine } from '../diff/index.js';
import type { Policy, StepAction } from '../policy/model.js';
import { topoOrder } from '../policy/order.js';
import { NETWORKD, TAILSCALED, TS_IF, TS_TABLE, isTailscaleRule } from '../tailscale.js';
import { routeSpec } from '../probes/routes.js';
import type { Baseline } from './baseline.js';
import type { Check, Plan, Step } from './model.js';

export interface PlanInput {
  baseline: Baseline;
  findings: readonly Finding[];
  // Restarts owed from the journal (guarded; deferred ones too for restart-pending), in order.
  owed: readonly { unit: string; step: StepAction; reason: string }[];
  policy: Policy;
  // Units that load the nft ruleset, as the shell found them (policy nft-loader, else detected).
  nftLoaders: readonly string[];
}

export const NO_LOADER = 'no unit is known to load the nft ruleset; set nft-loader: true on it in a policy file';

export function planRestore(input: PlanInput): Plan {
  const { baseline: base, findings, policy } = input;
  const steps = new Map<string, Step>();
  const unresolved: Plan['unresolved'] = [];
  const unitStep = (unit: string, op: StepAction, reason: string, extraAfter: string[] = []): Step => {
    // A restart covers a reload of the same unit.
    const other = steps.get(`${op === 'restart' ? 'reload' : 'restart'} ${unit}`);
    if (other && op === 'reload') return (other.reasons.push(reason), other);
    if (other) steps.delete(other.id);
    const id = `${op} ${unit}`;
    const s = steps.get(id) ?? {
      id,
      op,
      unit,
      reasons: [...(other?.reasons ?? [])],
      after: [],
      checks: [{ kind: 'unit-active', unit }],
    };
    s.reasons.push(reason);
    s.after.push(...extraAfter);
    steps.set(id, s);
    return s;
  };
  const stepOf = (unit: string) => steps.get(`restart ${unit}`) ?? steps.get(`reload ${unit}`);

  const notes: string[] = [];
  for (const o of input.owed) {
    const was = base.unitStates[o.unit];
    if (was !== undefined && was !== 'active')
      notes.push(`${o.step} ${o.unit} owed, not run: it was ${was} before the upgrade`);
    else unitStep(o.unit, o.step, `owed: ${o.reason}`);
  }

  const lostRoutes = findings.filter((f) => f.kind === 'route-missing' && f.table === TS_TABLE);
  const lostRules = findings.filter((f) => f.kind === 'rule-missing' && isTailscaleRule(f));
  const repair = policy.units[TAILSCALED]?.repair ?? 'restart';
  if (lostRoutes.length && repair === 'replay-routes') {
    const routes = lostRoutes.map((f) => routeSpec(f as Extract<Finding, { kind: 'route-missing' }>));
    const rules = lostRules
      .map((f) => f as Extract<Finding, { kind: 'rule-missing' }>)
      .map(({ family, priority, table, selector }) => ({ family, priority, table, selector }));
    steps.set('replay-routes', {
      id: 'replay-routes',
      op: 'replay-routes',
      unit: null,
      reasons: [`lost: ${routes.length} table-52 routes, ${rules.length} rules; policy repair: replay-routes`],
      after: [],
      checks: [
        { kind: 'routes-present', routes },
        { kind: 'rules-present', rules },
      ],
      routes,
      rules,
    });
  } else if (lostRoutes.length || lostRules.length) {
    unitStep(
      TAILSCALED,
      'restart',
      `lost: ${lostRoutes.length} table-52 routes, ${lostRules.length} Tailscale rules` +
        ' (tailscaled re-adds rules, never routes)',
    );
  }
  for (const f of findings) {
    if (f.kind === 'unit-state-changed' && f.before.startsWith('active/') && !f.after.startsWith('active/'))
      unitStep(f.unit, 'restart', `${f.unit} was ${f.before}, is ${f.after}`);
  }
  if (steps.has(`restart ${NETWORKD}`) && base.unitStates[TAILSCALED] === 'active')
    unitStep(
      TAILSCALED,
      'restart',
      'a networkd restart flushes table 52; tailscaled puts it back once networkd has settled',
      [`restart ${NETWORKD}`],
    );

  const ts = steps.get(`restart ${TAILSCALED}`);
  if (ts) ts.checks.push(...tailscaledChecks(base));
  const stale = findings.filter((f) => f.kind === 'nft-stale-ifindex');
  const tsRecreated = findings.some((f) => f.kind === 'ifindex-changed' && f.ifname === TS_IF);
  if (stale.length || tsRecreated || (ts && base.nftTsMatches > 0)) {
    const why = stale.length
      ? `${stale.length} iif/oif matches hold a stale ifindex`
      : ts
        ? `tailscaled's restart recreates ${TS_IF}; ${base.nftTsMatches} iif/oif matches must resolve to it`
        : `${TS_IF} has a new ifindex`;
    if (!input.nftLoaders.length) unresolved.push({ finding: why, why: NO_LOADER });
    for (const unit of input.nftLoaders) {
      const s = unitStep(unit, 'reload', why, ts ? [ts.id] : []);
      s.checks.push(
        { kind: 'link-present', ifname: TS_IF },
        { kind: 'nft-resolves', ifname: TS_IF, count: base.nftTsMatches },
      );
    }
  }
  for (const f of findings) {
    if (f.kind !== 'listener-missing' || !base.tailscaleIPs.includes(f.address)) continue;
    const unit = Object.values(policy.units).find((u) =>
      u.listens.some((l) => l === `:${f.port}` || l === `${f.address}:${f.port}` || l === `[${f.address}]:${f.port}`),
    )?.unit;
    if (!unit) {
      unresolved.push({
        finding: findingLine(f),
        why: `no unit lists it; add listens: [":${f.port}"] to its unit in a policy file`,
      });
      continue;
    }
    const s = unitStep(
      unit,
      'restart',
      `its listener ${f.address}:${f.port} is gone`,
      [...(ts ? [ts.id] : []), ...input.nftLoaders.map((u) => stepOf(u)?.id ?? '')].filter(Boolean),
    );
    s.checks.push({ kind: 'listening', address: f.address, port: f.port });
  }
  for (const f of findings) {
    // A tailscaled that runs but is not Running (login, key expiry, no upstream) is not fixed by a restart loop.
    if (f.kind === 'tailscale-state-changed' && f.field === 'BackendState' && !stepOf(TAILSCALED))
      unresolved.push({
        finding: findingLine(f),
        why: 'tailscaled is up but not Running; a restart does not fix a login, key or upstream problem',
      });
  }
  return { steps: order(steps, policy), unresolved, notes };
}

function tailscaledChecks(base: Baseline): Check[] {
  const c: Check[] = [];
  if (base.tsLinkPresent) c.push({ kind: 'link-present', ifname: TS_IF });
  if (base.tailscaleRunning) c.push({ kind: 'tailscale-running' });
  if (base.table52.length) c.push({ kind: 'routes-present', routes: base.table52 });
  if (base.tsRules.length) c.push({ kind: 'rules-present', rules: base.tsRules });
  return c;
}

// Policy `after:` edges plus the plan's own; a unit with `settle: true` gets a settle step that its
// dependents wait for; everything waits for an initial settle. Then a topological sort.
function order(steps: Map<string, Step>, policy: Policy): Step[] {
  if (!steps.size) return [];
  const all = new Map<string, Step>([
    [
      'settle',
      {
        id: 'settle',
        op: 'settle',
        unit: null,
        reasons: ['networkd settled before anything is touched'],
        after: [],
        checks: [],
      },
    ],
  ]);
  const byUnit = new Map([...steps.values()].filter((s) => s.unit).map((s) => [s.unit!, s.id]));
  const settleAfter = new Map<string, string>();
  for (const s of steps.values()) {
    if (s.unit && policy.units[s.unit]?.settle) {
      const id = `settle after ${s.unit}`;
      settleAfter.set(s.id, id);
      all.set(id, { id, op: 'settle', unit: null, reasons: [`${s.unit} has settle: true`], after: [s.id], checks: [] });
    }
  }
  for (const s of steps.values()) {
    const deps = new Set([
      ...s.after,
      ...(s.unit ? (policy.units[s.unit]?.after ?? []) : [])
        .map((u) => byUnit.get(u))
        .filter((x): x is string => Boolean(x)),
    ]);
    s.after = [...deps].map((d) => settleAfter.get(d) ?? d).filter((d) => d !== s.id);
    if (!s.after.length) s.after = ['settle'];
    all.set(s.id, s);
  }
  const { order: ids, cycle } = topoOrder([...all.keys()], (id) => all.get(id)?.after ?? []);
  return [...ids, ...cycle].map((id) => all.get(id)!);
}
