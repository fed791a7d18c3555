// Runs the bundled execa floor (bench/floor-execa-main.mjs) the way dist/apt-netguard.mjs runs the
// program: compiled with vm.Script and a V8 code cache, written by the first run.
// Usage: node bench/floor-execa.mjs PROGRAM.js CACHE_FILE SCRATCH_DIR
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Script } from 'node:vm';

const [program, cache, dir] = process.argv.slice(2);
const cachedData = existsSync(cache) ? readFileSync(cache) : undefined;
const script = new Script(readFileSync(program, 'utf8'), { filename: program, cachedData });
if (!cachedData) process.once('exit', () => writeFileSync(cache, script.createCachedData()));
await script
  .runInThisContext()(createRequire(import.meta.url))
  .floor(dir);
