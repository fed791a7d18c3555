// The textfile written from the state dir: counters that survive processes, an atomic write into an
// existing directory only, and nothing left behind but apt_netguard.prom.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryLog } from '../../src/log.js';
import { publish, TEXTFILE } from '../../src/metrics/publish.js';
import { saveDoctor } from '../../src/metrics/store.js';
import { bump, loadCounters } from '../../src/restore/counters.js';
import { savePending } from '../../src/txn/store.js';
import { scratch } from '../helpers/scratch.js';

const ctxIn = (root: string, textfileDir: string) => ({
  state: join(root, 'state'),
  dirs: { run: join(root, 'run') },
  config: { metrics: { textfileDir } },
  log: memoryLog(),
});

describe('publish', () => {
  it('counters add up across calls (and processes: they live in the state dir)', async () => {
    const state = join(scratch('ng-counters-'), 'state');
    await bump(state, 'restores', 'txn|verified');
    await bump(state, 'restores', 'txn|verified');
    await bump(state, 'hookFailures', 'post-invoke');
    expect(loadCounters(state)).toEqual({ restores: { 'txn|verified': 2 }, hookFailures: { 'post-invoke': 1 } });
  });

  it('writes apt_netguard.prom into the textfile dir, and nothing else', async () => {
    const root = scratch('ng-publish-');
    const dir = join(root, 'textfile');
    const ctx = ctxIn(root, dir);
    await bump(ctx.state, 'restores', 'watch|failed');
    savePending(ctx.state, [
      { unit: 'cron.service', mode: 'defer', step: 'restart', since: '2026-12-01T00:00:00Z', txn: 't', reason: 'r' },
    ]);
    saveDoctor(ctx.state, { at: '2026-12-01T00:00:00Z', findings: [{ id: 'nft-iif-by-index', severity: 'warn' }] });
    expect(publish(ctx)).toBeNull(); // no such directory: nothing written, nothing made
    expect(existsSync(dir)).toBe(false);
    (await import('node:fs')).mkdirSync(dir);
    expect(publish(ctx)).toBe(join(dir, TEXTFILE));
    expect(readdirSync(dir)).toEqual([TEXTFILE]);
    const text = readFileSync(join(dir, TEXTFILE), 'utf8');
    expect(text).toContain('apt_netguard_restores_total{trigger="watch",result="failed"} 1');
    expect(text).toContain('apt_netguard_restarts_owed{unit="cron.service",mode="defer"} 1');
    expect(text).toContain('apt_netguard_doctor_findings{id="nft-iif-by-index",severity="warn"} 1');
    expect(text).toContain('apt_netguard_watch_up 0');
  });
});
