// Drives test/container/*.sh: a bookworm rootfs booted with systemd-nspawn, the guard installed by hand.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';

const DIR = new URL('../container/', import.meta.url).pathname;
export const ROOTFS_CACHE = process.env.APT_NETGUARD_ROOTFS ?? '/var/tmp/apt-netguard-rootfs/bookworm';

export interface Container {
  name: string;
  root: string;
  // Runs argv inside; returns exit status and output, never throws.
  sh: (...argv: string[]) => { status: number | null; out: string; stdout: string };
  // Runs argv inside and returns stdout; throws on non-zero.
  out: (...argv: string[]) => string;
  stop: () => void;
}

// Async: debootstrap takes a minute on a fresh machine, and a worker blocked that long misses
// vitest's RPC deadline ("Timeout calling onTaskUpdate"), which fails the run (CI caught it).
export function buildRootfs(): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', [`${DIR}build-rootfs.sh`, ROOTFS_CACHE], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build-rootfs.sh exited ${code}`))));
  });
}

// A throwaway copy of the cached rootfs, with the guard installed, booted.
export function bootContainer(tag: string): Container {
  const name = `ng-${tag}-${process.pid}`;
  const root = `/var/tmp/${name}`;
  rmSync(root, { recursive: true, force: true });
  // cp -a: the rootfs holds device nodes, which fs.cpSync cannot copy.
  execFileSync('cp', ['-a', ROOTFS_CACHE, root]);
  execFileSync('bash', [`${DIR}install-guard.sh`, root], { stdio: ['ignore', 'inherit', 'inherit'] });
  cpSync(`${DIR}scenarios`, `${root}/root/scenarios`, { recursive: true });
  execFileSync('bash', [`${DIR}boot.sh`, 'start', root, name], { stdio: ['ignore', 'pipe', 'inherit'] });
  const sh = (...argv: string[]) => {
    const r = spawnSync('bash', [`${DIR}boot.sh`, 'exec', name, ...argv], { encoding: 'utf8', maxBuffer: 64e6 });
    return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  };
  const out = (...argv: string[]) => execFileSync('bash', [`${DIR}boot.sh`, 'exec', name, ...argv], { encoding: 'utf8', maxBuffer: 64e6 });
  const stop = () => {
    spawnSync('bash', [`${DIR}boot.sh`, 'stop', name], { stdio: 'inherit' });
    rmSync(root, { recursive: true, force: true });
  };
  return { name, root, sh, out, stop };
}
