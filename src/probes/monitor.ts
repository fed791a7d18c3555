// `ip -o monitor`: netlink events, one per line, and a fingerprint of Tailscale's routing state to
// compare before and after a watch. Not a snapshot probe (it watches, it does not read a state).
import type { Run } from '../exec.js';
import { TS_TABLE } from '../tailscale.js';

// The events on ip rules and table 52 routes (`ip -o monitor rule route` prints a rule as
// `[Deleted ]<prio>: ...`, a route with `table 52` in it).
const TABLE_EVENT = new RegExp(`\\btable ${TS_TABLE}\\b`);
export const routingEvents = (text: string): string[] =>
  text.split('\n').filter((l) => /^(Deleted )?\d+:\s/.test(l) || TABLE_EVENT.test(l));

// What the watch listens to: every link, address, route and rule change, one line per event.
export const WATCH_MONITOR = ['ip', '-o', 'monitor', 'link', 'address', 'route', 'rule'] as const;

// Routing events seen during `ms`; null when `ip monitor` could not run.
export const watchRouting = (run: Run, ms: number): Promise<number | null> =>
  run(['ip', '-o', 'monitor', 'rule', 'route'], { forMs: ms }).then(
    (r) => routingEvents(r.stdout).length,
    () => null,
  );

// The ip rules of both families and table 52's routes, as ip prints them: equal text, same state.
export const routingFingerprint = async (run: Run): Promise<string> => {
  const outs = await Promise.all(
    [
      ['ip', '-4', '-j', 'rule'],
      ['ip', '-6', '-j', 'rule'],
      ['ip', '-4', '-j', 'route', 'show', 'table', TS_TABLE],
      ['ip', '-6', '-j', 'route', 'show', 'table', TS_TABLE],
    ].map((argv) =>
      run(argv, { timeoutMs: 5_000 }).then(
        (r) => r.stdout,
        (e: Error) => e.message,
      ),
    ),
  );
  return outs.join('\n');
};
