// After the late Post-Invoke has closed a transaction: the automatic, ordered restore.
import { messageOf } from '../errors.js';
import type { RestoreRecord } from '../restore/model.js';
import { restore, resumeKilled } from '../restore/run.js';
import type { Snapshot } from '../snapshot/model.js';
import { loadSnapshot, resolveRef } from '../snapshot/store.js';
import type { Txn } from '../txn/model.js';
import type { HookContext } from './context.js';

export async function restoreAfter(ctx: HookContext, txn: Txn, post: Snapshot | null): Promise<RestoreRecord | null> {
  if (!txn.preSnapshot) return null;
  if (!ctx.config.restore.auto) {
    ctx.log.info(
      { txn: txn.id },
      'restore.auto is off: owed restarts wait for apt-netguard restore or restart-pending',
    );
    return null;
  }
  try {
    const baselinePath = resolveRef(ctx.state, txn.preSnapshot);
    const baseline = loadSnapshot(baselinePath);
    return await restore(ctx, {
      trigger: { kind: 'txn', id: txn.id },
      automatic: true,
      baseline,
      baselinePath,
      modes: ['guarded'],
      ...(post ? { live: post } : {}),
    });
  } catch (err) {
    // The transaction is closed and journaled; a restore that could not even start is logged, and status shows the owed restarts.
    ctx.log.error({ txn: txn.id, err: messageOf(err) }, 'restore could not run');
    return null;
  }
}

// A restore killed earlier: finished before anything else. Its failure must not stop the hook's own work.
export async function resumeSafely(ctx: HookContext): Promise<void> {
  try {
    await resumeKilled(ctx);
  } catch (err) {
    ctx.log.error(
      { err: messageOf(err) },
      'a killed restore could not be resumed; apt-netguard restore will try again',
    );
  }
}
