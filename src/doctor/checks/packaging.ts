// needrestart-restarts-protected, policy-rc-d-not-ours, apt-hooks-broken: the guard's own gates.
import { overrideFor } from '../../probes/needrestartconf.js';
import { lines, cmd } from '../evidence.js';
import type { Facts, Finding } from '../model.js';

const DUMP = 'apt-config dump';
const REINSTALL = ['apt-get', 'install', '--reinstall', '-o', 'Dpkg::Options::=--force-confmiss', 'apt-netguard'];

export function packagingChecks(f: Facts): Finding[] {
  const out: Finding[] = [];
  if (f.needrestart) {
    const nr = f.needrestart;
    const gone = f.protectedUnits.filter((u) => f.restartD.get(u) !== f.restartHook);
    const unpicked = f.protectedUnits.filter((u) => overrideFor(nr, u) !== '1');
    const ev = [
      cmd('perl: needrestart.conf as needrestart evals it', `restart = '${nr.mode}'`),
      ...gone.map((u) => cmd(`readlink ${nr.restartD}/${u}`, f.restartD.get(u) ?? '(missing)')),
      ...unpicked.map((u) =>
        cmd(
          'perl: needrestart.conf as needrestart evals it',
          `override_rc for ${u}: ${overrideFor(nr, u) ?? '(no key)'}`,
        ),
      ),
      ...(unpicked.length ? lines(f.needrestartFiles, /override_rc\}?\s*=\s*[{(]/) : []),
    ];
    if (gone.length || unpicked.length || nr.mode === 'a')
      out.push({
        id: 'needrestart-restarts-protected',
        severity: gone.length ? 'error' : unpicked.length ? 'warn' : 'info',
        title: gone.length
          ? `needrestart would restart ${gone.join(', ')} itself: the guard's restart.d entries are gone`
          : unpicked.length
            ? `an admin snippet replaced needrestart's override_rc: ${unpicked.join(', ')} lost the guard's key`
            : "needrestart restarts services by itself (mode 'a', Ubuntu's default); restart.d hands protected ones to the guard",
        evidence: ev,
        why:
          'needrestart restarting networkd itself after a library upgrade is the 2026-05-02 incident. The guard ' +
          'catches its restarts through restart.d/<unit> and selects the units with override_rc = 1 per key; ' +
          'a conf.d file that assigns the whole hash ($nrconf{override_rc} = {...}) wipes those keys.',
        fix: gone.length
          ? { kind: 'command', argv: REINSTALL }
          : unpicked.length
            ? {
                kind: 'admin',
                text: 'in your needrestart snippet, set keys one by one ($nrconf{override_rc}{qr(^x)} = 0;) instead of assigning the hash',
              }
            : { kind: 'admin', text: 'nothing to do while the restart.d entries stay in place' },
      });
  }
  if (f.policyRcD.target !== f.policyRcD.gate)
    out.push({
      id: 'policy-rc-d-not-ours',
      severity: 'error',
      title: "/usr/sbin/policy-rc.d is not the guard's gate",
      evidence: [cmd('readlink /usr/sbin/policy-rc.d', f.policyRcD.target ?? '(a file, not the gate)')],
      why:
        'Maintainer scripts ask policy-rc.d before restarting a service; without the gate, an upgrade restarts ' +
        "tailscaled and networkd at once, in dpkg's order, which is how the incidents began.",
      fix: {
        kind: 'admin',
        text:
          'to keep the new policy-rc.d working, move it to /usr/sbin/policy-rc.d.apt-netguard-orig (the gate asks ' +
          'it for every answer it does not give itself); then dpkg-reconfigure apt-netguard puts the gate back',
      },
    });
  if (f.apt) {
    const list = (k: string) => f.apt!.values.get(k) ?? [];
    const post = list('DPkg::Post-Invoke');
    const at = (re: RegExp) => post.findIndex((v) => re.test(v));
    const [pd, nr, pi] = [at(/run-hook post-dpkg/), at(/needrestart/), at(/run-hook post-invoke/)];
    const broken = [
      !list('DPkg::Pre-Install-Pkgs').some((v) => /apt-netguard\/hooks\/pre-install-pkgs/.test(v)) &&
        'no Pre-Install-Pkgs entry',
      pd < 0 && 'no Post-Invoke post-dpkg entry',
      pi < 0 && 'no Post-Invoke post-invoke entry',
      nr >= 0 && pd > nr && 'post-dpkg after needrestart',
      nr >= 0 && pi >= 0 && pi < nr && 'post-invoke before needrestart',
    ].filter((x): x is string => typeof x === 'string');
    if (broken.length)
      out.push({
        id: 'apt-hooks-broken',
        severity: 'error',
        title: `the guard's apt hooks are broken: ${broken.join('; ')}`,
        evidence: post.map((v, i) => cmd(DUMP, `DPkg::Post-Invoke[${i}] ${v}`)),
        why:
          'Without them apt runs dpkg unguarded: nothing is snapshot, held or restored. post-dpkg must run ' +
          "before needrestart's Post-Invoke (20apt-netguard) and post-invoke after it (99zz-apt-netguard).",
        fix: { kind: 'command', argv: REINSTALL },
      });
  }
  return out;
}
