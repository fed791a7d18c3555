// Log lines to the journal as they happen: one connection to journald's stream socket per process.
// A local server stands in for journald's socket and keeps what it was sent.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalLine, openJournal, streamHeader } from '../src/journald.js';
import { BUNDLE } from './helpers/netns.js';
import { scratch } from './helpers/scratch.js';

describe('journalLine: pino level to a severity prefix (0-7, as journald parses a stream line)', () => {
  it.each([
    ['{"level":30,"msg":"transaction opened"}\n', '<6>{"level":30,"msg":"transaction opened"}\n'],
    ['{"level":40,"msg":"lost"}', '<4>{"level":40,"msg":"lost"}\n'],
    ['{"level":50,"msg":"restore failed"}', '<3>{"level":50,"msg":"restore failed"}\n'],
    ['{"level":20,"msg":"hook done"}', '<7>{"level":20,"msg":"hook done"}\n'],
    ['{"level":60}', '<2>{"level":60}\n'],
    ['not json', '<6>not json\n'],
  ])('%s', (line, want) => expect(journalLine(line)).toBe(want));
});

// A stand-in for /run/systemd/journal/stdout: what each connection sent, as text. Like journald,
// it shuts down its own side for writing as soon as it accepts (it never answers).
function fakeJournal(): { path: string; got: string[]; server: Server } {
  const path = join(scratch('ng-journal-'), 'stdout');
  const got: string[] = [];
  const server = createServer({ allowHalfOpen: true }, (c) => {
    const i = got.push('') - 1;
    c.on('data', (d) => (got[i] += d.toString()));
    c.end();
  }).listen(path);
  return { path, got, server };
}
const until = async (ok: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !ok() && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
};

describe('openJournal', () => {
  it('one connection: the header (identifier, user.info, level prefix), then each line as it is logged', async () => {
    const j = fakeJournal();
    await until(() => existsSync(j.path));
    const journal = openJournal(j.path)!;
    journal.write('{"level":30,"msg":"a"}\n');
    await until(() => j.got[0]?.includes('"a"') ?? false);
    expect(j.got[0]).toBe(`apt-netguard\n\n14\n1\n0\n0\n0\n<6>{"level":30,"msg":"a"}\n`);
    // Written after journald's half-close: it must still arrive.
    await new Promise((r) => setTimeout(r, 100));
    journal.write('{"level":40,"msg":"b"}\n');
    await journal.close();
    await until(() => j.got[0]?.endsWith('<4>{"level":40,"msg":"b"}\n') ?? false);
    expect(j.got).toHaveLength(1);
    expect(j.got[0]!.startsWith(streamHeader('apt-netguard'))).toBe(true);
    expect(j.got[0]!.endsWith('<4>{"level":40,"msg":"b"}\n')).toBe(true);
    j.server.close();
  });
  it('no socket (no journald): null', () => expect(openJournal('/nonexistent/stdout')).toBeNull());
  it('a socket nobody listens on: writes are dropped, close() resolves, nothing throws', async () => {
    const path = join(scratch('ng-journal-dead-'), 'stdout');
    writeFileSync(path, '');
    const journal = openJournal(path)!;
    journal.write('{"level":30,"msg":"lost"}\n');
    await new Promise((r) => setTimeout(r, 50));
    journal.write('{"level":30,"msg":"lost too"}\n');
    await expect(journal.close()).resolves.toBeUndefined();
  });
});

describe.skipIf(!existsSync(BUNDLE))('a hook killed mid-run', () => {
  it('leaves the lines it had logged in the journal (SIGKILL while a probe hangs)', async () => {
    const root = scratch('ng-killed-');
    const bin = join(root, 'bin');
    mkdirSync(bin);
    // systemctl hangs, as a wedged systemd would.
    writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    writeFileSync(join(root, 'config.yaml'), 'strict: maybe\n', { mode: 0o644 });
    mkdirSync(join(root, 'systemd'));
    const j = fakeJournal();
    await until(() => existsSync(j.path));
    const child = spawn(process.execPath, [BUNDLE, 'hook', 'pre-invoke'], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        APT_NETGUARD_JOURNAL_SOCKET: j.path,
        APT_NETGUARD_CONFIG: join(root, 'config.yaml'),
        APT_NETGUARD_STATE_DIR: join(root, 'state'),
        APT_NETGUARD_RUN_DIR: join(root, 'run'),
        APT_NETGUARD_SYSTEMD_RUN_DIR: join(root, 'systemd'),
        APT_NETGUARD_CACHE_DIR: '',
      },
      stdio: 'ignore',
    });
    // The config error is logged before the hook's work starts; then systemctl hangs.
    await until(() => j.got.some((t) => t.includes('config error')));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(j.got.join('')).toMatch(
      /^<3>\{.*"problem":".*config\.yaml:1:9: strict must be true or false".*"msg":"config error; the defaults apply"\}$/m,
    );
    j.server.close();
  });
});
