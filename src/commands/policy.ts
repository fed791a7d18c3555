// `apt-netguard policy check|show`: validate the policy files, or print the merged result.
import { out } from '../stdout.js';
import { InputError, UsageError } from '../errors.js';
import { loadPolicy } from '../policy/load.js';
import type { Policy } from '../policy/model.js';
import { COMMON, POLICY_FLAGS, parse, settingsOf } from './options.js';

export const help = `Usage: apt-netguard policy check | show [--json]

  check   validate every policy file (shipped, then /etc/apt-netguard/policies.d/*.yaml in sorted
          order): syntax, values, ownership (root, not group/other-writable), ordering cycles.
          Prints each problem as file:line:col: message (hint: ...). Exit 2 on any.
  show    the merged effective policy, each value with the file:line:col it came from.

Options:
  --json              machine-readable output
  --policy-dir DIR    admin policy dir (default $APT_NETGUARD_POLICIES_D or /etc/apt-netguard/policies.d)
`;

export async function policyCommand(args: string[]): Promise<number> {
  const { values: v, positionals } = parse(args, { ...COMMON, ...POLICY_FLAGS });
  if (v.help) return (out(help), 0);
  const [sub, ...extra] = positionals;
  if ((sub !== 'check' && sub !== 'show') || extra.length)
    throw new UsageError("policy wants 'check' or 'show'; see 'apt-netguard policy --help'");
  const loaded = loadPolicy(settingsOf(v).policyDirs);
  if (sub === 'show') {
    for (const e of loaded.errors) process.stderr.write(`apt-netguard: policy: ${e}\n`);
    out(
      v.json
        ? `${JSON.stringify({ ...loaded.policy, fellBack: loaded.fellBack })}\n`
        : formatPolicy(loaded.policy, loaded.fellBack),
    );
    return 0;
  }
  const { errors, warnings } = loaded;
  if (v.json) out(`${JSON.stringify({ ok: !errors.length, errors, warnings, files: loaded.policy.sources })}\n`);
  else for (const w of loaded.warnings) out(`warning: ${w}\n`);
  if (loaded.errors.length) {
    if (!v.json) for (const e of loaded.errors) out(`${e}\n`);
    throw new InputError(`${loaded.errors.length} policy problem(s); hooks use the shipped defaults until fixed`);
  }
  if (!v.json) out(`ok: ${loaded.policy.sources.length} file(s): ${loaded.policy.sources.join(', ')}\n`);
  return 0;
}

function formatPolicy(p: Policy, fellBack: boolean): string {
  const out: string[] = [];
  if (fellBack) out.push('# admin files have errors: these are the shipped defaults alone');
  out.push('units:');
  for (const u of Object.values(p.units)) {
    out.push(`  ${u.unit}:`);
    const fields: [string, unknown][] = [
      ['package', u.package],
      ['default', u.default],
      ['action', u.action],
      ['settle', u.settle],
      ['refuse-stop', u.refuseStop],
      ['after', `[${u.after.join(', ')}]`],
    ];
    for (const [k, val] of fields)
      out.push(`    ${k}: ${String(val)}`.padEnd(48) + `# ${u.from[k] ?? 'built-in default'}`);
  }
  out.push('packages:');
  for (const r of p.rules) {
    out.push(`  - name: ${r.name}`.padEnd(48) + `# ${r.from}`);
    out.push(
      `    match: [${r.match.join(', ')}]${r.version ? `  version: ${r.version}` : ''}  on: [${r.on.join(', ')}]`,
    );
    out.push(
      `    units: {${Object.entries(r.units)
        .map(([u, m]) => `${u}: ${m}`)
        .join(', ')}}`,
    );
    out.push(`    reason: ${r.reason}`);
  }
  return `${out.join('\n')}\n`;
}
