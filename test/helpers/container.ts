// Drives test/container/*.sh: a bookworm rootfs booted with systemd-nspawn, the guard installed by hand.
import { execFileSync, spawn } from 'node:child_process';
import { boot, ROOTFS, type Booted } from '../e2e/container.mjs';

const DIR = new URL('../container/', import.meta.url).pathname;
export type Container = Booted;

// Async: debootstrap takes a minute on a fresh machine, and a worker blocked that long misses
// vitest's RPC deadline ("Timeout calling onTaskUpdate"), which fails the run (CI caught it).
export function buildRootfs(): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('bash', [`${DIR}build-rootfs.sh`, ROOTFS], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`build-rootfs.sh exited ${code}`))));
  });
}

// A throwaway copy of the cached rootfs, with the guard installed by hand, booted.
export function bootContainer(tag: string): Container {
  return boot(tag, null, (root) =>
    execFileSync('bash', [`${DIR}install-guard.sh`, root], { stdio: ['ignore', 'inherit', 'inherit'] }),
  );
}
