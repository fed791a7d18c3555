// Tagging for tests that need root or real tools: they skip, and say why, when the machine cannot run them.
import { execFileSync } from 'node:child_process';

function has(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Returns the reason the test cannot run here, or null; prints the reason once.
export function missing(tag: string, needs: { root?: boolean; tools?: string[] }): string | null {
  let reason: string | null = null;
  if (needs.root && process.getuid?.() !== 0) reason = 'needs root';
  else {
    const absent = (needs.tools ?? []).filter((t) => !has(t));
    if (absent.length) reason = `needs ${absent.join(', ')}`;
  }
  if (reason) console.warn(`SKIP [${tag}]: ${reason}`);
  return reason;
}
