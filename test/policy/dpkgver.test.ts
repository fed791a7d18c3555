import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compareDebVersions, parseDebVersion } from '../../src/policy/dpkgver.js';
import { missing } from '../helpers/requires.js';

const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);

describe('compareDebVersions', () => {
  it.each([
    ['1.0', '1.0', 0],
    ['1.0', '1.1', -1],
    ['1.10', '1.9', 1],
    ['1:0.1', '2.0', 1], // epoch wins
    ['1.0~rc1', '1.0', -1], // ~ sorts before the end
    ['1.0~~', '1.0~', -1],
    ['1.0', '1.0+b1', -1],
    ['1.0-1', '1.0-2', -1],
    ['1.0-1', '1.0', 1], // a revision beats none
    ['1.0a', '1.0+', -1], // letters before other symbols
    ['1.80.0-1', '1.82.0-1', -1],
    ['252.39-1~deb12u1', '252.39-1', -1],
    ['00.01', '0.1', 0], // leading zeros
    ['2:1.0-1-2', '2:1.0-1-10', -1], // the last hyphen starts the revision
  ])('%s vs %s -> %i', (a, b, want) => {
    expect(sign(compareDebVersions(a, b))).toBe(want);
    expect(sign(compareDebVersions(b, a))).toBe(want === 0 ? 0 : -want);
  });

  it.each(['', 'a1.0', '1.0-', ':1.0', '1.0 2', '1.0_1'])('rejects %j', (v) => {
    expect(parseDebVersion(v)).toBeNull();
    expect(() => compareDebVersions(v, '1.0')).toThrow(/not a Debian version/);
  });

  it('splits epoch, upstream and revision', () => {
    expect(parseDebVersion('1:2.3-4-5')).toEqual({ epoch: 1, upstream: '2.3-4', revision: '5' });
    expect(parseDebVersion('2.3')).toEqual({ epoch: 0, upstream: '2.3', revision: '' });
  });
});

// A deterministic generator, so a failing pair can be reproduced.
function* versions(seed: number, n: number): Generator<string> {
  let s = seed;
  const rnd = (k: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % k);
  const pick = (chars: string) => chars[rnd(chars.length)]!;
  for (let i = 0; i < n; i++) {
    const parts = Array.from({ length: 1 + rnd(4) }, () =>
      String(rnd(3) ? rnd(12) : rnd(1000)).padStart(rnd(4) === 0 ? 2 : 1, '0'),
    );
    let up = parts.join(pick('..+~'));
    if (rnd(3) === 0) up += pick('~+.ab') + (rnd(2) ? pick('abz~') : String(rnd(10)));
    const epoch = rnd(5) === 0 ? `${rnd(3)}:` : '';
    const rev = rnd(2) ? `-${rnd(5)}${rnd(3) === 0 ? pick('~+.') + pick('bd1u') + rnd(20) : ''}` : '';
    yield `${epoch}${up}${rev}`;
  }
}

describe('compareDebVersions against dpkg --compare-versions [tool: dpkg]', () => {
  const skip = missing('dpkg corpus', { tools: ['dpkg', 'bash'] });
  it.skipIf(skip)(
    'agrees on 1,200 generated pairs',
    () => {
      const all = [...versions(42, 1200)];
      const pairs = all.map((v, i) => [v, all[(i * 7 + 3) % all.length]!] as const);
      // One bash for the whole corpus: dpkg answers through its exit code only.
      const script =
        'while read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
      const r = spawnSync('bash', ['-c', script], {
        input: pairs.map((p) => p.join(' ')).join('\n') + '\n',
        encoding: 'utf8',
      });
      const want = r.stdout.trim().split('\n').map(Number);
      expect(want).toHaveLength(pairs.length);
      const disagree = pairs.filter(([a, b], i) => sign(compareDebVersions(a, b)) !== want[i]).slice(0, 5);
      expect(disagree).toEqual([]);
      expect(new Set(want).size).toBe(3); // the corpus exercises lt, eq and gt
    },
    60_000,
  );
});
