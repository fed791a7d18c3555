// One upgrade transaction (one dpkg run): pure data and pure transitions.
import type { PkgChange } from '../apt/hookinfo.js';
import type { Decision } from '../policy/decide.js';
import type { Blind } from '../snapshot/blind.js';
import type { Holder } from '../procid.js';
import { MODES, type Mode, type StepAction } from '../policy/model.js';

export const TXN_SCHEMA = 1;

export type Requester = 'policy-rc.d' | 'needrestart' | 'systemctl';

// A restart somebody asked for while the transaction was open, and what was done with it.
export interface Request {
  at: string;
  who: Requester;
  unit: string;
  action: string;
  decision: Mode;
  // Whether we saw the request itself, or only know it was refused (systemd does not tell us).
  seen: 'recorded' | 'inferred';
}

export interface Armed {
  unit: string;
  mode: Mode;
  // A runtime RefuseManualStop drop-in is in place for the unit.
  dropIn: boolean;
}

export type TxnState = 'open' | 'armed' | 'disarmed' | 'closed' | 'abandoned';

export interface Txn {
  schemaVersion: typeof TXN_SCHEMA;
  id: string;
  state: TxnState;
  openedAt: string;
  closedAt: string | null;
  preSnapshot: string | null;
  // InvocationID of each protected unit when the run started (from the pre snapshot).
  invocations?: Record<string, string>;
  packages: PkgChange[];
  decisions: Decision[];
  order: string[];
  deferred: string[];
  armed: Armed[];
  requests: Request[];
  // The diff the post-invoke found against the pre snapshot.
  // `lost`: state gone or broken (restore/verify.ts), as opposed to the trace of a restart.
  findings: { kind: string; severity: string; text: string; lost?: boolean }[];
  // The apt (or unattended-upgrades) process that armed the gates: if it dies before Post-Invoke,
  // its watcher disarms them (lifecycle/watchapt.ts).
  apt?: Holder;
  // Probes that could not see, before or after dpkg (snapshot/blind.ts): what the guard may have missed.
  blind?: Blind[];
  notes: string[];
}

export function openTxn(id: string, now: Date, preSnapshot: string | null): Txn {
  return {
    schemaVersion: TXN_SCHEMA,
    id,
    state: 'open',
    openedAt: now.toISOString(),
    closedAt: null,
    preSnapshot,
    packages: [],
    decisions: [],
    order: [],
    deferred: [],
    armed: [],
    requests: [],
    findings: [],
    notes: [],
  };
}

// Requests appended by the shell gate, one per line: `<unix s> <who> <unit> <action> <decision>`.
export function parseRequestLines(text: string): Request[] {
  const out: Request[] = [];
  for (const line of text.split('\n')) {
    const [t, who, unit, action, decision] = line.trim().split(/\s+/);
    if (!t || !who || !unit || !action || !decision || !/^\d+$/.test(t)) continue;
    if (who !== 'policy-rc.d' && who !== 'needrestart' && who !== 'systemctl') continue;
    if (!(MODES as readonly string[]).includes(decision)) continue;
    out.push({
      at: new Date(Number(t) * 1000).toISOString(),
      who,
      unit,
      action,
      decision: decision as Mode,
      seen: 'recorded',
    });
  }
  return out;
}

// Pending deferred restarts survive transactions: one entry per unit, the newest reason wins.
export interface Pending {
  unit: string;
  // guarded: the guard's own restore runs it right after dpkg; defer: waits for `restart-pending`.
  mode: 'guarded' | 'defer';
  step: StepAction;
  since: string;
  txn: string;
  reason: string;
}

// `owed` is what this transaction owes, in order. A unit owed as defer stays deferred.
export function addPending(
  pending: readonly Pending[],
  txn: Txn,
  owed: readonly { unit: string; mode: Pending['mode'] }[],
  stepOf: (unit: string) => StepAction,
): Pending[] {
  const byUnit = new Map(pending.map((p) => [p.unit, p]));
  for (const { unit, mode } of owed) {
    const d = txn.decisions.find((x) => x.unit === unit);
    const r = txn.requests.find((x) => x.unit === unit);
    const reason = d
      ? `${d.rule}: ${d.reason}`
      : `${r?.who ?? 'a gate'} asked to ${r?.action ?? 'restart'} (default mode ${r?.decision ?? '?'})`;
    const was = byUnit.get(unit);
    const m = was?.mode === 'defer' ? 'defer' : mode;
    byUnit.set(unit, {
      unit,
      mode: m,
      step: d?.step ?? stepOf(unit),
      since: was?.since ?? txn.openedAt,
      txn: txn.id,
      reason,
    });
  }
  return [...byUnit.values()];
}
