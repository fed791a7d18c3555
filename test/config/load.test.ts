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
    expect(loadConfig('/nonexistent/config.yaml')).toEqual({ config: defaultConfig(), errors: [] }));
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
  it('a file others can write is refused (its alert command would run as root)', () => {
    const p = file('strict: true\n', 0o666);
    const r = loadConfig(p);
    expect(r.config).toEqual(defaultConfig());
    expect(r.errors).toEqual([`${p}: writable by group or others (mode 666); chmod go-w ${p}; using the defaults`]);
  });
});
