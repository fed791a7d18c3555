// Pure: which fixes `doctor --fix` may apply (new drop-ins only), and which stay with the admin.
import type { Finding } from './model.js';

export interface FixPlan {
  // Drop-ins to write: new, or a drop-in of ours whose text differs.
  write: { id: string; path: string; content: string }[];
  // Already there with this very text (a second --fix writes nothing).
  present: string[];
  // Commands and edits only the admin should make: doctor never restarts or edits a file of theirs.
  admin: Finding[];
}

// `existing(path)`: the file's text, or null when there is none.
export function planFixes(findings: readonly Finding[], existing: (path: string) => string | null): FixPlan {
  const plan: FixPlan = { write: [], present: [], admin: [] };
  for (const f of findings) {
    if (f.fix.kind !== 'drop-in') {
      if (f.severity !== 'info') plan.admin.push(f);
      continue;
    }
    const { path, content } = f.fix;
    if (plan.write.some((w) => w.path === path)) continue;
    const now = existing(path);
    if (now === content) plan.present.push(path);
    // A file by that name that is not ours is the admin's: never overwritten.
    else if (now !== null && !now.startsWith('# Written by apt-netguard doctor')) plan.admin.push(f);
    else plan.write.push({ id: f.id, path, content });
  }
  return plan;
}
