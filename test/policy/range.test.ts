// Version ranges are read strictly: what semver's loose (or even strict) mode would rewrite is refused.
import { describe, expect, it } from 'vitest';
import semver from 'semver';
import { rangeProblem } from '../../src/policy/range.js';

describe('rangeProblem', () => {
  it.each([
    '>=1.80',
    '>=1.80 <2',
    '>= 1.80',
    '1.80.x',
    '^1.80',
    '~1.2',
    '=1.80',
    '1.2.3 - 2',
    '<1.80 || >=2',
    '>=1.80.0-beta',
    '*',
  ])('%j is a range', (r) => expect(rangeProblem(r)).toBeNull());
  it.each([
    ['>==1.80', "'>==1.80' is not an operator"],
    ['>=>1.80', "'>=>1.80' is not an operator"],
    ['>=v1.80', "'>=v1.80' is not an operator"],
    ['=>1.80', "'=>1.80' is not an operator"],
    ['>=1.80 ||', 'an empty alternative around ||'],
    ['latest', "'latest' is not an operator"],
  ])('%j is refused: %s', (r, why) => expect(rangeProblem(r)).toContain(why));
  it('the reason it matters: semver alone takes a doubled operator and matches 3.0', () => {
    expect(semver.validRange('>==1.80')).toBe('>=1.80.0');
    expect(semver.satisfies('3.0.0', '>==1.80')).toBe(true);
  });
});
