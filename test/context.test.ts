// The application context: every setting from defaults, then the environment, then flags.
import { describe, expect, it } from 'vitest';
import { settings } from '../src/context.js';

describe('settings: defaults, environment, flags', () => {
  it('built-in defaults on an empty environment', () => {
    const s = settings({}, {}, {});
    expect(s).toMatchObject({
      stateDir: '/var/lib/apt-netguard',
      dirs: { run: '/run/apt-netguard', systemdRun: '/run/systemd/system' },
      configPath: '/etc/apt-netguard/config.yaml',
      probe: { timeoutMs: 5_000, systemdRunDir: '/run/systemd/system' },
      logLevel: 'info',
      journal: true,
      disabled: false,
      strict: null,
      debug: false,
      hookInfoFd: 0,
      searchPath: '',
    });
    expect(s.policyDirs.admin).toBe('/etc/apt-netguard/policies.d');
  });
  it.each([
    // [what, flags, defaults, env, path in settings, want]
    ['state dir from env', {}, {}, { APT_NETGUARD_STATE_DIR: '/e' }, 'stateDir', '/e'],
    ['state dir flag beats env', { stateDir: '/f' }, {}, { APT_NETGUARD_STATE_DIR: '/e' }, 'stateDir', '/f'],
    ['policy dir flag beats env', { policyDir: '/f' }, {}, { APT_NETGUARD_POLICIES_D: '/e' }, 'policyDirs.admin', '/f'],
    ['shipped policies from env', {}, {}, { APT_NETGUARD_SHIPPED_POLICIES: '/s' }, 'policyDirs.shipped', '/s'],
    ['entry default log level', {}, { logLevel: 'warn' }, {}, 'logLevel', 'warn'],
    [
      'env log level beats the entry default',
      {},
      { logLevel: 'warn' },
      { APT_NETGUARD_LOG_LEVEL: 'debug' },
      'logLevel',
      'debug',
    ],
    ['entry default timeout', {}, { timeoutMs: 10_000 }, {}, 'probe.timeoutMs', 10_000],
    ['timeout flag beats the default', { timeoutMs: 7 }, { timeoutMs: 10_000 }, {}, 'probe.timeoutMs', 7],
    [
      'systemd run dir moves probes and drop-ins alike',
      {},
      {},
      { APT_NETGUARD_SYSTEMD_RUN_DIR: '/x' },
      'probe.systemdRunDir',
      '/x',
    ],
    ['drop-ins with it', {}, {}, { APT_NETGUARD_SYSTEMD_RUN_DIR: '/x' }, 'dirs.systemdRun', '/x'],
    ['run dir', {}, {}, { APT_NETGUARD_RUN_DIR: '/r' }, 'dirs.run', '/r'],
    ['config path', {}, {}, { APT_NETGUARD_CONFIG: '/c.yaml' }, 'configPath', '/c.yaml'],
    ['journal off', {}, {}, { APT_NETGUARD_JOURNAL: '0' }, 'journal', false],
    ['disabled', {}, {}, { APT_NETGUARD_DISABLE: '1' }, 'disabled', true],
    ['disabled only by 1', {}, {}, { APT_NETGUARD_DISABLE: 'yes' }, 'disabled', false],
    ['strict from env', {}, {}, { APT_NETGUARD_STRICT: '1' }, 'strict', true],
    ['strict 0 leaves it to config.yaml', {}, {}, { APT_NETGUARD_STRICT: '0' }, 'strict', null],
    ['apt hook fd', {}, {}, { APT_HOOK_INFO_FD: '20' }, 'hookInfoFd', 20],
    ['a hook fd that is not a number is stdin', {}, {}, { APT_HOOK_INFO_FD: '2x' }, 'hookInfoFd', 0],
    ['search path', {}, {}, { PATH: '/bin' }, 'searchPath', '/bin'],
  ] as const)('%s', (_, flags, defaults, env, path, want) => {
    const s = settings(flags, defaults, env);
    const got = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], s);
    expect(got).toEqual(want);
  });
});
