// The bundle's outer module: compiles the program (built by scripts/build.mjs from src/main.ts) with
// a V8 code cache, runs it, and writes the cache after a run that had none. Any cache trouble only
// costs the compile it would have saved.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { DEFAULT_CACHE_DIR, cacheFile, cacheKey, readCache, writeCache } from './codecache.js';

declare const __NG_PROGRAM__: string;
declare const __NG_PROGRAM_HASH__: string;

const dir = process.env.APT_NETGUARD_CACHE_DIR ?? DEFAULT_CACHE_DIR;
const euid = process.geteuid?.() ?? -1;
const file = dir ? cacheFile(dir, cacheKey(process.argv.slice(2)), __NG_PROGRAM_HASH__) : null;
const cachedData = file ? readCache(file, euid) : undefined;
const script = new Script(__NG_PROGRAM__, { filename: fileURLToPath(import.meta.url), cachedData });
const state = !file ? 'off' : !cachedData ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
if (process.env.APT_NETGUARD_DEBUG)
  process.stderr.write(`apt-netguard: code cache ${state}${file ? ` (${file})` : ''}\n`);
// At exit, so the cache holds every function this command compiled, not only the top level.
if (file && state !== 'hit')
  process.once('exit', () => writeCache(file, script.createCachedData(), __NG_PROGRAM_HASH__, euid));
(script.runInThisContext() as (require: NodeRequire) => void)(createRequire(import.meta.url));
