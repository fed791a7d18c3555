// Pure: the guard's state as Prometheus text exposition (format 0.0.4), for node_exporter's textfile
// collector. Base units, `_total` on counters, HELP and TYPE on every family; labels carry names
// (units, kinds, hooks, ids), never a free-form message.
import { byKey } from '../compare.js';

export interface MetricsInput {
  version: string;
  // Unix seconds; null when nothing has happened yet (the family is then left out).
  lastTransactionAt: number | null;
  lastRestore: { at: number; verified: boolean } | null;
  // Restores ended, by what triggered them and how they ended: `${trigger}|${result}` -> count.
  restores: Record<string, number>;
  owed: { unit: string; mode: string }[];
  // Unexpected losses of the last transaction not answered by a verified restore, by finding kind.
  lost: Record<string, number>;
  hookFailures: Record<string, number>;
  // Probes the last transaction could not see with.
  probesUnavailable: string[];
  // null where the watch service is not installed.
  watch: { up: boolean; signatures: Record<string, boolean> } | null;
  // null until doctor has run.
  doctor: { id: string; severity: string }[] | null;
}

// The hooks that can fail, listed with 0 so that rate() sees the first failure.
export const HOOKS = ['pre-install-pkgs', 'post-invoke', 'needrestart', 'apt-gone', 'pre-invoke', 'post-dpkg'];

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (l: Record<string, string>) => {
  const kv = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`);
  return kv.length ? `{${kv.join(',')}}` : '';
};

export function exposition(m: MetricsInput): string {
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, rows: [Record<string, string>, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of rows) out.push(`${name}${labels(l)} ${v}`);
  };
  family('apt_netguard_info', 'gauge', 'The apt-netguard version installed, always 1.', [[{ version: m.version }, 1]]);
  if (m.lastTransactionAt !== null)
    family(
      'apt_netguard_last_transaction_timestamp_seconds',
      'gauge',
      'When the last dpkg run the guard watched ended (or began, if it never ended).',
      [[{}, m.lastTransactionAt]],
    );
  if (m.lastRestore) {
    family('apt_netguard_last_restore_timestamp_seconds', 'gauge', 'When the last restore ended.', [
      [{}, m.lastRestore.at],
    ]);
    family('apt_netguard_last_restore_success', 'gauge', 'Whether the last restore was verified (1) or not (0).', [
      [{}, m.lastRestore.verified ? 1 : 0],
    ]);
  }
  const restores = Object.entries(m.restores).sort(byKey);
  family(
    'apt_netguard_restores_total',
    'counter',
    'Restores ended, by trigger (txn, watch, manual, pending) and result (verified, unverified, failed, refused).',
    restores.map(([k, v]) => {
      const [trigger = '', result = ''] = k.split('|');
      return [{ trigger, result }, v];
    }),
  );
  family(
    'apt_netguard_restarts_owed',
    'gauge',
    'Restarts owed after an upgrade, by unit and mode (guarded: right after dpkg; defer: restart-pending).',
    m.owed.map((o) => [{ unit: o.unit, mode: o.mode }, 1]),
  );
  family(
    'apt_netguard_lost',
    'gauge',
    'State the last transaction lost that no verified restore has put back, by finding kind.',
    Object.entries(m.lost)
      .sort(byKey)
      .map(([kind, n]) => [{ kind }, n]),
  );
  const failures = { ...Object.fromEntries(HOOKS.map((h) => [h, 0])), ...m.hookFailures };
  family(
    'apt_netguard_hook_failures_total',
    'counter',
    'Hook runs that failed (and let apt go on, unless strict), by hook.',
    Object.entries(failures)
      .sort(byKey)
      .map(([hook, n]) => [{ hook }, n]),
  );
  family(
    'apt_netguard_probe_unavailable',
    'gauge',
    'Probes that could not see around the last transaction (the guard was partly blind), by probe.',
    [...new Set(m.probesUnavailable)].sort().map((probe) => [{ probe }, 1]),
  );
  if (m.watch) {
    family('apt_netguard_watch_up', 'gauge', 'Whether the apt-netguard-watch service runs and beats (1) or not (0).', [
      [{}, m.watch.up ? 1 : 0],
    ]);
    family(
      'apt_netguard_watch_suspended',
      'gauge',
      'Whether the watch has stopped acting on a breakage signature until the state is good again (1).',
      Object.entries(m.watch.signatures)
        .sort(byKey)
        .map(([signature, s]) => [{ signature }, s ? 1 : 0]),
    );
  }
  if (m.doctor) {
    const count = new Map<string, number>();
    for (const f of m.doctor) count.set(`${f.id}|${f.severity}`, (count.get(`${f.id}|${f.severity}`) ?? 0) + 1);
    family(
      'apt_netguard_doctor_findings',
      'gauge',
      'Findings of the last apt-netguard doctor run, by check id and severity.',
      [...count].sort(byKey).map(([k, n]) => {
        const [id = '', severity = ''] = k.split('|');
        return [{ id, severity }, n];
      }),
    );
  }
  return `${out.join('\n')}\n`;
}
