// Alerts go to a real HTTP server on loopback and to a recorded command; secrets stay out of the record.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { alertPayload, redact, sendAlerts } from '../../src/restore/alert.js';
import type { RestoreRecord } from '../../src/restore/model.js';
import { fakeRun } from '../helpers/fake-run.js';

const rec: RestoreRecord = {
  schemaVersion: 1,
  id: 'r1',
  trigger: { kind: 'txn', id: 't1' },
  automatic: true,
  baseline: 'b',
  startedAt: '',
  endedAt: '',
  state: 'failed',
  resumes: 0,
  findings: ['critical route-missing table=52 dst=10.10.10.0/24'],
  plan: { steps: [], unresolved: [], notes: [] },
  steps: [
    {
      id: 'restart tailscaled.service',
      status: 'failed',
      attempts: 2,
      startedAt: null,
      endedAt: null,
      detail: 'gave up after 2 attempts',
    },
  ],
  verification: { snapshot: 's', unexpected: ['critical route-missing table=52 dst=10.10.10.0/24'], expected: [] },
  owed: [],
  alerts: [],
  notes: [],
};

let close = () => {};
afterEach(() => close());

async function server(status: number, delayMs = 0) {
  const got: { headers: IncomingMessage['headers']; body: unknown }[] = [];
  const srv = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () =>
      setTimeout(() => {
        got.push({ headers: req.headers, body: JSON.parse(body) });
        res.writeHead(status).end();
      }, delayMs),
    );
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  close = () => {
    srv.closeAllConnections();
    srv.close();
  };
  return { got, url: `http://user:pw@127.0.0.1:${(srv.address() as AddressInfo).port}/hook?token=s3cret` };
}
const none = { onSuccess: false, webhook: null, command: null };

describe('alerts', () => {
  it('POSTs what was found, done and verified as JSON, with the configured headers; the record keeps no secret', async () => {
    const s = await server(204);
    const out = await sendAlerts(
      rec,
      { ...none, webhook: { url: s.url, timeoutMs: 2000, headers: { authorization: 'Bearer x' } } },
      fakeRun({}).run,
    );
    expect(out).toEqual([
      { target: `webhook http://127.0.0.1:${new URL(s.url).port}/hook`, ok: true, detail: 'HTTP 204' },
    ]);
    expect(s.got[0]!.headers.authorization).toBe('Bearer x');
    expect(s.got[0]!.body).toMatchObject({
      source: 'apt-netguard',
      state: 'failed',
      summary: 'restore failed at restart tailscaled.service; needs a human',
      found: rec.findings,
      verified: { ok: false },
    });
    expect(JSON.stringify(out)).not.toMatch(/s3cret|pw|Bearer/);
  });

  it('a server error or a silent server is reported, not thrown', async () => {
    const s = await server(500);
    expect(
      (await sendAlerts(rec, { ...none, webhook: { url: s.url, timeoutMs: 2000, headers: {} } }, fakeRun({}).run))[0],
    ).toMatchObject({ ok: false, detail: 'HTTP 500' });
    const slow = await server(200, 1000);
    expect(
      (await sendAlerts(rec, { ...none, webhook: { url: slow.url, timeoutMs: 100, headers: {} } }, fakeRun({}).run))[0],
    ).toMatchObject({ ok: false, detail: 'no answer within 100 ms' });
  });

  it('runs the command with the JSON on stdin, as an argv (no shell)', async () => {
    const calls: { argv: readonly string[]; input?: string }[] = [];
    const run = async (argv: readonly string[], o?: { input?: string }) => (
      calls.push({ argv, input: o?.input }),
      { stdout: '', stderr: '' }
    );
    const out = await sendAlerts(rec, { ...none, command: ['/usr/local/bin/notify', '--to', 'ops'] }, run);
    expect(out).toEqual([{ target: 'command /usr/local/bin/notify', ok: true, detail: 'exit 0' }]);
    expect(calls[0]!.argv).toEqual(['/usr/local/bin/notify', '--to', 'ops']);
    expect(JSON.parse(calls[0]!.input!)).toEqual(alertPayload(rec));
  });

  it.each([
    ['https://u:p@hooks.example/x/y?token=1#f', 'https://hooks.example/x/y'],
    ['not a url', '(invalid url)'],
  ])('redact(%s)', (u, want) => expect(redact(u)).toBe(want));
});
