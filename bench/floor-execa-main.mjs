// The least a program that spawns through execa can do for a snapshot: the same processes as
// bench/floor.mjs, through execa with stdout to files, and wait. No parsing, no write.
// bench/snapshot.mjs bundles this (esbuild) and runs it with a V8 code cache, as the bundle runs.
import { execa } from 'execa';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_COMMANDS } from './commands.mjs';

export async function floor(dir) {
  await Promise.all(
    PROBE_COMMANDS.map(async ({ argv, input }, i) => {
      const fd = openSync(join(dir, `floor-execa-${i}.out`), 'w');
      await execa(argv[0], argv.slice(1), { reject: false, stdout: fd, ...(input ? { input } : { stdin: 'ignore' }) });
      closeSync(fd);
    }),
  );
}
