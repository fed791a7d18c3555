// The commands the probes run in a namespace (no systemd, networkd or tailscale there).
export const PROBE_COMMANDS = [
  ['nft', '-j', 'list', 'ruleset'], ['ip', '-4', '-j', 'route', 'show', 'table', 'all'], ['ip', '-6', '-j', 'route', 'show', 'table', 'all'],
  ['ip', '-d', '-j', 'addr', 'show'], ['ip', '-4', '-j', 'rule', 'show'], ['ip', '-6', '-j', 'rule', 'show'], ['ss', '-H', '-l', '-n', '-t', '-u', '-p'],
];
