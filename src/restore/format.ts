// A restore record as text: what was found, each step with its outcome, the verified result.
import type { Plan, RestoreRecord } from './model.js';

export function formatPlanSteps(plan: Plan): string[] {
  const out = plan.steps.map(
    (s, i) =>
      `  ${i + 1}. ${s.id}${s.after.length ? ` (after ${s.after.join(', ')})` : ''}: ${s.reasons.join('; ')}` +
      (s.checks.length ? `\n       then check: ${s.checks.map((c) => c.kind).join(', ')}` : ''),
  );
  return [
    ...out,
    ...plan.unresolved.map((u) => `  cannot fix: ${u.finding}: ${u.why}`),
    ...plan.notes.map((n) => `  note: ${n}`),
  ];
}

// `state` overrides what the record says (status knows a `running` one whose process is gone).
export function formatRecord(r: RestoreRecord, state: string = r.state): string {
  const how = `${r.automatic ? 'automatic, ' : ''}${r.trigger.kind} ${r.trigger.id}`;
  const ended = r.endedAt ? `, ended ${r.endedAt}` : ', not ended';
  const out = [
    `restore ${r.id} (${how}): ${state.toUpperCase()}`,
    `  started ${r.startedAt}${ended}${r.resumes ? `, resumed ${r.resumes}x` : ''}`,
  ];
  for (const f of r.findings) out.push(`  found: ${f}`);
  for (const s of r.steps) {
    const attempts = s.attempts > 1 ? ` (${s.attempts} attempts)` : '';
    out.push(`  step ${s.id}: ${s.status}${attempts}${s.detail ? `: ${s.detail}` : ''}`);
  }
  for (const u of r.plan.unresolved) out.push(`  cannot fix: ${u.finding}: ${u.why}`);
  if (r.verification) {
    const n = r.verification.unexpected.length;
    out.push(`  verified against ${r.baseline}: ${n ? `${n} problems remain` : 'nothing lost'}`);
    for (const u of r.verification.unexpected) out.push(`    remains: ${u}`);
  }
  for (const n of [...r.plan.notes, ...r.notes]) out.push(`  note: ${n}`);
  for (const a of r.alerts) out.push(`  alert ${a.target}: ${a.ok ? 'sent' : `FAILED (${a.detail})`}`);
  return `${out.join('\n')}\n`;
}
