// Pure: the watch's incident state machine (issue 16). Each signature acts at most once per
// incident; an incident ends when its restore is verified, or the signature is no longer detected;
// watch.max-per-hour bounds actions across all signatures; a failed attempt alerts once and
// suspends its signature until the state is good again or the admin runs `apt-netguard restore`.
import type { Detection, Signature } from './classify.js';

export type WatchMode = 'act' | 'report' | 'off';
export type SignatureState =
  | { state: 'ok' }
  // An incident is open: acted on (or, in report mode, reported) once, and waiting to end.
  | { state: 'open'; since: string; acted: boolean }
  // cause limit: ends once the hour has room again and the state is good; failed: once it is good.
  | { state: 'suspended'; since: string; why: string; cause: 'limit' | 'failed' };

export interface WatchState {
  signatures: Partial<Record<Signature, SignatureState>>;
  // When each action started, for the hourly limit (only the last hour is kept).
  actions: string[];
}

export const emptyWatch = (): WatchState => ({ signatures: {}, actions: [] });

export interface StepInput {
  now: Date;
  mode: WatchMode;
  // A transaction is open, or a restore or restart-pending runs: the hooks own this window.
  standAside: boolean;
  maxPerHour: number;
}

export interface Verdict {
  act: Signature[];
  // One line each, to alert on and journal: a new incident reported, or a signature suspended.
  alerts: string[];
  skipped: { signature: Signature; why: string }[];
  next: WatchState;
}

const HOUR_MS = 3_600_000;

export function step(prev: WatchState, detected: readonly Detection[], input: StepInput): Verdict {
  const { now, mode } = input;
  const iso = now.toISOString();
  const out: Verdict = { act: [], alerts: [], skipped: [], next: { signatures: { ...prev.signatures }, actions: [] } };
  out.next.actions = prev.actions.filter((t) => now.getTime() - Date.parse(t) < HOUR_MS);
  if (mode === 'off') return { ...out, next: prev };
  const seen = new Set(detected.map((d) => d.signature));
  const full = out.next.actions.length >= input.maxPerHour;
  // Good again: the incident, or the suspension, is over; one for the hourly limit lasts while it is
  // reached, so that a flapping tailscale0 gets one alert, not one per flap.
  for (const [sig, cur] of Object.entries(prev.signatures) as [Signature, SignatureState][]) {
    const held = cur.state === 'suspended' && cur.cause === 'limit' && full;
    if (!seen.has(sig) && !input.standAside && !held) out.next.signatures[sig] = { state: 'ok' };
  }
  for (const d of detected) {
    const cur = prev.signatures[d.signature] ?? { state: 'ok' };
    const skip = (why: string) => out.skipped.push({ signature: d.signature, why });
    if (input.standAside) skip('a dpkg run or a restore owns this window');
    else if (cur.state === 'open') skip('this incident was already handled once');
    else if (cur.state === 'suspended') skip(`suspended: ${cur.why}`);
    else if (mode === 'report') {
      out.next.signatures[d.signature] = { state: 'open', since: iso, acted: false };
      out.alerts.push(`${d.signature}: detected (report mode, nothing done): ${d.evidence[0] ?? ''}`);
    } else if (out.next.actions.length >= input.maxPerHour) {
      const why = `watch.max-per-hour (${input.maxPerHour}) reached`;
      out.next.signatures[d.signature] = { state: 'suspended', since: iso, why, cause: 'limit' };
      out.alerts.push(`${d.signature}: not acted on, ${why}; suspended until the state is good again`);
      skip(why);
    } else {
      out.next.signatures[d.signature] = { state: 'open', since: iso, acted: true };
      out.next.actions.push(iso);
      out.act.push(d.signature);
    }
  }
  return out;
}

// After an action: verified ends the incident (the state was verified good), so the signature coming
// back is a new incident, counted in the hour (a flapping tailscale0 meets the limit, and its one
// alert, instead of staying broken behind an incident still open); a failure suspends the signature
// and alerts once.
export function outcome(
  prev: WatchState,
  sig: Signature,
  result: 'verified' | 'failed',
  now: Date,
): { next: WatchState; alert: string | null } {
  if (result === 'verified')
    return { next: { ...prev, signatures: { ...prev.signatures, [sig]: { state: 'ok' } } }, alert: null };
  const why = 'the last attempt failed';
  return {
    next: {
      ...prev,
      signatures: { ...prev.signatures, [sig]: { state: 'suspended', since: now.toISOString(), why, cause: 'failed' } },
    },
    alert: `${sig}: restore failed; suspended until the state is good again or apt-netguard restore runs`,
  };
}

// `apt-netguard restore` by the admin lifts every suspension.
export const lift = (prev: WatchState): WatchState => ({
  ...prev,
  signatures: Object.fromEntries(
    Object.entries(prev.signatures).map(([k, v]) => [k, v.state === 'suspended' ? { state: 'ok' } : v]),
  ),
});
