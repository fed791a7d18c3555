// One line per finding, stable `key=value` fields after severity and kind: greppable and journald-friendly.
import type { Finding } from './diff/index.js';

export function findingLine(f: Finding): string {
  const { kind, severity, ...rest } = f;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${fmt(v)}`);
  return [severity.padEnd(8), kind, ...fields].join(' ');
}

function fmt(v: unknown): string {
  if (v === null || v === undefined || v === '') return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /\s/.test(s) ? JSON.stringify(s) : s;
}
