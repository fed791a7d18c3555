// [root] ip -batch against real iproute2 in a lab namespace: each command's share of a batch is
// byte for byte what it prints alone, with 2,000 routes in table 52.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawner } from '../../src/exec.js';
import type { Run } from '../../src/exec.js';
import { coalesceIp } from '../../src/ipbatch.js';

const run = spawner(process.env.PATH ?? '');
import { probes } from '../../src/probes/index.js';
import { missing } from '../helpers/requires.js';
import { lab } from '../helpers/netns.js';

const skip = missing('ipbatch', { root: true, tools: ['ip', 'nft'] });
const ns = `ngt-batch-${process.pid}`;

describe.skipIf(skip !== null)('ip -batch in a namespace [root]', () => {
  beforeAll(() => {
    lab('teardown', ns);
    lab('setup', ns);
    lab('bulk', ns, '2000', '10');
  });
  afterAll(() => lab('teardown', ns));

  it('the links, rules and routes probes get the same text batched as alone, from three processes instead of five', async () => {
    const calls: string[] = [];
    // `ip netns exec` in front is not an ip -j dump, so only coalesceIp's own batches go through it.
    const inNs: Run = (argv, o) => (calls.push(argv.join(' ')), run(['ip', 'netns', 'exec', ns, ...argv], o));
    const argvs = (['links', 'rules', 'routes'] as const).flatMap((n) =>
      probes[n].probe.commands({ units: [], timeoutMs: 5000 }).map((c) => c.argv),
    );
    // A coalescer per call: each command alone.
    const alone = await Promise.all(argvs.map((a) => coalesceIp(inNs)(a)));
    expect(calls).toHaveLength(5);
    calls.length = 0;
    const ip = coalesceIp(inNs);
    const together = await Promise.all(argvs.map((a) => ip(a)));
    expect(calls.sort()).toEqual(['ip -4 -j -batch -', 'ip -6 -j -batch -', 'ip -d -j addr show']);
    expect(together.map((r) => r.stdout)).toEqual(alone.map((r) => r.stdout));
    expect(together.find((r) => r.stdout.includes('10.128.7.207'))).toBeTruthy();
  });
});
