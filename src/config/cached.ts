// config.yaml as every entry point reads it: from the parse cache (parsecache.ts) while the file is
// unchanged, else parsed. The YAML library loads only on a miss.
import { throughCache, type ParseCache } from '../parsecache.js';
import type { LoadedConfig } from './load.js';

export const readConfig = (path: string, cache: ParseCache | null): Promise<LoadedConfig> =>
  throughCache(cache, 'config', [path], process.getuid?.() ?? 0, async () =>
    (await import('./load.js')).loadConfig(path),
  );
