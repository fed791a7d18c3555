// `systemctl cat` and `systemd-analyze cat-config`: the files systemd merges, each after a `# /path`
// header, in the order systemd reads them (so the last assignment of a key wins).
import { readProbe, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface ConfFile {
  path: string;
  lines: string[];
}
export interface CatConfig {
  files: ConfFile[];
}
export interface Setting {
  file: string;
  // 1-based, in that file.
  line: number;
  value: string;
}

// A header is `# /abs/path` at the start or after a blank line; a comment of the same shape in the
// middle of a file is not one.
export function parseCat(text: string): CatConfig {
  const files: ConfFile[] = [];
  let prevBlank = true;
  for (const line of text.split('\n')) {
    const h = /^# (\/\S+)$/.exec(line);
    if (h && prevBlank) files.push({ path: h[1]!, lines: [] });
    else files.at(-1)?.lines.push(line);
    prevBlank = line.trim() === '';
  }
  // The blank line systemctl prints between files is not part of the file before it.
  for (const f of files) while (f.lines.length && f.lines.at(-1)!.trim() === '') f.lines.pop();
  return { files };
}

// Every assignment of section.key in the given files (all when `paths` is absent), in read order.
export function settings(c: CatConfig, section: string, key: string, paths?: readonly string[]): Setting[] {
  const out: Setting[] = [];
  for (const f of c.files) {
    if (paths && !paths.includes(f.path)) continue;
    let sect = '';
    f.lines.forEach((raw, i) => {
      const line = raw.trim();
      const s = /^\[(.+)\]$/.exec(line);
      if (s) return void (sect = s[1]!);
      const eq = line.indexOf('=');
      if (sect !== section || line.startsWith('#') || line.startsWith(';') || eq < 0) return;
      if (line.slice(0, eq).trim() === key) out.push({ file: f.path, line: i + 1, value: line.slice(eq + 1).trim() });
    });
  }
  return out;
}

// The files' lines matching re, as file:line evidence.
export function grep(c: CatConfig, re: RegExp): Setting[] {
  return c.files.flatMap((f) =>
    f.lines.flatMap((l, i) => (re.test(l) ? [{ file: f.path, line: i + 1, value: l.trim() }] : [])),
  );
}

export const networkdConf: Probe<CatConfig> = {
  name: 'networkd.conf',
  commands: () => [{ argv: ['systemd-analyze', 'cat-config', 'systemd/networkd.conf'] }],
  parse: ([text]) => parseCat(text ?? ''),
};
export const unitFiles: Probe<CatConfig> = {
  name: 'unit files',
  commands: (ctx) => [{ argv: ['systemctl', 'cat', '--', ...ctx.units] }],
  parse: ([text]) => parseCat(text ?? ''),
};
export const readNetworkdConf = (run: Run, ctx: ProbeContext) => readProbe(networkdConf, run, ctx);
export const readUnitFiles = (run: Run, ctx: ProbeContext) => readProbe(unitFiles, run, ctx);
