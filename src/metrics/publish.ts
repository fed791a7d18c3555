// Writes apt_netguard.prom into node_exporter's textfile directory: a temp file in the same
// directory, then a rename (node-exporter-textfile-collector-scripts' convention; the collector reads
// only *.prom). Never throws: the textfile is a copy of the journals, and must not fail a hook.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VERSION } from '../context.js';
import { messageOf } from '../errors.js';
import { writeFileAtomic } from '../fsutil.js';
import type { Log } from '../log.js';
import { exposition } from './exposition.js';
import { gatherMetrics } from './gather.js';

export const TEXTFILE = 'apt_netguard.prom';

export interface PublishCtx {
  state: string;
  dirs: { run: string };
  config: { metrics: { textfileDir: string } };
  log: Log;
}

// Returns the path written, or null (no such directory, or the write failed: logged).
export function publish(ctx: PublishCtx, now = new Date()): string | null {
  const dir = ctx.config.metrics.textfileDir;
  if (!existsSync(dir)) return null;
  const path = join(dir, TEXTFILE);
  try {
    writeFileAtomic(path, exposition(gatherMetrics(ctx.state, ctx.dirs.run, VERSION, now)), 0o644);
    return path;
  } catch (err) {
    ctx.log.warn({ path, err: messageOf(err) }, 'metrics: the textfile cannot be written');
    return null;
  }
}
