import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/model.js';
import { validateConfig } from '../../src/config/validate.js';
import { formatProblem } from '../../src/problems.js';

const check = (text: string) => validateConfig('config.yaml', text);

describe('validateConfig', () => {
  it('the shipped config.yaml is valid and says what the defaults are', () => {
    const v = check(readFileSync(new URL('../../debian/config.yaml', import.meta.url), 'utf8'));
    expect(v.errors).toEqual([]);
    expect(v.config).toEqual(defaultConfig());
  });

  it('reads every setting', () => {
    const v = check(
      'strict: true\nrestore:\n  auto: false\n  settle-timeout: 10\n  quiet: 0.5\n  step-timeout: 5\n  retries: 2\n  max-per-hour: 1\n' +
        'watch:\n  mode: report\n  max-per-hour: 2\n  reconnect-after: 120\n  heartbeat: 30\n' +
        'doctor:\n  owed-days: 3\n' +
        'metrics:\n  textfile-dir: /srv/textfile\n' +
        'alerts:\n  on-success: true\n  webhook:\n    url: http://127.0.0.1:9000/h\n    timeout: 2\n    headers: {Authorization: Bearer x}\n  command: [/usr/bin/logger, -t, netguard]\n',
    );
    expect(v.errors).toEqual([]);
    expect(v.config).toEqual({
      strict: true,
      restore: { auto: false, settleTimeoutMs: 10_000, quietMs: 500, stepTimeoutMs: 5_000, retries: 2, maxPerHour: 1 },
      watch: { mode: 'report', maxPerHour: 2, reconnectAfterMs: 120_000, heartbeatMs: 30_000 },
      doctor: { owedDays: 3 },
      metrics: { textfileDir: '/srv/textfile' },
      alerts: {
        onSuccess: true,
        webhook: { url: 'http://127.0.0.1:9000/h', timeoutMs: 2_000, headers: { Authorization: 'Bearer x' } },
        command: ['/usr/bin/logger', '-t', 'netguard'],
      },
    });
  });

  it.each([
    ['restore:\n  retries: 9\n', 'config.yaml:2:12: restore.retries must be a whole number from 0 to 5'],
    [
      'watch:\n  mode: acts\n',
      "config.yaml:2:9: watch.mode must be one of act, report, off (hint: did you mean 'act'?)",
    ],
    [
      'metrics:\n  textfile-dir: prom\n',
      'config.yaml:2:17: metrics.textfile-dir must be an absolute path (hint: e.g. /var/lib/prometheus/node-exporter)',
    ],
    [
      'watch:\n  reconnect-after: 5\n',
      'config.yaml:2:20: watch.reconnect-after must be a number of seconds from 10 to 3600',
    ],
    [
      'restore:\n  setle-timeout: 3\n',
      "config.yaml:2:3: restore: unknown setting 'setle-timeout' (hint: known: auto, settle-timeout, quiet, step-timeout, retries, max-per-hour; did you mean 'settle-timeout'?)",
    ],
    [
      'alerts:\n  command: notify-send hi\n',
      'config.yaml:2:12: alerts.command must be a list: an absolute program path, then its arguments (hint: e.g. command: [/usr/local/bin/notify, --to, ops]; no shell is used)',
    ],
    [
      'alerts:\n  webhook:\n    url: ftp://x\n',
      'config.yaml:3:10: alerts.webhook.url must be an http:// or https:// URL',
    ],
    ['strict: yes please\n', 'config.yaml:1:9: strict must be true or false'],
    [
      'restore: [auto]\n',
      'config.yaml:1:10: restore: expected a mapping (hint: keys: auto, settle-timeout, quiet, step-timeout, retries, max-per-hour)',
    ],
  ])('%j', (text, want) => expect(check(text).errors.map(formatProblem)[0]).toBe(want));
});
