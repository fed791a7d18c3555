// /etc/apt-netguard/config.yaml as the program sees it: every value has a default.
export interface Webhook {
  url: string;
  timeoutMs: number;
  // Sent as given and never logged: they often carry a token.
  headers: Record<string, string>;
}

export interface Config {
  // A hook failure fails apt (exit 100) instead of being logged and ignored.
  strict: boolean;
  restore: {
    // Post-Invoke runs the ordered restore itself; off means it only records what is owed.
    auto: boolean;
    settleTimeoutMs: number;
    // How long table 52 and the ip rules must stay unchanged before networkd counts as settled.
    quietMs: number;
    stepTimeoutMs: number;
    // Extra attempts per step after the first one fails its post-condition.
    retries: number;
    // Automatic restores across all triggers in any hour; one per trigger in any case.
    maxPerHour: number;
  };
  // apt-netguard watch (issue 16): the same protection outside apt runs.
  watch: {
    // act: restore on a known breakage signature; report: alert only; off: do nothing.
    mode: 'act' | 'report' | 'off';
    // Actions in any hour across all signatures; past it, one alert and the signature is suspended.
    maxPerHour: number;
    // How long tailscaled may stay up but not Running (or without its address) before one restart.
    reconnectAfterMs: number;
    // The service's slow check, for what makes no netlink event (a backend stuck in Starting).
    heartbeatMs: number;
  };
  // apt-netguard doctor (issue 17).
  doctor: {
    // Restarts owed longer than this are a finding (restarts-owed-long): a daemon runs an old binary.
    owedDays: number;
  };
  // Fleet visibility (issue 19): the textfile for node_exporter's textfile collector.
  metrics: {
    // Where apt_netguard.prom is written; nothing is written while the directory does not exist.
    textfileDir: string;
  };
  alerts: {
    onSuccess: boolean;
    webhook: Webhook | null;
    command: string[] | null;
  };
}

export const defaultConfig = (): Config => ({
  strict: false,
  restore: { auto: true, settleTimeoutMs: 30_000, quietMs: 1_000, stepTimeoutMs: 20_000, retries: 1, maxPerHour: 6 },
  watch: { mode: 'act', maxPerHour: 3, reconnectAfterMs: 90_000, heartbeatMs: 60_000 },
  doctor: { owedDays: 7 },
  // Debian's prometheus-node-exporter reads this directory (its --collector.textfile.directory).
  metrics: { textfileDir: '/var/lib/prometheus/node-exporter' },
  alerts: { onSuccess: false, webhook: null, command: null },
});
