// Does a package rule apply to one package change?
import semver from 'semver';
import type { PkgChange } from '../apt/hookinfo.js';
import { parseDebVersion } from './dpkgver.js';
import type { PackageRule } from './model.js';

// Package-name globs: `*` and `?` only; everything else is literal (names hold `+` and `.`).
export function globMatch(glob: string, name: string): boolean {
  const re = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(name);
}

// The upstream part as semver: epoch and revision dropped, `1.82` -> `1.82.0`,
// `2.38.1~rc1` -> `2.38.1` (semver cannot say dpkg's `~`; ranges are about releases).
export function upstreamSemver(version: string): string | null {
  const v = parseDebVersion(version);
  if (!v) return null;
  return semver.coerce(v.upstream)?.version ?? null;
}

// The version a rule's range is checked against: the new one, or the old one for a removal.
export function ruleApplies(rule: PackageRule, change: PkgChange): boolean {
  if (!rule.on.includes(change.action === 'remove' ? 'remove' : 'install')) return false;
  if (!rule.match.some((g) => globMatch(g, change.name))) return false;
  if (rule.version === null) return true;
  const version = change.newVersion ?? change.oldVersion;
  const sv = version === null ? null : upstreamSemver(version);
  return sv !== null && semver.satisfies(sv, rule.version, { loose: true });
}
