// Whether the systemctl gate is first on the PATH apt gives dpkg, read from the hook stream's config.
import { describe, expect, it } from 'vitest';
import { parseHookInfo } from '../../src/apt/hookinfo.js';
import { systemctlGateMissing } from '../../src/lifecycle/open.js';

const stream = (config: string) =>
  `VERSION 3\nAPT::Architecture=amd64\n${config}\nhostname 1 amd64 none = 1 amd64 none **CONFIGURE**\n`;

describe('systemctlGateMissing', () => {
  it.each<[string, string, boolean]>([
    ['ours (20apt-netguard)', 'DPkg::Path=/usr/lib/apt-netguard/dpkg-path:/usr/sbin:/usr/bin:/sbin:/bin\n', false],
    ['apt spells keys as it likes', 'Dpkg::path=/usr/lib/apt-netguard/dpkg-path:/usr/bin\n', false],
    ["apt's default (our file gone)", 'DPkg::Path=/usr/sbin:/usr/bin:/sbin:/bin\n', true],
    ["an admin's own, later", 'DPkg::Path=/usr/local/bin:/usr/lib/apt-netguard/dpkg-path:/usr/bin\n', true],
    ['not set at all', '', true],
  ])('%s', (_what, config, missing) => {
    const said = systemctlGateMissing(parseHookInfo(stream(config)));
    expect(said !== null).toBe(missing);
    if (missing) expect(said).toMatch(/^the systemctl gate is not first on dpkg's PATH \(DPkg::Path=".*"\)/);
  });
});
