// Log lines to the journal as they happen: one logger(1) per process, fed each line.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipeTo } from '../src/exec.js';
import { openJournal, syslogLine } from '../src/journald.js';
import { BUNDLE } from './helpers/netns.js';
import { scratch } from './helpers/scratch.js';

describe('syslogLine: pino level to a --prio-prefix priority (facility user)', () => {
  it.each([
    ['{"level":30,"msg":"transaction opened"}\n', '<14>{"level":30,"msg":"transaction opened"}\n'],
    ['{"level":40,"msg":"lost"}', '<12>{"level":40,"msg":"lost"}\n'],
    ['{"level":50,"msg":"restore failed"}', '<11>{"level":50,"msg":"restore failed"}\n'],
    ['{"level":20,"msg":"hook done"}', '<15>{"level":20,"msg":"hook done"}\n'],
    ['{"level":60}', '<10>{"level":60}\n'],
    ['not json', '<14>not json\n'],
  ])('%s', (line, want) => expect(syslogLine(line)).toBe(want));
});

describe('openJournal', () => {
  const socket = join(scratch('ng-journal-'), 'dev-log');
  writeFileSync(socket, '');
  it('one logger -t apt-netguard --prio-prefix, each line written to it as it is logged', async () => {
    const started: (readonly string[])[] = [];
    const written: string[] = [];
    const j = openJournal((argv) => {
      started.push(argv);
      return { write: (t) => void written.push(t), end: async () => {} };
    }, socket)!;
    j.write('{"level":30,"msg":"a"}\n');
    expect(written).toEqual(['<14>{"level":30,"msg":"a"}\n']);
    j.write('{"level":40,"msg":"b"}\n');
    await j.close();
    expect(started).toHaveLength(1);
    expect(started[0]!.slice(0, 3)).toEqual(['logger', '-t', 'apt-netguard']);
    expect(started[0]).toContain('--prio-prefix');
    expect(started[0]!.slice(-2)).toEqual(['-u', socket]);
    expect(written).toHaveLength(2);
  });
  it('no syslog socket (no journald): nothing is started', () =>
    expect(
      openJournal(() => {
        throw new Error('started');
      }, '/nonexistent/dev-log'),
    ).toBeNull());
  it('no logger: null, never a throw', () => expect(openJournal(() => null, socket)).toBeNull());
});

describe('pipeTo, with real processes', () => {
  it('a line reaches the child before end()', async () => {
    const out = join(scratch('ng-pipe-'), 'got');
    const p = pipeTo(process.env.PATH ?? '', ['sh', '-c', `cat >> ${out}`])!;
    p.write('first\n');
    const until = Date.now() + 3000;
    while (!(existsSync(out) && readFileSync(out, 'utf8') === 'first\n') && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(out, 'utf8')).toBe('first\n');
    await p.end();
  });
  it('a child that died: writes are dropped, end() resolves', async () => {
    const p = pipeTo(process.env.PATH ?? '', ['true'])!;
    await new Promise((r) => setTimeout(r, 100));
    p.write('nobody reads this\n');
    await expect(p.end()).resolves.toBeUndefined();
  });
  it('a missing program is null', () => expect(pipeTo('/nonexistent', ['no-such-logger'])).toBeNull());
});

describe.skipIf(!existsSync(BUNDLE))('a hook killed mid-run', () => {
  it('leaves the lines it had logged in the journal (SIGKILL while a probe hangs)', async () => {
    const root = scratch('ng-killed-');
    const bin = join(root, 'bin');
    mkdirSync(bin);
    const got = join(root, 'journal');
    // logger: what it reads goes to a file; systemctl: hangs, as a wedged systemd would.
    writeFileSync(join(bin, 'logger'), `#!/bin/sh\ncat >> ${got}\n`);
    writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\nexec sleep 30\n');
    for (const f of ['logger', 'systemctl']) chmodSync(join(bin, f), 0o755);
    writeFileSync(join(root, 'dev-log'), '');
    writeFileSync(join(root, 'config.yaml'), 'strict: maybe\n', { mode: 0o644 });
    mkdirSync(join(root, 'systemd'));
    const child = spawn(process.execPath, [BUNDLE, 'hook', 'pre-invoke'], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        APT_NETGUARD_SYSLOG_SOCKET: join(root, 'dev-log'),
        APT_NETGUARD_CONFIG: join(root, 'config.yaml'),
        APT_NETGUARD_STATE_DIR: join(root, 'state'),
        APT_NETGUARD_RUN_DIR: join(root, 'run'),
        APT_NETGUARD_SYSTEMD_RUN_DIR: join(root, 'systemd'),
        APT_NETGUARD_CACHE_DIR: '',
      },
      stdio: 'ignore',
    });
    // The config error is logged before the hook's work starts; then systemctl hangs.
    const until = Date.now() + 10_000;
    while (!(existsSync(got) && readFileSync(got, 'utf8').includes('config error')) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(readFileSync(got, 'utf8')).toMatch(
      /^<11>\{.*"problem":".*config\.yaml:1:9: strict must be true or false".*"msg":"config error; the defaults apply"\}$/m,
    );
  });
});
