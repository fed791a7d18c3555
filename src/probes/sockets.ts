// Listening TCP and bound UDP sockets (`ss -Hlntup`), keyed by what a client would connect to.
import { readProbe, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface Listener {
  proto: 'tcp' | 'udp';
  // Without brackets; `*` for a dual-stack wildcard, `0.0.0.0`/`::` for a single family.
  address: string;
  port: number;
  // Bound with SO_BINDTODEVICE (`10.10.10.1%eth0:53`).
  iface: string | null;
  process: string | null;
}
export interface SocketsState {
  listeners: Listener[];
}

export const probe: Probe<SocketsState> = {
  name: 'sockets',
  commands: () => [{ argv: ['ss', '-H', '-l', '-n', '-t', '-u', '-p'] }],
  parse([text]) {
    const listeners: Listener[] = [];
    for (const line of (text ?? '').split('\n')) {
      const l = parseLine(line);
      if (l) listeners.push(l);
    }
    return { listeners };
  },
};

// `tcp LISTEN 0 128 [fd7a:115c:a1e0::7]:22 [::]:* users:(("sshd",pid=1,fd=3))`
export function parseLine(line: string): Listener | null {
  const f = line.trim().split(/\s+/);
  const [proto, , , , local] = f;
  if ((proto !== 'tcp' && proto !== 'udp') || !local) return null;
  const colon = local.lastIndexOf(':');
  const port = Number(local.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(port)) return null;
  let host = local.slice(0, colon);
  let iface: string | null = null;
  const pct = host.lastIndexOf('%');
  if (pct >= 0) {
    iface = host.slice(pct + 1);
    host = host.slice(0, pct);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const proc = /users:\(\("([^"]*)"/.exec(line);
  return { proto, address: host, port, iface, process: proc?.[1] ?? null };
}

export const read = (run: Run, ctx: ProbeContext) => readProbe(probe, run, ctx);
