// Pure: one policy file's text to a fragment, plus errors and warnings that carry file:line:col.
import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import {
  MODES,
  REPAIRS,
  RULE_EVENTS,
  STEP_ACTIONS,
  type Mode,
  type RuleEvent,
  type PackageRule,
  type PolicyFragment,
} from './model.js';
import { suggest, yamlFile, type Problem } from '../problems.js';
import { rangeProblem } from './range.js';

export { formatProblem, type Problem } from '../problems.js';

export interface Validated {
  fragment: PolicyFragment;
  errors: Problem[];
  warnings: Problem[];
}

const UNIT_RE = /^[A-Za-z0-9:_.\\@-]+\.(service|socket|target|timer|path|mount)$/;
const UNIT_KEYS = ['package', 'default', 'action', 'settle', 'refuse-stop', 'nft-loader', 'after', 'listens', 'repair'];
const FLAGS = { settle: 'settle', 'refuse-stop': 'refuseStop', 'nft-loader': 'nftLoader' } as const;
const LISTEN_RE = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+)?:\d{1,5}$/;
const RULE_KEYS = ['name', 'match', 'version', 'on', 'units', 'reason'];

export function validatePolicy(file: string, text: string): Validated {
  const { doc, errors, warnings, at, pos } = yamlFile(file, text);
  const fragment: PolicyFragment = { file, units: {}, rules: [] };
  if (errors.length) return { fragment, errors, warnings };
  const root = doc.contents;
  if (root === null) return { fragment, errors, warnings }; // an empty file changes nothing
  if (!isMap(root))
    return (at(root, 'expected a mapping with "units:" and/or "packages:"'), { fragment, errors, warnings });

  const originOf = (node: Node | null | undefined) => {
    const { line, col } = pos(node);
    return `${file}:${line}:${col}`;
  };
  // A single value stands for a one-item list: `match: kmod` is `match: [kmod]`.
  const listOf = (v: Node): unknown[] => (isSeq(v) ? v.items : [v]);
  const keyName = (p: Pair) => (isScalar(p.key) ? String(p.key.value) : '');
  const scalarString = (node: unknown, what: string): string | null => {
    if (isScalar(node) && typeof node.value === 'string' && node.value !== '') return node.value;
    at(node, `${what} must be a non-empty string`);
    return null;
  };
  const mode = (node: unknown, what: string): Mode | null => {
    const v = isScalar(node) ? String(node.value) : '';
    if ((MODES as readonly string[]).includes(v)) return v as Mode;
    at(node, `${what}: unknown mode '${v}'`, `use one of ${MODES.join(', ')}${suggest(v, MODES)}`);
    return null;
  };
  const unitName = (node: unknown): string | null => {
    const v = isScalar(node) ? String(node.value) : '';
    if (UNIT_RE.test(v)) return v;
    at(node, `'${v}' is not a unit name`, 'write the full unit name, e.g. tailscaled.service');
    return null;
  };

  for (const top of root.items) {
    const key = keyName(top);
    if (key === 'units') {
      if (!isMap(top.value)) {
        at(top.value, 'units: expected a mapping of unit name to settings');
        continue;
      }
      for (const u of top.value.items) {
        const unit = unitName(u.key);
        if (!unit) continue;
        if (!isMap(u.value)) {
          at(u.value, `${unit}: expected a mapping (${UNIT_KEYS.join(', ')})`);
          continue;
        }
        const entry: PolicyFragment['units'][string] = { from: {} };
        for (const f of u.value.items) {
          const k = keyName(f);
          const v = f.value as Node;
          if (k === 'package') {
            const s = scalarString(v, `${unit}.package`);
            if (s) entry.package = s;
          } else if (k === 'default') {
            const m = mode(v, `${unit}.default`);
            if (m) entry.default = m;
          } else if (k === 'action') {
            const s = isScalar(v) ? String(v.value) : '';
            if ((STEP_ACTIONS as readonly string[]).includes(s)) entry.action = s as 'restart' | 'reload';
            else at(v, `${unit}.action: unknown action '${s}'`, `use restart or reload${suggest(s, STEP_ACTIONS)}`);
          } else if (k === 'repair') {
            const s = isScalar(v) ? String(v.value) : '';
            if ((REPAIRS as readonly string[]).includes(s)) entry.repair = s as 'restart' | 'replay-routes';
            else at(v, `${unit}.repair: unknown repair '${s}'`, `use ${REPAIRS.join(' or ')}${suggest(s, REPAIRS)}`);
          } else if (k in FLAGS) {
            if (isScalar(v) && typeof v.value === 'boolean') entry[FLAGS[k as keyof typeof FLAGS]] = v.value;
            else at(v, `${unit}.${k} must be true or false`);
          } else if (k === 'listens') {
            const items = listOf(v);
            const ok = items.map((x) => scalarString(x, `${unit}.listens`)).filter((x): x is string => x !== null);
            const bad = ok.find((x) => !LISTEN_RE.test(x));
            if (bad)
              at(
                v,
                `${unit}.listens: '${bad}' is not ADDR:PORT or :PORT`,
                "e.g. '100.64.0.1:22', '[fd7a:115c:a1e0::1]:22' or ':22'",
              );
            else if (ok.length === items.length) entry.listens = ok;
          } else if (k === 'after') {
            const items = listOf(v);
            const names = items.map(unitName).filter((n): n is string => n !== null);
            if (names.length === items.length) entry.after = names;
          } else {
            at(f.key, `${unit}: unknown setting '${k}'`, `known: ${UNIT_KEYS.join(', ')}${suggest(k, UNIT_KEYS)}`);
            continue;
          }
          entry.from[k] = originOf(f.key);
        }
        fragment.units[unit] = entry;
      }
    } else if (key === 'packages') {
      if (!isSeq(top.value)) {
        at(top.value, 'packages: expected a list of rules');
        continue;
      }
      top.value.items.forEach((item, index) => {
        if (!isMap(item)) return at(item, 'a package rule must be a mapping (match, units, reason)');
        const rule: Partial<PackageRule> = {
          name: `${file}#${index + 1}`,
          version: null,
          on: [...RULE_EVENTS],
          from: originOf(item),
        };
        for (const f of item.items) {
          const k = keyName(f);
          const v = f.value as Node;
          if (k === 'name') {
            const s = scalarString(v, 'name');
            if (s) rule.name = s;
          } else if (k === 'reason') {
            const s = scalarString(v, 'reason');
            if (s) rule.reason = s;
          } else if (k === 'match') {
            const items = listOf(v);
            const pats = items.map((p) => scalarString(p, 'match')).filter((p): p is string => p !== null);
            if (pats.length === items.length && pats.length) rule.match = pats;
          } else if (k === 'version') {
            const s = scalarString(v, 'version');
            const why = s ? rangeProblem(s) : null;
            if (s && why)
              at(
                v,
                `version: '${s}' is not a semver range: ${why}`,
                "e.g. '>=1.80 <2', checked against the upstream part of the version",
              );
            else if (s) rule.version = s;
          } else if (k === 'on') {
            const items = listOf(v);
            const events = items.map((e) => (isScalar(e) ? String(e.value) : ''));
            const known = (e: string) => (RULE_EVENTS as readonly string[]).includes(e);
            const bad = items.find((_, i) => !known(events[i]!));
            const typo = events.find((e) => !known(e)) ?? '';
            if (bad !== undefined || !events.length)
              at(bad ?? v, `on: expected install and/or remove`, `e.g. on: [install]${suggest(typo, RULE_EVENTS)}`);
            else rule.on = events as RuleEvent[];
          } else if (k === 'units') {
            if (!isMap(v)) {
              at(v, 'units: expected a mapping of unit name to mode');
              continue;
            }
            const units: Record<string, Mode> = {};
            for (const p of v.items) {
              const u = unitName(p.key);
              const m = mode(p.value, `units.${u ?? '?'}`);
              if (u && m) units[u] = m;
            }
            rule.units = units;
          } else
            at(f.key, `package rule: unknown setting '${k}'`, `known: ${RULE_KEYS.join(', ')}${suggest(k, RULE_KEYS)}`);
        }
        for (const need of ['match', 'units', 'reason'] as const) {
          if (rule[need] === undefined)
            at(
              item,
              `package rule ${rule.name}: '${need}' is missing`,
              need === 'reason' ? 'say why, in words an admin reads in the journal' : undefined,
            );
        }
        if (rule.match && rule.units && rule.reason) fragment.rules.push(rule as PackageRule);
      });
    } else
      at(top.key, `unknown top-level key '${key}'`, `known: units, packages${suggest(key, ['units', 'packages'])}`);
  }
  return { fragment, errors, warnings };
}
