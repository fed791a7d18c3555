// --policy-dir, apart from options.ts: it pulls in the policy loader (yaml, semver), which
// snapshot, diff and list never need and should not pay for at start-up.
import { defaultDirs, type PolicyDirs } from '../policy/load.js';

export const POLICY_FLAGS = {
  'policy-dir': { type: 'string' },
} as const;

export function policyDirsOf(v: { 'policy-dir'?: string | boolean | (string | boolean)[] | undefined }): PolicyDirs {
  const flag = v['policy-dir'];
  const dirs = defaultDirs();
  return typeof flag === 'string' ? { ...dirs, admin: flag } : dirs;
}
