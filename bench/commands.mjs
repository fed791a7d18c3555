// The processes a snapshot runs in a namespace (no systemd, networkd or tailscale there), as it runs
// them: the ip rule and route dumps of each family share one `ip -batch` (src/ipbatch.ts).
export const PROBE_COMMANDS = [
  { argv: ['nft', '-j', 'list', 'ruleset'] },
  { argv: ['ss', '-H', '-l', '-n', '-t', '-u', '-p'] },
  { argv: ['ip', '-4', '-j', '-batch', '-'], input: 'rule show\nroute show table all\n' },
  { argv: ['ip', '-6', '-j', '-batch', '-'], input: 'rule show\nroute show table all\n' },
  { argv: ['ip', '-d', '-j', 'addr', 'show'] },
];
export const describe = (c) =>
  `${c.argv.join(' ')}${c.input ? ` <<< ${JSON.stringify(c.input.trim().split('\n').join('; '))}` : ''}`;
