// Pure: may an automatic restore run for this trigger now? One per trigger, and a rate limit across triggers.
import type { RestoreRecord, Trigger } from './model.js';

export const HOUR_MS = 3_600_000;

export function refusal(
  recent: readonly Pick<RestoreRecord, 'trigger' | 'automatic' | 'startedAt' | 'state'>[],
  trigger: Trigger,
  now: number,
  maxPerHour: number,
): string | null {
  if (recent.some((r) => r.trigger.kind === trigger.kind && r.trigger.id === trigger.id))
    return `already attempted once for ${trigger.kind} ${trigger.id}`;
  const lastHour = recent.filter(
    (r) => r.automatic && r.state !== 'refused' && now - Date.parse(r.startedAt) < HOUR_MS,
  );
  if (lastHour.length >= maxPerHour)
    return `rate limit: ${lastHour.length} automatic restores in the last hour (restore.max-per-hour ${maxPerHour})`;
  return null;
}
