// Alerts: a JSON POST to a webhook and/or a command fed the same JSON on stdin. Never throws.
import { hostname } from 'node:os';
import type { Run } from '../exec.js';
import type { Config } from '../config/model.js';
import { ExecError, messageOf } from '../errors.js';
import type { RestoreRecord } from './model.js';

// Pure: what was found, what was done, and the verified result.
export function alertPayload(rec: RestoreRecord, host = hostname()) {
  return {
    source: 'apt-netguard',
    host,
    restore: rec.id,
    trigger: rec.trigger,
    state: rec.state,
    summary: summary(rec),
    found: rec.findings,
    unresolved: rec.plan.unresolved,
    done: rec.steps.map(({ id, status, attempts, detail }) => ({ step: id, status, attempts, detail })),
    verified: rec.verification ? { ok: rec.state === 'verified', unexpected: rec.verification.unexpected } : null,
    notes: rec.notes,
  };
}

export function summary(rec: RestoreRecord): string {
  const failed = rec.steps.filter((s) => s.status === 'failed').map((s) => s.id);
  if (rec.state === 'verified')
    return `network state restored and verified (${rec.steps.filter((s) => s.status === 'done').length} steps)`;
  if (rec.state === 'refused') return `restore not attempted: ${rec.notes.at(-1) ?? 'refused'}`;
  if (failed.length) return `restore failed at ${failed.join(', ')}; needs a human`;
  return `restore ran but ${rec.verification?.unexpected.length ?? 0} problems remain; needs a human`;
}

// NOTE: only scheme, host and path are logged: userinfo and query strings often carry tokens.
export function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<string> {
  const u = new URL(url);
  // Loaded only to send: node:https pulls in tls and crypto, which every hook would otherwise pay
  // for at start-up (the bundle hoists static imports).
  const { request } = u.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'apt-netguard',
        },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          (res.statusCode ?? 0) < 300 ? resolve(`HTTP ${res.statusCode}`) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

// For the log: each alert target and what became of it.
export const alertLines = (alerts: RestoreRecord['alerts']): string[] =>
  alerts.map((a) => `${a.target}: ${a.ok ? 'sent' : a.detail}`);

export const sendAlerts = (rec: RestoreRecord, alerts: Config['alerts'], run: Run) =>
  send(JSON.stringify(alertPayload(rec)), alerts, run);

// Pure: the guard could not keep its state where it belongs (a read-only or full state dir); it
// went on guarding from the run dir, and says so once per transaction.
export function degradedPayload(txn: string, degraded: string, host = hostname()) {
  return {
    source: 'apt-netguard',
    host,
    state: 'degraded',
    transaction: txn,
    summary: `${degraded}; this dpkg run was guarded from state kept under /run, which a reboot loses`,
  };
}

export const sendDegraded = (txn: string, degraded: string, alerts: Config['alerts'], run: Run) =>
  send(JSON.stringify(degradedPayload(txn, degraded)), alerts, run);

// Pure: what the watch says when it does not restore (report mode, a suspended signature).
export const watchPayload = (line: string, host = hostname()) => ({
  source: 'apt-netguard',
  host,
  state: 'watch',
  summary: line,
});

export const sendWatch = (line: string, alerts: Config['alerts'], run: Run) =>
  send(JSON.stringify(watchPayload(line)), alerts, run);

async function send(body: string, alerts: Config['alerts'], run: Run): Promise<RestoreRecord['alerts']> {
  const out: RestoreRecord['alerts'] = [];
  if (alerts.webhook) {
    const target = `webhook ${redact(alerts.webhook.url)}`;
    await post(alerts.webhook.url, body, alerts.webhook.headers, alerts.webhook.timeoutMs).then(
      (detail) => out.push({ target, ok: true, detail }),
      (err) => out.push({ target, ok: false, detail: messageOf(err) }),
    );
  }
  if (alerts.command) {
    const target = `command ${alerts.command[0]}`;
    await run(alerts.command, { input: body, timeoutMs: 15_000 }).then(
      () => out.push({ target, ok: true, detail: 'exit 0' }), // The argv may hold a token, so only the reason is kept.
      (err) => out.push({ target, ok: false, detail: err instanceof ExecError ? err.reason : messageOf(err) }),
    );
  }
  return out;
}
