// Pure: the host's facts to findings, the boot hazards raised when unattended-upgrades reboots by
// itself, errors first. Each check lives in checks/ with the incident it comes from.
import { aptTrue } from '../probes/aptconfig.js';
import { cmd } from './evidence.js';
import { SEVERITIES, type Facts, type Finding, type Severity } from './model.js';
import { hostChecks } from './checks/host.js';
import { networkdChecks } from './checks/networkd.js';
import { nftChecks } from './checks/nft.js';
import { packagingChecks } from './checks/packaging.js';
import { socketChecks } from './checks/sockets.js';

export const BOOT_HAZARDS = ['socket-on-tailscale-ip', 'socket-ordering-cycle', 'tailscaled-before-network-online'];
const raise = (s: Severity): Severity => (s === 'info' ? 'warn' : 'error');

export function runChecks(f: Facts): Finding[] {
  let found = [...networkdChecks(f), ...nftChecks(f), ...socketChecks(f), ...hostChecks(f), ...packagingChecks(f)];
  const hazards = found.filter((x) => BOOT_HAZARDS.includes(x.id));
  if (f.apt && aptTrue(f.apt, 'Unattended-Upgrade::Automatic-Reboot') && hazards.length) {
    found = found.map((x) => (BOOT_HAZARDS.includes(x.id) ? { ...x, severity: raise(x.severity) } : x));
    found.push({
      id: 'reboot-with-boot-hazards',
      severity: 'warn',
      title: `unattended-upgrades reboots by itself while ${hazards.length} boot hazard(s) exist`,
      evidence: [
        cmd('apt-config dump', 'Unattended-Upgrade::Automatic-Reboot "true";'),
        ...hazards.map((h) => cmd('apt-netguard doctor', `${h.id}: ${h.title}`)),
      ],
      why: 'After a kernel update the host reboots with nobody watching, and each boot hazard above bites then.',
      fix: {
        kind: 'admin',
        text: 'fix the boot hazards above (they are raised one severity), or set Unattended-Upgrade::Automatic-Reboot "false"',
      },
    });
  }
  const rank = (s: Severity) => SEVERITIES.indexOf(s);
  return found.sort((a, b) => rank(a.severity) - rank(b.severity));
}

// 0 with no error or warning, 1 otherwise (2, a usage error, is the command's).
export const exitOf = (fs: readonly Finding[]): number => (fs.some((x) => x.severity !== 'info') ? 1 : 0);
