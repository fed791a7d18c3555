// Process identity: a pid with its start time and boot, so that a reused pid is not the holder.
import { describe, expect, it } from 'vitest';
import { alive, frontend, parseStart, self } from '../src/procid.js';

// A real /proc/<pid>/stat line of a process whose comm has a space and a parenthesis.
const STAT = '4242 (tail (x) y) S 1 4242 4242 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1 0 987654 8 1 0 0 0';

describe('parseStart', () => {
  it.each([
    [STAT, '987654'],
    [`${process.pid} (node) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 123 0`, '123'],
    ['garbage', null],
    ['1 (x) S 1', null],
  ])('%s -> %s', (stat, want) => expect(parseStart(stat)).toBe(want));
});

describe('alive', () => {
  const boot = 'b-1';
  const proc = (files: Record<string, string>) => (p: string) => {
    if (p === '/proc/sys/kernel/random/boot_id') return `${boot}\n`;
    if (p in files) return files[p]!;
    throw new Error('ENOENT');
  };
  it.each([
    ['the same process', { pid: 4242, start: '987654', boot }, true],
    ['the pid is gone', { pid: 4243, start: '987654', boot }, false],
    ['the pid now belongs to a later process', { pid: 4242, start: '111', boot }, false],
    ['another boot (a reboot, a copied state dir)', { pid: 4242, start: '987654', boot: 'b-0' }, false],
    ['no start time recorded: the pid alone', { pid: 4242, start: '', boot }, true],
  ])('%s: %s', (_, h, want) => expect(alive(h, proc({ '/proc/4242/stat': STAT }))).toBe(want));
  it('this process is alive, as itself', () => expect(alive(self())).toBe(true));
});

describe('frontend: the process that runs a hook, above the shells', () => {
  const stat = (pid: number, comm: string, ppid: number, start: number) =>
    `${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 93 0 0 0 0 0 0 0 20 0 1 0 ${start} 8 1 0`;
  const proc = (tree: string[]) => (p: string) => {
    if (p === '/proc/sys/kernel/random/boot_id') return 'b\n';
    const hit = tree.find((t) => p === `/proc/${t.split(' ')[0]}/stat`);
    if (!hit) throw new Error('ENOENT');
    return hit;
  };
  it.each([
    [
      'apt-get -> sh -c -> run-hook',
      [stat(300, 'run-hook', 200, 30), stat(200, 'sh', 100, 20), stat(100, 'apt-get', 1, 10)],
      { pid: 100, start: '10', boot: 'b' },
    ],
    [
      'unattended-upgrades (python) -> sh -c -> pre-install-pkgs (exec run-hook)',
      [stat(300, 'pre-install-pkg', 200, 30), stat(200, 'sh', 42, 20), stat(42, 'unattended-upgr', 1, 5)],
      { pid: 42, start: '5', boot: 'b' },
    ],
    ['only shells up to PID 1', [stat(300, 'sh', 1, 30)], null],
    ['no /proc', [], null],
  ])('%s', (_, tree, want) => expect(frontend(proc(tree), 300)).toEqual(want));
});
