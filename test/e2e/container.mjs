// A container for the e2e suite, the demo, the container tests and the restore bench: a copy of the
// cached bookworm rootfs, booted with systemd-nspawn (test/container/boot.sh). The .deb, if given,
// is copied to /root for apt to install; test/helpers/container.ts installs the guard by hand instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const C = new URL('../container/', import.meta.url).pathname;
export const ROOTFS = process.env.APT_NETGUARD_ROOTFS ?? '/var/tmp/apt-netguard-rootfs/bookworm';

// prepare(root), if given, edits the copy before it boots.
export function boot(tag, deb, prepare) {
  const name = `ng-${tag}-${process.pid}`;
  const root = `/var/tmp/${name}`;
  rmSync(root, { recursive: true, force: true });
  // cp -a: the rootfs holds device nodes, which fs.cpSync cannot copy.
  execFileSync('cp', ['-a', ROOTFS, root]);
  cpSync(join(C, 'scenarios'), join(root, 'root/scenarios'), { recursive: true });
  if (deb) cpSync(deb, join(root, 'root', deb.split('/').pop()));
  prepare?.(root);
  execFileSync('bash', [join(C, 'boot.sh'), 'start', root, name], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Returns {status, out, stdout}; never throws.
  const sh = (...argv) => {
    const r = spawnSync('bash', [join(C, 'boot.sh'), 'exec', name, ...argv], {
      encoding: 'utf8',
      maxBuffer: 64e6,
      timeout: 600_000,
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}`, stdout: r.stdout };
  };
  const out = (...argv) => {
    const r = sh(...argv);
    if (r.status !== 0) throw new Error(`${argv.join(' ')}: exit ${r.status}: ${r.out.slice(-800)}`);
    return r.stdout;
  };
  const stop = () => {
    spawnSync('bash', [join(C, 'boot.sh'), 'stop', name], { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  return { name, root, sh, out, stop };
}
