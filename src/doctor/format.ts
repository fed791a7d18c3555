// Pure: doctor's findings as the admin reads them, grouped by severity, each with its fix.
import { SEVERITIES, type Finding, type Fix } from './model.js';
import type { FixPlan } from './fix.js';

const WIDTH = 100;
function wrap(text: string, indent: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (line && indent.length + line.length + 1 + w.length > WIDTH) {
      out.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) out.push(indent + line);
  return out;
}

export function fixLines(fix: Fix, indent: string): string[] {
  if (fix.kind === 'command') return [`${indent}run: ${fix.argv.join(' ')}`];
  if (fix.kind === 'admin') return wrap(fix.text, indent);
  const body = fix.content.split('\n').filter((l) => l && !l.startsWith('#'));
  return [`${indent}drop-in ${fix.path} (doctor --fix writes it):`, ...body.map((l) => `${indent}  ${l}`)];
}

export function formatFindings(fs: readonly Finding[], blind: readonly string[]): string {
  const count = (s: string) => fs.filter((f) => f.severity === s).length;
  const out = [
    `apt-netguard doctor: ${count('error')} error(s), ${count('warn')} warning(s), ${count('info')} note(s)`,
  ];
  for (const sev of SEVERITIES) {
    const group = fs.filter((f) => f.severity === sev);
    if (!group.length) continue;
    out.push('', sev.toUpperCase());
    for (const f of group) {
      out.push(`  ${f.id}: ${f.title}`);
      for (const e of f.evidence)
        out.push(`    evidence: ${e.line === null ? `${e.file}:` : `${e.file}:${e.line}:`} ${e.text}`);
      out.push(...wrap(`why: ${f.why}`, '    '), '    fix:', ...fixLines(f.fix, '      '));
    }
  }
  if (blind.length) out.push('', 'NOT SEEN (these checks could not run):', ...blind.map((b) => `  ${b}`));
  return `${out.join('\n')}\n`;
}

export function formatFixes(plan: FixPlan, dryRun: boolean): string {
  const out: string[] = [];
  for (const w of plan.write)
    out.push(
      `${dryRun ? 'would write' : 'wrote'} ${w.path} (${w.id}):`,
      ...w.content
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  for (const p of plan.present) out.push(`already there: ${p}`);
  if (!plan.write.length && !plan.present.length) out.push('no drop-in to write');
  if (plan.write.length && !dryRun) out.push('ran: systemctl daemon-reload (nothing was restarted)');
  if (plan.admin.length) {
    out.push('', 'still needs the admin:');
    for (const f of plan.admin) out.push(`  ${f.id}: ${f.title}`, ...fixLines(f.fix, '    '));
  }
  return `${out.join('\n')}\n`;
}
