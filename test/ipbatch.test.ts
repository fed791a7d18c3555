// ipbatch: which ip calls share a process, how the output is split back, and the fallbacks.
import { describe, expect, it } from 'vitest';
import { coalesceIp, splitIpArgv } from '../src/ipbatch.js';
import type { Run, RunOptions } from '../src/exec.js';

describe('splitIpArgv', () => {
  it.each<[string[], { opts: string; line: string } | null]>([
    [['ip', '-4', '-j', 'rule', 'show'], { opts: '-4 -j', line: 'rule show' }],
    [['ip', '-d', '-j', 'addr', 'show'], { opts: '-d -j', line: 'addr show' }],
    [['ip', '-6', '-j', 'route', 'show', 'table', 'all'], { opts: '-6 -j', line: 'route show table all' }],
    [['ip', 'rule', 'show'], null], // plain text: not one line per command
    [['ip', '-j', '-p', 'rule', 'show'], null], // pretty JSON spans lines
    [['ip', '-o', 'monitor', 'rule', 'route'], null],
    [['ip', '-j', '-batch', '-'], null],
    [['ip', '-j', 'link', 'show', 'dev', 'a b'], null], // would not survive the batch line's word split
    [['nft', '-j', 'list', 'ruleset'], null],
    [['ip', '-n', 'lab', '-j', 'rule', 'show'], null], // an option with an argument
    [['ip', '-4', '-j'], null],
  ])('%j → %j', (argv, want) => expect(splitIpArgv(argv)).toEqual(want));
});

// A fake `run`: records calls; `ip … -batch -` answers each input line from `outputs`.
function fake(outputs: Record<string, string>, failBatch = false) {
  const calls: { argv: readonly string[]; opts: RunOptions | undefined }[] = [];
  const run: Run = async (argv, opts) => {
    calls.push({ argv, opts });
    if (argv.includes('-batch')) {
      if (failBatch) throw new Error('Command failed -:2');
      return {
        stdout: opts!
          .input!.trim()
          .split('\n')
          .map((l) => `${outputs[l] ?? '[]'}\n`)
          .join(''),
        stderr: '',
      };
    }
    const line = argv.slice(argv.findIndex((a, i) => i > 0 && !a.startsWith('-'))).join(' ');
    if (!(line in outputs)) throw new Error(`${argv.join(' ')}: exit 1`);
    return { stdout: `${outputs[line]}\n`, stderr: '' };
  };
  return { run, calls };
}

const OUT = {
  'rule show': '[{"priority":0}]',
  'route show table all': '[{"dst":"default"}]',
  'addr show': '[{"ifname":"lo"}]',
};

describe('coalesceIp', () => {
  it('calls with the same options in one tick share one ip -batch; each gets exactly what it would alone', async () => {
    const { run, calls } = fake(OUT);
    const ip = coalesceIp(run);
    const rs = await Promise.all([
      ip(['ip', '-4', '-j', 'rule', 'show'], { timeoutMs: 5 }),
      ip(['ip', '-4', '-j', 'route', 'show', 'table', 'all'], { timeoutMs: 9 }),
      ip(['ip', '-d', '-j', 'addr', 'show']),
      ip(['nft', '-j', 'list', 'ruleset']).catch(() => null),
    ]);
    expect(rs.slice(0, 3).map((r) => r!.stdout)).toEqual([
      `${OUT['rule show']}\n`,
      `${OUT['route show table all']}\n`,
      `${OUT['addr show']}\n`,
    ]);
    expect(calls.map((c) => c.argv.join(' ')).sort()).toEqual([
      'ip -4 -j -batch -',
      'ip -d -j addr show',
      'nft -j list ruleset',
    ]);
    const batch = calls.find((c) => c.argv.includes('-batch'))!;
    expect(batch.opts).toEqual({ timeoutMs: 9, input: 'rule show\nroute show table all\n' });
  });

  it('a failed batch falls back to one process per command, so each has its own result or error', async () => {
    const { run, calls } = fake({ 'rule show': '[]' }, true);
    const ip = coalesceIp(run);
    const [a, b] = await Promise.allSettled([
      ip(['ip', '-6', '-j', 'rule', 'show']),
      ip(['ip', '-6', '-j', 'route', 'show', 'table', 'all']),
    ]);
    expect(a).toEqual({ status: 'fulfilled', value: { stdout: '[]\n', stderr: '' } });
    expect(b.status).toBe('rejected');
    expect(calls).toHaveLength(3);
  });

  it('output that does not split into one JSON line per command falls back too', async () => {
    const run: Run = async (argv) => ({ stdout: argv.includes('-batch') ? '[]\n' : '[1]\n', stderr: '' });
    const ip = coalesceIp(run);
    const rs = await Promise.all([ip(['ip', '-4', '-j', 'rule', 'show']), ip(['ip', '-4', '-j', 'route', 'show'])]);
    expect(rs.map((r) => r.stdout)).toEqual(['[1]\n', '[1]\n']);
  });

  it('calls in different ticks are not held back for each other', async () => {
    const { run, calls } = fake(OUT);
    const ip = coalesceIp(run);
    await ip(['ip', '-4', '-j', 'rule', 'show']);
    await ip(['ip', '-4', '-j', 'rule', 'show']);
    expect(calls.map((c) => c.argv.join(' '))).toEqual(['ip -4 -j rule show', 'ip -4 -j rule show']);
  });
});
