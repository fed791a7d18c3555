// Pure: the packages of one dpkg run plus the policy give a decision per protected unit.
import type { PkgChange } from '../apt/hookinfo.js';
import { byCodePoint } from '../compare.js';
import { ruleApplies } from './match.js';
import { MODE_RANK, type Mode, type Policy, type StepAction } from './model.js';
import { topoOrder } from './order.js';

export interface Decision {
  unit: string;
  action: Mode;
  // What the guard runs for a guarded or deferred unit.
  step: StepAction;
  rule: string;
  reason: string;
  packages: string[];
}

export interface PlanDecisions {
  decisions: Decision[];
  // Guarded units, in the order the guard restarts them after dpkg.
  order: string[];
  // Deferred units, in the order `restart-pending` will run them.
  deferred: string[];
  // Packages no rule spoke about.
  unmatched: string[];
}

export const REMOVED_RULE = 'package-removed';

export function decide(policy: Policy, changes: readonly PkgChange[]): PlanDecisions {
  const byUnit = new Map<string, Decision>();
  const unmatched: string[] = [];
  const propose = (unit: string, action: Mode, rule: string, reason: string, pkg: string) => {
    const prev = byUnit.get(unit);
    if (prev && prev.rule === REMOVED_RULE) return; // a unit whose package goes must stay free to stop
    if (!prev || MODE_RANK[action] > MODE_RANK[prev.action] || rule === REMOVED_RULE) {
      byUnit.set(unit, {
        unit,
        action,
        step: policy.units[unit]?.action ?? 'restart',
        rule,
        reason,
        packages: [...new Set([...(prev?.packages ?? []), pkg])],
      });
    } else if (!prev.packages.includes(pkg)) prev.packages.push(pkg);
  };
  for (const change of changes) {
    // Within one package, a later matching rule overrides an earlier one unit by unit.
    const mine = new Map<string, { action: Mode; rule: string; reason: string }>();
    for (const rule of policy.rules) {
      if (!ruleApplies(rule, change)) continue;
      for (const [unit, action] of Object.entries(rule.units))
        mine.set(unit, { action, rule: rule.name, reason: rule.reason });
    }
    for (const [unit, d] of mine) propose(unit, d.action, d.rule, d.reason, change.name);
    const freed =
      change.action === 'remove' ? Object.values(policy.units).filter((u) => u.package === change.name) : [];
    for (const u of freed)
      propose(
        u.unit,
        'allow',
        REMOVED_RULE,
        `${change.name} is being removed; ${u.unit} must be free to stop`,
        change.name,
      );
    if (mine.size === 0 && freed.length === 0) unmatched.push(change.name);
  }
  const declared = Object.keys(policy.units);
  const known = [...byUnit.keys()].sort((a, b) => rank(declared, a) - rank(declared, b) || byCodePoint(a, b));
  const decisions = known.map((u) => byUnit.get(u)!);
  const afterOf = (u: string) => policy.units[u]?.after ?? [];
  // A cycle is refused when the policy loads; should one get here, its units still run, last.
  const pick = (mode: Mode) => {
    const r = topoOrder(
      decisions.filter((d) => d.action === mode).map((d) => d.unit),
      afterOf,
    );
    return [...r.order, ...r.cycle];
  };
  return { decisions, order: pick('guarded'), deferred: pick('defer'), unmatched: [...new Set(unmatched)] };
}

// Units in the order the policy declares them; undeclared ones after, by name.
function rank(declared: string[], unit: string): number {
  const i = declared.indexOf(unit);
  return i >= 0 ? i : declared.length;
}
