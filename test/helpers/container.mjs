// A container for the e2e suite, the demo, the container tests and the restore bench: a copy of the
// cached rootfs of one suite (bookworm or trixie), booted with systemd-nspawn (test/container/boot.sh).
// The .deb, if given, is copied to /root for apt to install (installDeb). Also the lab's one-liners they all read.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const C = new URL('../container/', import.meta.url).pathname;
const TOP = new URL('../../', import.meta.url).pathname;
export const SUITES = ['bookworm', 'trixie'];
// One cached rootfs per suite, under APT_NETGUARD_ROOTFS_BASE.
export const rootfsOf = (suite) => join(process.env.APT_NETGUARD_ROOTFS_BASE ?? '/var/tmp/apt-netguard-rootfs', suite);
// The suite of the container tests and the bench.
export const ROOTFS = rootfsOf('bookworm');

// Builds the suite's rootfs, or reuses it while its recipe is unchanged (test/container/build-rootfs.sh).
export const buildRootfs = (suite, stdio = ['ignore', 'inherit', 'inherit']) =>
  execFileSync('bash', [join(C, 'build-rootfs.sh'), rootfsOf(suite), suite], { stdio });

// prepare(root), if given, edits the copy before it boots.
export function boot(tag, deb, prepare, suite = 'bookworm') {
  const name = `ng-${tag}-${process.pid}`;
  const root = `/var/tmp/${name}`;
  rmSync(root, { recursive: true, force: true });
  // cp -a: the rootfs holds device nodes, which fs.cpSync cannot copy.
  execFileSync('cp', ['-a', rootfsOf(suite), root]);
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
  // An orderly shutdown (nspawn passes SIGTERM on as a poweroff) and a boot of the same tree: state
  // on disk survives, /run does not, as on a reboot.
  const reboot = () => {
    spawnSync('bash', [join(C, 'boot.sh'), 'stop', name], { stdio: 'ignore' });
    execFileSync('bash', [join(C, 'boot.sh'), 'start', root, name], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  return { name, root, suite, sh, out, stop, reboot };
}

// The package `npm run deb` builds (scripts/deb.sh), for the version in package.json.
export const DEB = (() => {
  const { version } = JSON.parse(readFileSync(join(TOP, 'package.json'), 'utf8'));
  return join(TOP, 'dist', `apt-netguard_${version}_all.deb`);
})();

// apt installs the .deb that boot() copied to /root, as an admin would; throws if apt fails.
export const installDeb = (c, deb = DEB) => c.out('apt-get', 'install', '-y', `/root/${deb.split('/').pop()}`);

// The lab's state as the tests and the demo read it inside a container.
export const table52 = (c) => c.out('ip', 'route', 'show', 'table', '52');
// tailscaled's four IPv4 rules, 5210-5270.
export const tsRules = (c) =>
  c
    .out('ip', 'rule')
    .split('\n')
    .filter((l) => /^52[1-7]0:/.test(l)).length;
export const invocation = (c, unit) => c.out('systemctl', 'show', '-p', 'InvocationID', '--value', unit).trim();
