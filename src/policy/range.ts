// Pure: is a policy's version range exactly what it says? semver, even strict, reads `>==1.80` as
// `>=1.80.0` (a version may start with `=` or `v`), so a doubled operator silently matches 3.0.
import semver from 'semver';

const VERSION = String.raw`(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){0,2}(?:-[0-9A-Za-z.-]+)?`;
const COMPARATOR = new RegExp(String.raw`^(?:<=|>=|<|>|=|\^|~)?${VERSION}$`);
const HYPHEN = new RegExp(String.raw`^${VERSION} - ${VERSION}$`);

// Why the range is refused, or null: each comparator one operator and a version of digits (or
// x, *), sets joined by ||, `A - B` for a span; and semver must read it the same way.
export function rangeProblem(range: string): string | null {
  // `>= 1.80` means `>=1.80`: a space after the operator is no typo.
  const sets = range.replace(/(<=|>=|<|>|=|\^|~)\s+(?=\d)/g, '$1').split('||');
  for (const set of sets) {
    const t = set.trim();
    if (!t) return 'an empty alternative around ||';
    if (HYPHEN.test(t)) continue;
    const bad = t.split(/\s+/).find((c) => !COMPARATOR.test(c));
    if (bad !== undefined) return `'${bad}' is not an operator (<, <=, >, >=, =, ^, ~) and a version`;
  }
  return semver.validRange(range) === null ? 'semver cannot read it' : null;
}
