// The policy as the hooks read it: from the parse cache (parsecache.ts) while no policy file or dir
// has changed, else parsed. The YAML library loads only on a miss.
import { join } from 'node:path';
import { fingerprint, recall, remember } from '../parsecache.js';
import type { LoadedPolicy, PolicyDirs } from './load.js';

export async function readPolicy(dirs: PolicyDirs): Promise<LoadedPolicy> {
  const file = dirs.cache ? join(dirs.cache.dir, 'policy.json') : null;
  const key = dirs.cache ? fingerprint(dirs.cache.build, [dirs.shipped, dirs.admin]) : '';
  const hit = file ? recall<LoadedPolicy>(file, key, dirs.trustedUid) : undefined;
  if (hit) return hit;
  const loaded = (await import('./load.js')).loadPolicy(dirs);
  if (file) remember(file, key, dirs.trustedUid, loaded);
  return loaded;
}
