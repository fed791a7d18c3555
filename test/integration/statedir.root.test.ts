// [root] A state dir on a read-only or a full filesystem (a tmpfs in a mount namespace of our own):
// the journal names the real cause, the hooks still arm and journal under the run dir, status exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLE } from '../helpers/netns.js';
import { missing } from '../helpers/requires.js';
import { scratch } from '../helpers/scratch.js';

const skip =
  missing('statedir', { root: true, tools: ['unshare', 'mount'] }) ??
  (existsSync(BUNDLE) ? null : 'run npm run build first');
const STREAM =
  'VERSION 3\n\ntailscale 1.80.0 amd64 none < 1.82.0 amd64 none /var/cache/apt/archives/tailscale_1.82.0_amd64.deb\n';

// Runs `script` in a private mount namespace where `state` is a tmpfs mounted with `opts`.
function inMountNs(opts: string, script: string, env: Record<string, string>) {
  return spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o ${opts} none "$STATE" && ${script}`],
    {
      encoding: 'utf8',
      env: { ...process.env, APT_NETGUARD_CACHE_DIR: '', APT_NETGUARD_JOURNAL: '0', ...env },
      timeout: 60_000,
    },
  );
}

describe.skipIf(skip !== null)('state dir unwritable [root]', () => {
  it.each([
    ['read-only', 'ro,size=4m', /EROFS: read-only file system/],
    ['full', 'size=1m', /no space left: \d+ KiB free/],
  ])('%s: hooks name the cause and guard from the run dir; status exits 1 and says so', (_, opts, cause) => {
    const root = scratch('ng-statedir-');
    const env = {
      STATE: join(root, 'state'),
      APT_NETGUARD_STATE_DIR: join(root, 'state'),
      APT_NETGUARD_RUN_DIR: join(root, 'run'),
      APT_NETGUARD_SYSTEMD_RUN_DIR: join(root, 'systemd'),
      APT_NETGUARD_CONFIG: join(root, 'none.yaml'),
      BUNDLE,
      NODE: process.execPath,
    };
    mkdirSync(env.STATE);
    mkdirSync(env.APT_NETGUARD_SYSTEMD_RUN_DIR);
    const r = inMountNs(
      opts,
      '"$NODE" "$BUNDLE" hook pre-invoke && printf %s "$STREAM_IN" | "$NODE" "$BUNDLE" hook pre-install-pkgs && ' +
        'cat "$APT_NETGUARD_RUN_DIR/armed/tailscaled.service" && "$NODE" "$BUNDLE" status; echo "status=$?"',
      { ...env, STREAM_IN: STREAM },
    );
    expect(r.stderr).toMatch(new RegExp(`"msg":"[^"]*state cannot be written: ${cause.source}`));
    expect(r.stdout).toContain('guarded'); // the gate armed for tailscaled's restart
    expect(r.stdout).toMatch(/NEEDS ATTENTION: .*the state dir cannot be written: /);
    expect(r.stdout).toContain('status=1');
    // The transaction was kept under the run dir, not lost.
    expect(readdirSync(join(root, 'run/state/txn'))).toContain('current.json');
  });
});
