// `apt-netguard plan`: what the guard would decide for a Pre-Install-Pkgs stream; touches nothing.
import { out } from '../stdout.js';
import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { changesByPackage, parseHookInfo } from '../apt/hookinfo.js';
import { decide, type PlanDecisions } from '../policy/decide.js';
import { COMMON, POLICY_FLAGS, parse, settingsOf } from './options.js';
import { loadPolicy } from '../policy/load.js';

export const help = `Usage: apt-netguard plan [--json] < STREAM

Reads an apt DPkg::Pre-Install-Pkgs version-3 stream on standard input, exactly as apt sends it,
and prints the decision for each protected unit (allow, guarded, defer, veto), the rule behind it,
and the order the guard would restart guarded units in. Nothing is armed or restarted.

Options:
  --json              {"decisions":[{"unit","action","step","rule","reason","packages"}],"order":[...],
                       "deferred":[...],"unmatched":[...]}
  --policy-dir DIR    admin policy dir (default $APT_NETGUARD_POLICIES_D or /etc/apt-netguard/policies.d)

Policy errors are printed on stderr; the shipped defaults then apply, as they would in a hook.
`;

export async function planCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, { ...COMMON, ...POLICY_FLAGS });
  if (v.help) return (out(help), 0);
  if (positionals.length) throw new UsageError('plan reads the stream on stdin and takes no arguments');
  const loaded = loadPolicy(settingsOf(v).policyDirs);
  for (const e of loaded.errors) process.stderr.write(`apt-netguard: policy: ${e}\n`);
  if (loaded.fellBack) process.stderr.write('apt-netguard: policy: using the shipped defaults only\n');
  const plan = decide(loaded.policy, changesByPackage(parseHookInfo(readFileSync(0, 'utf8'))));
  out(v.json ? `${JSON.stringify(plan)}\n` : formatPlan(plan));
  return 0;
}

export function formatPlan(p: PlanDecisions): string {
  const lines = p.decisions.map(
    (d) => `${d.unit}: ${d.action} (${d.step}) by rule ${d.rule} for ${d.packages.join(', ')}: ${d.reason}`,
  );
  if (!p.decisions.length) lines.push('no protected unit is concerned');
  if (p.order.length) lines.push(`order after dpkg: ${p.order.join(' -> ')}`);
  if (p.deferred.length) lines.push(`deferred: ${p.deferred.join(' -> ')}`);
  if (p.unmatched.length) lines.push(`no rule for: ${p.unmatched.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
