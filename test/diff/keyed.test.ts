// keyedDiff is a multiset difference whatever the order: table-driven, plus a randomized check against a naive one.
import { describe, expect, it } from 'vitest';
import { keyedDiff } from '../../src/diff/findings.js';

const id = (s: string) => s;
const naive = (a: string[], b: string[]) => {
  const rest = [...b];
  const missing: string[] = [];
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
    else missing.push(x);
  }
  return { missing, added: rest };
};

describe('keyedDiff', () => {
  it.each([
    ['equal', 'abc', 'abc', '', ''],
    ['one gone from the middle', 'abcde', 'abde', 'c', ''],
    ['one added at the head', 'bcd', 'abcd', '', 'a'],
    ['replaced at the tail', 'abc', 'abx', 'c', 'x'],
    ['reordered is no change', 'abc', 'cab', '', ''],
    ['duplicates count', 'aab', 'ab', 'a', ''],
    ['all gone', 'ab', '', 'ab', ''],
    ['from nothing', '', 'ab', '', 'ab'],
    ['head and tail equal, middle moved', 'axyb', 'ayxb', '', ''],
  ])('%s', (_n, a, b, missing, added) => {
    const r = keyedDiff([...a], [...b], id);
    expect(r.missing.join('')).toBe(missing);
    expect(r.added.join('')).toBe(added);
  });

  it('agrees with a naive multiset difference on random inputs', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let t = 0; t < 500; t++) {
      const a = Array.from({ length: rnd(12) }, () => 'abcdef'[rnd(6)]!);
      const b = Array.from({ length: rnd(12) }, () => 'abcdef'[rnd(6)]!);
      const r = keyedDiff(a, b, id);
      const n = naive(a, b);
      expect([...r.missing].sort()).toEqual([...n.missing].sort());
      expect([...r.added].sort()).toEqual([...n.added].sort());
    }
  });
});
