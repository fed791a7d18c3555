import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Run } from '../src/exec.js';
import { syslogLines, toJournal } from '../src/journald.js';
import { scratch } from './helpers/scratch.js';

describe('syslogLines: pino level to a --prio-prefix priority (facility user)', () => {
  it.each([
    ['{"level":30,"msg":"transaction opened"}\n', '<14>{"level":30,"msg":"transaction opened"}\n'],
    ['{"level":40,"msg":"lost"}', '<12>{"level":40,"msg":"lost"}\n'],
    ['{"level":50,"msg":"restore failed"}', '<11>{"level":50,"msg":"restore failed"}\n'],
    ['{"level":20,"msg":"hook done"}', '<15>{"level":20,"msg":"hook done"}\n'],
    ['{"level":60}', '<10>{"level":60}\n'],
    ['not json', '<14>not json\n'],
  ])('%s', (line, want) => expect(syslogLines([line])).toBe(want));
});

describe('toJournal', () => {
  const socket = join(scratch('ng-journal-'), 'dev-log');
  writeFileSync(socket, '');
  const calls: { argv: readonly string[]; input?: string }[] = [];
  const run: Run = async (argv, opts) => (calls.push({ argv, input: opts?.input }), { stdout: '', stderr: '' });

  it("sends all of a hook's lines to one logger -t apt-netguard", async () => {
    calls.length = 0;
    await toJournal(run, ['{"level":30,"msg":"a"}\n', '{"level":40,"msg":"b"}\n'], socket);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.argv.slice(0, 3)).toEqual(['logger', '-t', 'apt-netguard']);
    expect(calls[0]!.argv).toContain('--prio-prefix');
    expect(calls[0]!.input).toBe('<14>{"level":30,"msg":"a"}\n<12>{"level":40,"msg":"b"}\n');
  });
  it.each([
    ['no lines', [], socket],
    ['no syslog socket (no journald)', ['{"level":30}'], '/nonexistent/dev-log'],
  ])('does nothing with %s', async (_, lines, sock) => {
    calls.length = 0;
    await toJournal(run, lines, sock);
    expect(calls).toHaveLength(0);
  });
  it('never throws when logger fails', async () => {
    const failing: Run = async () => {
      throw new Error('logger: socket: Connection refused');
    };
    await expect(toJournal(failing, ['{"level":30}'], socket)).resolves.toBeUndefined();
  });
});
