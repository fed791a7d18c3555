// The hooks' logger: pino built on the first line at or above the level (or by prepare()), every
// line written before the call returns, to the fd and to the tee (the journal).
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeLog } from '../src/log.js';
import { scratch } from './helpers/scratch.js';

describe('makeLog', () => {
  it.each([
    ['info: debug dropped', 'info', ['info', 'warn', 'error']],
    ['warn', 'warn', ['warn', 'error']],
    ['debug: all four', 'debug', ['debug', 'info', 'warn', 'error']],
    ['silent: none', 'silent', []],
  ])('%s', (_what, level, want) => {
    const path = join(scratch('ng-log-'), 'log');
    const fd = openSync(path, 'w');
    const tee: string[] = [];
    const log = makeLog(fd, level, (l) => void tee.push(l));
    log.prepare?.();
    expect(readFileSync(path, 'utf8')).toBe(''); // building the logger writes nothing
    for (const l of ['debug', 'info', 'warn', 'error'] as const) log[l]({ unit: 'tailscaled.service' }, `${l} line`);
    // Synchronous: each line is in the file as soon as the call returns, fields before msg.
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    closeSync(fd);
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(want.map((l) => `${l} line`));
    expect(lines.every((l) => l.indexOf('"unit"') < l.indexOf('"msg"'))).toBe(true);
    expect(tee.map((l) => l.trim())).toEqual(lines);
  });
});
