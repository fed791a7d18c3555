// Reads `apt-netguard policy show --json` on stdin; writes needrestart's conf.d file and the
// restart.d links for the protected units into DIR (used by debian/rules).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const units = Object.keys(JSON.parse(readFileSync(0, 'utf8')).units);
const re = (u) => u.replace(/\./g, '\\.');
writeFileSync(join(dir, 'apt-netguard.conf'), [
  '# apt-netguard: protected units are handed to /etc/needrestart/restart.d/<unit>, which records',
  '# the request during a dpkg run (apt-netguard restarts them itself, in order, afterwards).',
  '# override_rc = 1 per key, so needrestart selects them in every mode and reaches restart.d.',
  ...units.map((u) => `$nrconf{override_rc}{qr(^${re(u)}$)} = 1;`),
  '',
].join('\n'));
writeFileSync(join(dir, 'links'), units.map((u) => `usr/lib/apt-netguard/hooks/needrestart-restart etc/needrestart/restart.d/${u}\n`).join(''));
