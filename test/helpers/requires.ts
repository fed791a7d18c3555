// Tagging for tests that need root or real tools: they skip, and say why, when the machine cannot run them.
import { which } from '../../src/exec.js';

// Returns the reason the test cannot run here, or null; prints the reason once.
export function missing(tag: string, needs: { root?: boolean; tools?: string[] }): string | null {
  let reason: string | null = null;
  if (needs.root && process.getuid?.() !== 0) reason = 'needs root';
  else {
    const absent = (needs.tools ?? []).filter((t) => which(t, process.env.PATH ?? '') === null);
    if (absent.length) reason = `needs ${absent.join(', ')}`;
  }
  if (reason) console.warn(`SKIP [${tag}]: ${reason}`);
  return reason;
}
