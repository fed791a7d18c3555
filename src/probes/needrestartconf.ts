// needrestart's configuration as needrestart itself evaluates it: needrestart.conf is Perl, and it
// evals conf.d/*.conf in order, so an admin's snippet can reassign what ours set. perl does the
// same here, from needrestart's own defaults (needrestart 3.6 and 3.11: restart 'i', restart.d).
import { readProbe, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface NeedrestartConf {
  mode: string;
  restartD: string;
  // override_rc as needrestart sorts it (Perl's string sort): the first key that matches a unit wins.
  overrideRc: { pattern: string; value: string }[];
}

const SCRIPT = `our %nrconf = (restart => 'i', restart_d => '/etc/needrestart/restart.d', override_rc => {});
eval do { local(@ARGV, $/) = '/etc/needrestart/needrestart.conf'; <> }; die $@ if $@;
print "restart\\t$nrconf{restart}\\nrestart_d\\t$nrconf{restart_d}\\n";
print "override_rc\\t$_\\t$nrconf{override_rc}{$_}\\n" for sort keys %{$nrconf{override_rc}};`;

export function parseNeedrestart(text: string): NeedrestartConf {
  const c: NeedrestartConf = { mode: 'i', restartD: '/etc/needrestart/restart.d', overrideRc: [] };
  for (const line of text.split('\n')) {
    const [k, a, b] = line.split('\t');
    if (k === 'restart' && a) c.mode = a;
    if (k === 'restart_d' && a) c.restartD = a;
    if (k === 'override_rc' && a !== undefined) c.overrideRc.push({ pattern: a, value: b ?? '' });
  }
  return c;
}

// Perl's `(?^:^tailscaled\\.service$)` as a JS RegExp; null for one JS cannot read.
export function perlRegex(p: string): RegExp | null {
  const m = /^\(\?\^(\w*):([\s\S]*)\)$/.exec(p);
  try {
    return m ? new RegExp(m[2]!, m[1]!.includes('i') ? 'i' : '') : new RegExp(p);
  } catch {
    return null;
  }
}

// needrestart's choice for a unit: the value of the first override_rc key that matches it, else null.
export function overrideFor(c: NeedrestartConf, unit: string): string | null {
  return c.overrideRc.find((o) => perlRegex(o.pattern)?.test(unit))?.value ?? null;
}

export const needrestartConf: Probe<NeedrestartConf> = {
  name: 'needrestart configuration',
  requires: () => ({ path: '/etc/needrestart/needrestart.conf', otherwise: 'needrestart is not installed' }),
  commands: () => [{ argv: ['perl', '-e', SCRIPT] }],
  parse: ([text]) => parseNeedrestart(text ?? ''),
};
export const readNeedrestartConf = (run: Run, ctx: ProbeContext) => readProbe(needrestartConf, run, ctx);
