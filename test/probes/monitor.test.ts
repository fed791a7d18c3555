// `ip -o monitor` lines: which are events on Tailscale's routing (ip rules, table 52).
import { describe, expect, it } from 'vitest';
import { routingEvents } from '../../src/probes/monitor.js';

describe('routingEvents: which monitor lines count', () => {
  it.each([
    ['5270:\tfrom all lookup 52', 1],
    ['Deleted 5210:\tfrom all fwmark 0x80000/0xff0000 lookup main', 1],
    ['Deleted throw 10.10.10.0/24 table 52 ', 1],
    ['default dev tailscale0 table 52 metric 1024 pref medium', 1],
    ['10.1.0.0/16 dev lan0 proto kernel scope link src 10.1.0.1', 0],
    ['local 10.10.10.1 dev lan0 table local proto kernel scope host src 10.10.10.1', 0],
  ])('%s -> %i', (line, n) => expect(routingEvents(line)).toHaveLength(n));
});
