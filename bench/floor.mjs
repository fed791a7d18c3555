// The least a Node program can do for a snapshot: spawn the probe commands with stdout to files
// and wait. No execa, no parsing, no write. Usage: node bench/floor.mjs SCRATCH_DIR
import { closeSync, openSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROBE_COMMANDS } from './commands.mjs';

const dir = process.argv[2] ?? '/tmp';
await Promise.all(
  PROBE_COMMANDS.map(
    ({ argv, input }, i) =>
      new Promise((resolve) => {
        const fd = openSync(join(dir, `floor-${i}.out`), 'w');
        const child = spawn(argv[0], argv.slice(1), { stdio: [input ? 'pipe' : 'ignore', fd, 'ignore'] });
        if (input) child.stdin.end(input);
        child.on('close', () => resolve(closeSync(fd)));
      }),
  ),
);
