// A veto outlives its dpkg run: after a kmod upgrade, needrestart keeps flagging networkd (it still
// maps the replaced libkmod) in every later MinimalSteps run, with no rule there to say "not needed".
// So a unit vetoed by a rule stays vetoed for requests no rule decides, until it restarts.
import { readJson, statePaths, writeJson } from '../state.js';
import type { Decision } from '../policy/decide.js';
import { REMOVED_RULE } from '../policy/decide.js';

export interface Veto {
  unit: string;
  // The invocation the veto was made for; a unit restarted since runs another one.
  invocationID: string;
  rule: string;
  txn: string;
  // The packages the vetoing rule matched (absent in vetoes of earlier builds).
  packages?: string[];
}

// Pure: the replaced files the unit still maps that the vetoed packages did not install. A veto
// stands for what its packages replaced; another replaced library (libseccomp2 after a libkmod2
// veto) is a new reason to restart. Unknown (no packages recorded, maps unreadable): none.
export function unexplained(veto: Veto, deleted: readonly string[] | null, owned: ReadonlySet<string>): string[] {
  if (!veto.packages?.length || !deleted) return [];
  return deleted.filter((f) => !owned.has(f));
}

// Pure: the vetoes whose unit still runs the vetoed invocation.
export function standing(vetoes: readonly Veto[], invocations: Readonly<Record<string, string>>): Veto[] {
  return vetoes.filter((v) => v.invocationID !== '' && invocations[v.unit] === v.invocationID);
}

// Pure: the standing vetoes, plus this run's rule vetoes (at the invocation the run started with).
export function afterRun(
  vetoes: readonly Veto[],
  decisions: readonly Decision[],
  invocations: Readonly<Record<string, string>>,
  txn: string,
): Veto[] {
  const out = new Map(standing(vetoes, invocations).map((v) => [v.unit, v]));
  for (const d of decisions) {
    const inv = invocations[d.unit];
    if (d.action === 'veto' && d.rule !== REMOVED_RULE && inv)
      out.set(d.unit, { unit: d.unit, invocationID: inv, rule: d.rule, txn, packages: d.packages });
  }
  return [...out.values()];
}

const path = (state: string) => statePaths(state).vetoes;
const isDoc = (v: unknown): v is { vetoes: Veto[] } => Array.isArray((v as { vetoes?: unknown } | null)?.vetoes);
export const loadVetoes = (state: string): Veto[] => readJson(path(state), isDoc, 'a vetoes list')?.vetoes ?? [];
export const saveVetoes = (state: string, vetoes: Veto[]): void => writeJson(path(state), { vetoes });
