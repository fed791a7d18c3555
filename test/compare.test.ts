// Orderings by code point: what the metrics and the policy's unit order sort by, under any locale.
import { describe, expect, it } from 'vitest';
import { byCodePoint, byKey } from '../src/compare.js';

describe('byCodePoint', () => {
  it.each([
    [
      ['b', 'a'],
      ['a', 'b'],
    ],
    // A locale collator would put these in a, A, b order and ignore the hyphen's weight.
    [
      ['b', 'A', 'a'],
      ['A', 'a', 'b'],
    ],
    [
      ['pre-invoke', 'pre-install-pkgs', 'post-invoke'],
      ['post-invoke', 'pre-install-pkgs', 'pre-invoke'],
    ],
    [
      ['txn|verified', 'txn|failed', 'watch|verified'],
      ['txn|failed', 'txn|verified', 'watch|verified'],
    ],
  ])('%j', (input, want) => expect([...input].sort(byCodePoint)).toEqual(want));
  it('byKey sorts entries by their key', () =>
    expect(Object.entries({ b: 1, a: 2 }).sort(byKey)).toEqual([
      ['a', 2],
      ['b', 1],
    ]));
});
