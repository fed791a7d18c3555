// The policy as the hooks read it: from the parse cache (parsecache.ts) while no policy file or dir
// has changed, else parsed. The YAML library loads only on a miss.
import { throughCache } from '../parsecache.js';
import type { LoadedPolicy, PolicyDirs } from './load.js';

export const readPolicy = (dirs: PolicyDirs): Promise<LoadedPolicy> =>
  throughCache(dirs.cache, 'policy', [dirs.shipped, dirs.admin], dirs.trustedUid, async () =>
    (await import('./load.js')).loadPolicy(dirs),
  );
