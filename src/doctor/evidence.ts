// Pure helpers the checks share: file:line evidence, Tailscale address ranges, drop-in texts.
import { DROPIN_NAME, TAILNET4, TAILNET6, type Evidence, type Facts, type Fix } from './model.js';
import { grep, settings, type CatConfig } from '../probes/catconfig.js';
import type { UnitConf } from '../probes/unitconf.js';

export const cmd = (command: string, text: string): Evidence => ({ file: command, line: null, text });

// The unit's own files (fragment, then drop-ins) as systemctl cat printed them.
const filesOf = (u: UnitConf) => [u.fragmentPath, ...u.dropInPaths].filter(Boolean);

// Where a unit sets section.key, as evidence; falls back to what systemctl show says.
export function unitSetting(f: Facts, u: UnitConf, section: string, keys: string[], shown: string): Evidence[] {
  const text = f.unitText;
  const found = text ? keys.flatMap((k) => settings(text, section, k, filesOf(u))) : [];
  if (text && found.length) return found.map((s) => ({ file: s.file, line: s.line, text: keyAt(text, s) }));
  return [cmd(`systemctl show ${u.id}`, shown)];
}
const keyAt = (c: CatConfig, s: { file: string; line: number }) =>
  c.files.find((x) => x.path === s.file)?.lines[s.line - 1]?.trim() ?? '';

export const lines = (c: CatConfig, re: RegExp): Evidence[] =>
  grep(c, re).map((s) => ({ file: s.file, line: s.line, text: s.value }));

// `100.64.0.1:22`, `[fd7a:115c:a1e0::1]:22`, `100.64.0.1` -> the host part, or null for a path or a port.
export function hostOf(address: string): string | null {
  const v6 = /^\[([^\]]+)\]/.exec(address);
  if (v6) return v6[1]!.split('%')[0]!;
  const m = /^(\d+\.\d+\.\d+\.\d+)(:\d+)?$/.exec(address);
  return m ? m[1]! : null;
}
// Inside 100.64.0.0/10 (CGNAT, Tailscale's IPv4 range) or fd7a:115c:a1e0::/48 (its IPv6 prefix).
export function onTailnet(host: string): boolean {
  const q = host.split('.').map(Number);
  if (q.length === 4) return q[0] === 100 && q[1]! >= 64 && q[1]! <= 127;
  return host.toLowerCase().startsWith('fd7a:115c:a1e0:');
}
export const TAILNET = `${TAILNET4} or ${TAILNET6}`;

// A drop-in doctor --fix writes: its header names apt-netguard, the finding, and how to undo it.
export function dropIn(dir: string, id: string, body: string, reload: string): Fix {
  const path = `${dir}/${DROPIN_NAME.replace('doctor', `doctor-${id}`)}`;
  const content =
    `# Written by apt-netguard doctor --fix for the finding ${id} (man apt-netguard, DOCTOR).\n` +
    `# To undo: rm ${path} && ${reload}\n${body}`;
  return { kind: 'drop-in', path, content };
}
