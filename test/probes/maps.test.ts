// Replaced files a process still maps, and the files a package installed, from real captures.
import { readFileSync } from 'node:fs';
import type { Run } from '../../src/exec.js';
import { describe, expect, it } from 'vitest';
import { packageFiles, parseDeleted, unmerged } from '../../src/probes/maps.js';

const F = new URL('../fixtures/maps/', import.meta.url).pathname;
const maps = (suite: string) => readFileSync(`${F}${suite}/networkd-maps.txt`, 'utf8');

describe('parseDeleted', () => {
  it.each([
    // systemd 252 links libkmod: both replaced libraries show up.
    ['bookworm', ['/lib/x86_64-linux-gnu/libkmod.so.2.4.0', '/lib/x86_64-linux-gnu/libseccomp.so.2.5.4']],
    // systemd 257 dlopen()s libkmod, and networkd never loaded it.
    ['trixie', ['/lib/x86_64-linux-gnu/libseccomp.so.2.6.0']],
  ])('networkd after reinstalling libkmod2 and libseccomp2 on %s', (suite, deleted) => {
    expect(parseDeleted(maps(suite))).toEqual(deleted);
  });
  it('a path with spaces, anonymous maps, and nothing deleted', () => {
    const text = [
      '7f00-7f01 r-xp 00000000 fe:01 12 /opt/my lib/libx.so (deleted)',
      '7f01-7f02 rw-p 00000000 00:00 0 ',
      '7f02-7f03 r--p 00000000 fe:01 13                         /usr/lib/libc.so.6',
      '7ffd-7ffe rw-p 00000000 00:00 0                          [stack]',
    ].join('\n');
    expect(parseDeleted(text)).toEqual(['/opt/my lib/libx.so']);
  });
});

describe('packageFiles', () => {
  // dpkg-query -L from the capture; a package it does not know fails, as dpkg-query exits 1.
  const run: Run = (argv) => {
    const p = argv.at(-1)!;
    if (!['libkmod2', 'libseccomp2'].includes(p)) return Promise.reject(new Error(`package '${p}' is not installed`));
    return Promise.resolve({
      stdout: readFileSync(`${F}bookworm/dpkg-query-L-${p}.txt`, 'utf8'),
      stderr: '',
      exitCode: 0,
    });
  };
  it("bookworm's libkmod2 holds the library networkd maps, once /usr is taken off both", async () => {
    const files = await packageFiles(run, ['libkmod2', 'nosuch']);
    expect(files.has(unmerged('/usr/lib/x86_64-linux-gnu/libkmod.so.2.4.0'))).toBe(true);
    expect(files.has('/lib/x86_64-linux-gnu/libseccomp.so.2.5.4')).toBe(false);
  });
  it('a package dpkg does not know adds nothing', async () => {
    expect((await packageFiles(run, ['nosuch'])).size).toBe(0);
  });
});
