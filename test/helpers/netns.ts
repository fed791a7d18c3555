// Drives test/lab/netns.sh and runs the built CLI inside a namespace (root only).
import { execFileSync, spawnSync } from 'node:child_process';
import { scratch } from './scratch.js';

const LAB = new URL('../lab/netns.sh', import.meta.url).pathname;
export const BUNDLE = new URL('../../dist/apt-netguard.mjs', import.meta.url).pathname;

export function lab(...args: string[]): void {
  execFileSync('bash', [LAB, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function inNs(ns: string, argv: string[]): void {
  execFileSync('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export function ifindexOf(ns: string, ifname: string): number {
  const out = execFileSync('ip', ['-n', ns, '-j', 'link', 'show', 'dev', ifname], { encoding: 'utf8' });
  return (JSON.parse(out) as { ifindex: number }[])[0]!.ifindex;
}

// A fresh namespace name and state dir per test, so runs never collide with each other or the host.
export function freshLab(tag: string) {
  const ns = `ngt-${tag}-${process.pid}`;
  const stateDir = scratch(`ng-${tag}-`);
  lab('teardown', ns);
  lab('setup', ns);
  const cli = (...args: string[]) => {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, BUNDLE, ...args, '--state-dir', stateDir], {
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { ns, stateDir, cli, teardown: () => lab('teardown', ns) };
}
