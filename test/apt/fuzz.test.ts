// Malformed input never crashes and never blocks: a clear error, and exit 0 in hook mode.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHookInfo } from '../../src/apt/hookinfo.js';
import { InputError } from '../../src/errors.js';
import { validatePolicy } from '../../src/policy/validate.js';
import { fixture } from '../helpers/fixtures.js';
import { BUNDLE } from '../helpers/netns.js';
import { scratch } from '../helpers/scratch.js';

// Seeded mutations: drop, duplicate, swap or garble a slice; cut the text short.
function* mutations(text: string, seed: number, n: number): Generator<string> {
  let s = seed;
  const rnd = (k: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), s % Math.max(k, 1));
  const junk = ['\n', ' ', ':', '- ', '{', '"', '%', '\t', '**REMOVE**', 'VERSION 3', '=', '[', '\u0000', 'é'];
  for (let i = 0; i < n; i++) {
    let t = text;
    for (let k = 0; k <= rnd(4); k++) {
      const a = rnd(t.length);
      const b = a + rnd(40);
      const op = rnd(4);
      if (op === 0) t = t.slice(0, a) + t.slice(b);
      else if (op === 1) t = t.slice(0, b) + t.slice(a, b) + t.slice(b);
      else if (op === 2) t = t.slice(0, a) + junk[rnd(junk.length)] + t.slice(a);
      else t = t.slice(0, a);
    }
    yield t;
  }
}

describe('parseHookInfo on 2,000 mutated real streams', () => {
  it('returns or throws InputError, nothing else', () => {
    const base = fixture('apt/bookworm-reinstall-hostname-bsdutils.v3');
    const other: unknown[] = [];
    for (const t of mutations(base, 7, 2000)) {
      try {
        parseHookInfo(t);
      } catch (err) {
        if (!(err instanceof InputError)) other.push(err);
      }
    }
    expect(other).toEqual([]);
  });
});

describe('validatePolicy on 2,000 mutated shipped policies', () => {
  it('never throws; every error has a line and column', () => {
    const base = readFileSync(new URL('../../policies/00-defaults.yaml', import.meta.url), 'utf8');
    let withErrors = 0;
    for (const t of mutations(base, 11, 2000)) {
      const v = validatePolicy('x.yaml', t);
      if (v.errors.length) withErrors++;
      for (const e of v.errors) expect(e.line).toBeGreaterThan(0);
    }
    expect(withErrors).toBeGreaterThan(100); // the mutations do break things
  });
});

describe('hook mode with bad input exits 0 and says why [needs the build]', () => {
  const hook = (name: string, input: string, admin?: string) => {
    const root = scratch('ng-fuzz-');
    try {
      const policiesD = join(root, 'policies.d');
      mkdirSync(policiesD, { mode: 0o755 });
      chmodSync(policiesD, 0o755);
      if (admin) writeFileSync(join(policiesD, '50-bad.yaml'), admin, { mode: 0o644 });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        APT_NETGUARD_STATE_DIR: join(root, 'state'),
        APT_NETGUARD_RUN_DIR: join(root, 'run'),
        APT_NETGUARD_SYSTEMD_RUN_DIR: join(root, 'sd'),
        APT_NETGUARD_POLICIES_D: policiesD,
        APT_NETGUARD_SHIPPED_POLICIES: new URL('../../policies', import.meta.url).pathname,
      };
      delete env.APT_HOOK_INFO_FD;
      return spawnSync(process.execPath, [BUNDLE, 'hook', name], { input, env, encoding: 'utf8' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };

  it.each([
    ['garbage', 'not a stream at all\n'],
    ['a cut stream', 'VERSION 3\nAPT::Architecture=amd64\n\ntailscale 1.80.0 amd64 no'],
    ['version 2', 'VERSION 2\n\n'],
  ])('pre-install-pkgs with %s', (_name, input) => {
    const r = hook('pre-install-pkgs', input);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/"msg":"hook failed; apt goes on"/);
  });

  it('pre-install-pkgs with a broken admin policy: exit 0, the error logged with file:line:col', () => {
    const r = hook(
      'pre-install-pkgs',
      'VERSION 3\n\nkmod 1 amd64 none < 2 amd64 none /k.deb\n',
      'units:\n  tailscaled.service:\n    default: nope\n',
    );
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/50-bad\.yaml:3:14: tailscaled\.service\.default: unknown mode 'nope'/);
    expect(r.stderr).toMatch(/the shipped defaults apply/);
  });
});
