// config.yaml as every entry point reads it: from the parse cache (parsecache.ts) while the file is
// unchanged, else parsed. The YAML library loads only on a miss.
import { join } from 'node:path';
import { fingerprint, recall, remember, type ParseCache } from '../parsecache.js';
import type { LoadedConfig } from './load.js';

export async function readConfig(path: string, cache: ParseCache | null): Promise<LoadedConfig> {
  const uid = process.getuid?.() ?? 0;
  const file = cache ? join(cache.dir, 'config.json') : null;
  const key = cache ? fingerprint(cache.build, [path]) : '';
  const hit = file ? recall<LoadedConfig>(file, key, uid) : undefined;
  if (hit) return hit;
  const loaded = (await import('./load.js')).loadConfig(path);
  if (file) remember(file, key, uid, loaded);
  return loaded;
}
