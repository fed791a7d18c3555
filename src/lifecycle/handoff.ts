// After the late Post-Invoke has closed a transaction: the automatic, ordered restore, handed what
// the post-invoke already saw (its pre and post snapshots and their diff).
import type { AppContext } from '../context.js';
import { messageOf } from '../errors.js';
import type { RestoreRecord } from '../restore/model.js';
import { afterTxn, type Observed } from '../restore/requests.js';
import { restore, resumeKilled } from '../restore/run.js';
import type { Txn } from '../txn/model.js';

export async function restoreAfter(ctx: AppContext, txn: Txn, seen: Observed | null): Promise<RestoreRecord | null> {
  if (!txn.preSnapshot) return null;
  if (!ctx.config.restore.auto) {
    ctx.log.info(
      { txn: txn.id },
      'restore.auto is off: owed restarts wait for apt-netguard restore or restart-pending',
    );
    return null;
  }
  try {
    return await restore(ctx, afterTxn(ctx.state, { ...txn, preSnapshot: txn.preSnapshot }, seen));
  } catch (err) {
    // The transaction is closed and journaled; a restore that could not even start is logged, and
    // status shows the owed restarts.
    ctx.log.error({ txn: txn.id, err: messageOf(err) }, 'restore could not run');
    return null;
  }
}

// A restore killed earlier: finished before anything else. Its failure must not stop the hook's own work.
export async function resumeSafely(ctx: AppContext): Promise<void> {
  try {
    await resumeKilled(ctx);
  } catch (err) {
    ctx.log.error(
      { err: messageOf(err) },
      'a killed restore could not be resumed; apt-netguard restore will try again',
    );
  }
}
