// Drives test/container/*.sh: the bookworm rootfs booted with systemd-nspawn, the built .deb installed by apt.
import { spawn } from 'node:child_process';
import { DEB, boot, installDeb, ROOTFS, type Booted } from './container.mjs';

const DIR = new URL('../container/', import.meta.url).pathname;
const TOP = new URL('../../', import.meta.url).pathname;
export type Container = Booted;

// Async: debootstrap takes a minute on a fresh machine, and a worker blocked that long misses
// vitest's RPC deadline ("Timeout calling onTaskUpdate"), which fails the run (CI caught it).
const spawned = (argv: string[]) =>
  new Promise<void>((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { cwd: TOP, stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited ${code}`))));
  });

export const buildRootfs = (): Promise<void> => spawned(['bash', `${DIR}build-rootfs.sh`, ROOTFS, 'bookworm']);

// The .deb of the bundle npm test built (scripts/deb.sh, ~9 s with lintian), once per test file.
let deb: Promise<void> | null = null;
export const buildDeb = (): Promise<void> => (deb ??= spawned(['bash', 'scripts/deb.sh']));

// A throwaway copy of the cached rootfs, booted, with the guard installed from the .deb by apt.
export function bootContainer(tag: string): Container {
  const c = boot(tag, DEB);
  installDeb(c);
  return c;
}
