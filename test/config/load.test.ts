// config.yaml from disk: a missing file is the defaults; a broken or untrusted one too, with why.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfig } from '../../src/config/model.js';
import { scratch } from '../helpers/scratch.js';

const file = (text: string, mode = 0o644) => {
  const p = join(scratch('ng-config-'), 'config.yaml');
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
};

describe('loadConfig', () => {
  it('no file: the defaults, no errors', () =>
    expect(loadConfig('/nonexistent/config.yaml')).toEqual({ config: defaultConfig(), errors: [], warnings: [] }));
  it('a valid file', () => {
    const r = loadConfig(file('strict: true\nrestore:\n  retries: 2\n'));
    expect(r.errors).toEqual([]);
    expect(r.config.strict).toBe(true);
    expect(r.config.restore.retries).toBe(2);
  });
  it('a broken file: the defaults in full, and the error at file:line:col', () => {
    const p = file('strict: true\nrestore:\n  retries: lots\n');
    const r = loadConfig(p);
    expect(r.config).toEqual(defaultConfig());
    expect(r.errors).toEqual([`${p}:3:12: restore.retries must be a whole number from 0 to 5`]);
  });
  it.each([
    [
      'a webhook header (a bearer token)',
      'alerts:\n  webhook:\n    url: https://h/x\n    headers: {Authorization: Bearer t}\n',
      0o644,
      true,
    ],
    ['a URL with a token in its query', 'alerts:\n  webhook:\n    url: https://h/x?token=t\n', 0o644, true],
    ['a URL with userinfo', 'alerts:\n  webhook:\n    url: https://u:p@h/x\n', 0o644, true],
    ['alert command arguments', 'alerts:\n  command: [/usr/local/bin/notify, --token, t]\n', 0o644, true],
    ['credentials, root only', 'alerts:\n  webhook:\n    url: https://h/x?token=t\n', 0o640, false],
    ['no credentials, readable', 'alerts:\n  webhook:\n    url: https://h/x\n', 0o644, false],
  ])('%s, mode %o: warned %s', (_, text, mode, warned) => {
    const p = file(text, mode);
    const r = loadConfig(p);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(warned ? [`${p} holds credentials and any user can read it; chmod 640 ${p}`] : []);
  });
  it('a file others can write is refused (its alert command would run as root)', () => {
    const p = file('strict: true\n', 0o666);
    const r = loadConfig(p);
    expect(r.config).toEqual(defaultConfig());
    expect(r.errors).toEqual([`${p}: writable by group or others (mode 666); chmod go-w ${p}; using the defaults`]);
  });
});
