import { describe, expect, it } from 'vitest';
import { changesByPackage, parseHookInfo } from '../../src/apt/hookinfo.js';
import { InputError } from '../../src/errors.js';
import { fixture } from '../helpers/fixtures.js';

describe('parseHookInfo on real apt 2.6.1 streams', () => {
  it('reinstall with an epoch: install and configure lines, one change per package', () => {
    const info = parseHookInfo(fixture('apt/bookworm-reinstall-hostname-bsdutils.v3'));
    expect(info.version).toBe(3);
    expect(info.config.get('APT::Architecture')).toEqual(['amd64']);
    expect(info.config.get('APT::NeverAutoRemove')).toContain('^linux-firmware$');
    // %20 decoded
    expect(info.config.get('Acquire::IndexTargets::deb::Packages::flatDescription')).toEqual(['$(RELEASE) Packages']);
    expect(info.packages).toHaveLength(4);
    expect(changesByPackage(info)).toEqual([
      {
        name: 'bsdutils',
        oldVersion: '1:2.38.1-5+deb12u3',
        newVersion: '1:2.38.1-5+deb12u3',
        arch: 'amd64',
        direction: '=',
        action: 'install',
        debPath: '/var/cache/apt/archives/bsdutils_1%3a2.38.1-5+deb12u3_amd64.deb',
      },
      {
        name: 'hostname',
        oldVersion: '3.23+nmu1',
        newVersion: '3.23+nmu1',
        arch: 'amd64',
        direction: '=',
        action: 'install',
        debPath: '/var/cache/apt/archives/hostname_3.23+nmu1_amd64.deb',
      },
    ]);
  });

  it('a new package: old version is "- - none"', () => {
    const [p] = changesByPackage(parseHookInfo(fixture('apt/bookworm-install-time.v3')));
    expect(p).toMatchObject({
      name: 'time',
      oldVersion: null,
      newVersion: '1.9-0.2',
      direction: '<',
      action: 'install',
    });
  });

  it('a removal: **REMOVE**, new version "- - none", arch from the old side', () => {
    const [p] = changesByPackage(parseHookInfo(fixture('apt/bookworm-remove-time.v3')));
    expect(p).toEqual({
      name: 'time',
      oldVersion: '1.9-0.2',
      newVersion: null,
      arch: 'amd64',
      direction: '>',
      action: 'remove',
      debPath: null,
    });
  });
});

const HEAD = 'VERSION 3\nAPT::Architecture=amd64\n\n';

describe('parseHookInfo on bad input', () => {
  it.each([
    ['', /line 1: expected "VERSION 3"/],
    ['VERSION 2\n', /stream version 2/],
    ['VERSION 3\nnot-a-pair\n\n', /line 2: expected key=value/],
    [`${HEAD}tailscale 1.80.0 amd64\n`, /line 4: not a package line/],
    [`${HEAD}tailscale 1.80.0 amd64 none ? 1.82.0 amd64 none **CONFIGURE**\n`, /line 4/],
  ])('%j', (text, msg) => {
    expect(() => parseHookInfo(text)).toThrow(InputError);
    expect(() => parseHookInfo(text)).toThrow(msg);
  });

  it('an upgrade line (the shape apt writes for tailscale 1.80 -> 1.82)', () => {
    const info = parseHookInfo(
      `${HEAD}tailscale 1.80.0 amd64 none < 1.82.0 amd64 none /var/cache/apt/archives/tailscale_1.82.0_amd64.deb\n`,
    );
    expect(info.packages[0]).toMatchObject({
      name: 'tailscale',
      oldVersion: '1.80.0',
      newVersion: '1.82.0',
      direction: '<',
      action: 'install',
    });
  });

  it('a stream with no packages', () => {
    expect(parseHookInfo(HEAD).packages).toEqual([]);
  });
});
