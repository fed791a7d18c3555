// Reads the policy files (fs only) and merges them; any broken admin file means shipped defaults.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mergeFragments, type Policy, type PolicyFragment } from './model.js';
import { formatProblem, type Problem } from '../problems.js';
import { validatePolicy } from './validate.js';
import { topoOrder } from './order.js';
import { untrusted } from '../fsutil.js';
import type { ParseCache } from '../parsecache.js';

export interface PolicyDirs {
  shipped: string;
  admin: string;
  // Files must belong to this uid (root); tests running unprivileged pass their own.
  trustedUid: number;
  // Where the hooks keep the parsed result (policy/cached.ts); null or absent: always parse.
  cache?: ParseCache | null;
}

export interface LoadedPolicy {
  policy: Policy;
  errors: string[];
  warnings: string[];
  // True when admin files were set aside because of errors: the shipped defaults apply alone.
  fellBack: boolean;
}

interface Read {
  fragments: PolicyFragment[];
  errors: string[];
  warnings: string[];
}

function readDir(dir: string, uid: number): Read {
  const out: Read = { fragments: [], errors: [], warnings: [] };
  if (!existsSync(dir)) return out;
  const refusedDir = untrusted(dir, uid);
  if (refusedDir) return { ...out, errors: [`${dir}: refused: ${refusedDir}`] };
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const path = join(dir, name);
    try {
      const refused = untrusted(path, uid);
      if (refused) {
        out.errors.push(`${path}: refused: ${refused}`);
        continue;
      }
      const v = validatePolicy(path, readFileSync(path, 'utf8'));
      out.errors.push(...v.errors.map(formatProblem));
      out.warnings.push(...v.warnings.map(formatProblem));
      out.fragments.push(v.fragment);
    } catch (err) {
      out.errors.push(`${path}: cannot read: ${(err as Error).message}`);
    }
  }
  return out;
}

// An origin (`file:line:col`) back to a problem's place.
const where = (origin: string | undefined) => {
  const m = /^(.*):(\d+):(\d+)$/.exec(origin ?? '');
  return m ? { file: m[1]!, line: Number(m[2]), col: Number(m[3]) } : { file: '(policy)', line: 0, col: 0 };
};

// Checks that need the merged result: `after` names a declared unit, and no cycles.
export function crossCheck(policy: Policy): Problem[] {
  const problems: Problem[] = [];
  for (const u of Object.values(policy.units)) {
    for (const dep of u.after) {
      if (!policy.units[dep])
        problems.push({
          ...where(u.from.after),
          message: `${u.unit}: after names ${dep}, which no file declares`,
          hint: `declare ${dep} under units:, or drop it`,
        });
    }
  }
  const units = Object.keys(policy.units);
  const { cycle } = topoOrder(units, (u) => policy.units[u]?.after ?? []);
  if (cycle.length)
    problems.push({
      ...where(policy.units[cycle[0]!]?.from.after),
      message: `ordering cycle among ${cycle.join(', ')}`,
      hint: 'remove one of the after: entries',
    });
  return problems;
}

// `dirs` come from the context (context.ts): the shipped dir, then the admin's.
// Pure: what is valid but does not do what its author likely meant.
export function crossWarnings(policy: Policy): Problem[] {
  const out: Problem[] = [];
  for (const r of policy.rules) {
    for (const unit of Object.keys(r.units).filter((u) => !policy.units[u])) {
      const message = `rule ${r.name} decides ${unit}, which no file declares under units:`;
      const hint = `declare ${unit} under units:, or no gate is armed for it and its restarts go through`;
      out.push({ ...where(r.from), message, hint });
    }
  }
  for (const u of Object.values(policy.units)) {
    if (!u.refuseStop || u.package) continue;
    const message = `${u.unit} has refuse-stop but no package:`;
    const hint = `name its package, so that a run that removes it leaves ${u.unit} free to stop`;
    out.push({ ...where(u.from['refuse-stop']), message, hint });
  }
  return out;
}

export function loadPolicy(dirs: PolicyDirs): LoadedPolicy {
  const shipped = readDir(dirs.shipped, dirs.trustedUid);
  const admin = readDir(dirs.admin, dirs.trustedUid);
  const all = mergeFragments([...shipped.fragments, ...admin.fragments]);
  const allErrors = [
    ...shipped.errors,
    ...admin.errors,
    ...(shipped.errors.length + admin.errors.length ? [] : crossCheck(all).map(formatProblem)),
  ];
  const warnings = [...shipped.warnings, ...admin.warnings, ...crossWarnings(all).map(formatProblem)];
  if (allErrors.length === 0) return { policy: all, errors: [], warnings, fellBack: false };
  // Fall back to the shipped files alone; if those are broken too, what parsed of them.
  const defaults = mergeFragments(shipped.fragments);
  return {
    policy: defaults,
    errors: [...allErrors, ...crossCheck(defaults).map(formatProblem)],
    warnings,
    fellBack: true,
  };
}
