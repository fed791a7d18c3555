// What the e2e runner reads around every scenario, the same for all: table 52's throw route, rule
// 5270, the nft iif/oif values, the protected units' InvocationIDs, and the guard's last restore.
// From two readings it tells what restarted and who restarted it, and prints one table per suite.
const UNITS = { networkd: 'systemd-networkd.service', tailscaled: 'tailscaled.service', nft: 'lab-firewall.service' };

export function observe(c) {
  const sh = (...argv) => c.sh(...argv).stdout ?? '';
  const inv = Object.fromEntries(
    Object.entries(UNITS).map(([k, u]) => [k, sh('systemctl', 'show', '-p', 'InvocationID', '--value', u).trim()]),
  );
  let iif = '?';
  try {
    iif = [
      ...new Set(
        JSON.parse(sh('nft', '-j', 'list', 'ruleset'))
          .nftables.flatMap((x) => x.rule?.expr ?? [])
          .filter((e) => ['iif', 'oif'].includes(e.match?.left?.meta?.key))
          .map((e) => String(e.match.right)),
      ),
    ].join(',');
  } catch {
    // no nft ruleset readable: shown as '?'
  }
  let restore = null;
  try {
    restore = JSON.parse(sh('apt-netguard', 'status', '--json')).restore ?? null;
  } catch {
    // not installed (before install, after purge)
  }
  return {
    throw: sh('ip', 'route', 'show', 'table', '52').includes('throw 10.10.10.0/24'),
    r5270: /^5270:/m.test(sh('ip', 'rule')),
    iif,
    inv,
    restore: restore && { id: restore.id, steps: restore.steps.map((s) => `${s.id}=${s.status}`) },
  };
}

// "networkd (guard)": restarted, and by the guard's own restore of this scenario; "(other)": not in
// a restore record status could read after it: someone else (the package's own restart, the
// scenario itself, a fault), or a record status cannot see (a read-only state dir, a purge).
export function restarted(a, b) {
  const fresh = b.restore && b.restore.id !== a.restore?.id ? b.restore.steps : [];
  return Object.entries(UNITS)
    .filter(([k]) => a.inv[k] && b.inv[k] && a.inv[k] !== b.inv[k])
    .map(
      ([k, u]) =>
        `${k} (${fresh.some((s) => s.startsWith(`restart ${u}=done`) || s.startsWith(`reload ${u}=done`)) ? 'guard' : 'other'})`,
    );
}

const yes = (v) => (v === null ? '-' : v ? 'yes' : 'NO');
export function table({ suite, rows, s }) {
  const lines = [
    `### ${suite} (${s.toFixed(0)} s)`,
    '',
    '| # | scenario | result | apt | restarted (by) | throw 52 before→after | rule 5270 before→after | nft iif/oif | time | what it showed |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  rows.forEach((r, i) =>
    lines.push(
      `| ${i + 1} | ${r.name} | ${r.result} | ${r.apt ?? '-'} | ${r.restarted.join(', ') || 'none'} | ` +
        `${yes(r.before.throw)}→${yes(r.after.throw)} | ${yes(r.before.r5270)}→${yes(r.after.r5270)} | ` +
        `${r.after.iif} | ${r.s.toFixed(1)} s | ${r.detail} |`,
    ),
  );
  return lines.join('\n');
}
