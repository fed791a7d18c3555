// Pure: the monitoring-plugin verdict (Nagios and Icinga's convention, as needrestart -p follows it)
// from the same input as the textfile. Thresholds: the man page, CHECK.
import type { MetricsInput } from './exposition.js';

export const STATES = ['OK', 'WARNING', 'CRITICAL', 'UNKNOWN'] as const;

export interface Verdict {
  code: 0 | 1 | 2 | 3;
  line: string;
}

export function verdict(m: MetricsInput): Verdict {
  const lost = Object.values(m.lost).reduce((a, b) => a + b, 0);
  const suspended = Object.entries(m.watch?.signatures ?? {}).flatMap(([s, on]) => (on ? [s] : []));
  const failures = Object.values(m.hookFailures).reduce((a, b) => a + b, 0);
  const critical = [
    ...(m.lastRestore && !m.lastRestore.verified ? ['the last restore was not verified'] : []),
    ...(lost ? [`${lost} lost (${Object.keys(m.lost).sort().join(', ')})`] : []),
  ];
  const warning = [
    ...(m.owed.length ? [`${m.owed.length} restarts owed (${m.owed.map((o) => o.unit).join(', ')})`] : []),
    ...(m.probesUnavailable.length ? [`blind: ${[...new Set(m.probesUnavailable)].join(', ')}`] : []),
    ...(suspended.length ? [`watch suspended: ${suspended.join(', ')}`] : []),
    ...(m.watch && !m.watch.up ? ['the watch service is not running'] : []),
  ];
  const code = critical.length ? 2 : warning.length ? 1 : 0;
  const calm = m.lastRestore ? 'last restore verified' : 'no restore yet';
  const summary = [...critical, ...warning].join('; ') || `nothing owed, nothing lost, ${calm}`;
  // Perfdata: 'label'=value;warn;crit;min (the plugin guidelines).
  const perf = [
    `owed=${m.owed.length};1;;0`,
    `lost=${lost};;1;0`,
    `suspended=${suspended.length};1;;0`,
    `blind=${new Set(m.probesUnavailable).size};1;;0`,
    `hook_failures=${failures};;;0`,
  ].join(' ');
  return { code, line: `APT-NETGUARD ${STATES[code]} - ${summary} | ${perf}` };
}
