// Which probes could not see in a way that matters (pure).
import { describe, expect, it } from 'vitest';
import { blindProbes, seenAfter } from '../../src/snapshot/blind.js';
import type { Snapshot } from '../../src/snapshot/model.js';

const snap = (probes: Record<string, string | null>) =>
  ({
    probes: Object.fromEntries(
      Object.entries(probes).map(([k, r]) => [
        k,
        r === null ? { status: 'ok', ms: 1, data: {} } : { status: 'unavailable', ms: 1, reason: r },
      ]),
    ),
  }) as unknown as Snapshot;

describe('blindProbes', () => {
  it.each([
    ['a hung ip', { links: 'ip -j -d link show: timed out after 5000 ms' }, [], ['links']],
    ['nft exits non-zero', { nft: 'nft -j list ruleset: exit 1: netlink: Error' }, [], ['nft']],
    ['output that does not parse', { routes: 'unparseable output: x' }, [], ['routes']],
    ['a tool this host never had', { tailscale: 'tailscale status --json: command not found' }, [], []],
    ['a tool that was there before', { nft: 'nft -j list ruleset: command not found' }, ['nft'], ['nft']],
    ['systemd not PID 1, never seen', { systemd: 'systemd is not running (no /run/systemd/system)' }, [], []],
    ['all seeing', { links: null, nft: null }, ['links'], []],
  ])('%s', (_, probes, seen, want) =>
    expect(blindProbes(snap(probes), new Set(seen), 'pre').map((b) => b.probe)).toEqual(want),
  );
  it.each([
    ['tailscaled failed: the CLI cannot answer, and that is not blindness', 'failed', []],
    ['tailscaled active: the CLI failing is', 'active', ['tailscale']],
  ])('%s', (_, state, want) => {
    const s = snap({ tailscale: 'tailscale status --json: exit 1: failed to connect to local tailscaled' });
    const units = [{ id: 'tailscaled.service', activeState: state }];
    const withUnit = {
      probes: { ...s.probes, systemd: { status: 'ok', ms: 1, data: { units } } },
    } as unknown as Snapshot;
    expect(blindProbes(withUnit, new Set(['tailscale']), 'post').map((b) => b.probe)).toEqual(want);
  });
  it('keeps the reason and when', () =>
    expect(blindProbes(snap({ links: 'ip: timed out after 5000 ms' }), new Set(), 'post')).toEqual([
      { probe: 'links', reason: 'ip: timed out after 5000 ms', when: 'post' },
    ]));
  it('seenAfter adds the probes that saw, sorted', () =>
    expect(seenAfter(new Set(['nft']), snap({ links: null, tailscale: 'x: command not found', rules: null }))).toEqual([
      'links',
      'nft',
      'rules',
    ]));
});
