// apt's DPkg::Pre-Install-Pkgs version-3 stream (apt.conf(5); apt-pkg/deb/dpkgpm.cc SendPkgsInfo).
import { InputError } from '../errors.js';

export type PkgAction = 'install' | 'configure' | 'remove';

export interface PkgChange {
  name: string;
  // null when the package is not installed before (or not after): apt writes `- - none`.
  oldVersion: string | null;
  newVersion: string | null;
  arch: string;
  // `<` upgrade, `>` downgrade or removal, `=` reinstall/configure: apt's own comparison.
  direction: '<' | '>' | '=';
  action: PkgAction;
  // The .deb apt hands to dpkg, for install lines.
  debPath: string | null;
}

export interface HookInfo {
  version: number;
  // apt's configuration as it sent it: %-decoded; list items (key::=value) collected in order.
  config: Map<string, string[]>;
  packages: PkgChange[];
}

const LINE_RE = /^(\S+) (\S+) (\S+) (\S+) ([<>=]) (\S+) (\S+) (\S+) (.+)$/;

// Parses the whole stream; throws InputError with the line number on anything it cannot read.
export function parseHookInfo(text: string): HookInfo {
  const lines = text.split('\n');
  const head = /^VERSION (\d+)$/.exec(lines[0] ?? '');
  if (!head) throw new InputError(`line 1: expected "VERSION 3", got ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
  const version = Number(head[1]);
  if (version !== 3) throw new InputError(`line 1: stream version ${version}; apt-netguard asks for version 3`);
  const config = new Map<string, string[]>();
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]!;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError(`line ${i + 1}: expected key=value in the configuration part`);
    const list = line[eq - 1] === ':' && line[eq - 2] === ':';
    const key = line.slice(0, list ? eq - 2 : eq);
    const value = decode(line.slice(eq + 1));
    config.set(key, list ? [...(config.get(key) ?? []), value] : [value]);
  }
  const packages: PkgChange[] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const m = LINE_RE.exec(line);
    if (!m) throw new InputError(`line ${i + 1}: not a package line: ${JSON.stringify(line.slice(0, 80))}`);
    packages.push(changeOf(m));
  }
  return { version, config, packages };
}

function changeOf(m: RegExpExecArray): PkgChange {
  const [, name, oldV, oldArch, , direction, newV, newArch, , action] = m as unknown as string[];
  const kind: PkgAction = action === '**REMOVE**' ? 'remove' : action === '**CONFIGURE**' ? 'configure' : 'install';
  return {
    name: name!,
    oldVersion: oldV === '-' ? null : oldV!,
    newVersion: newV === '-' ? null : newV!,
    arch: newArch === '-' ? oldArch! : newArch!,
    direction: direction as PkgChange['direction'],
    action: kind,
    debPath: kind === 'install' ? action! : null,
  };
}

// One value of apt's configuration as the stream sent it. apt's keys are case-insensitive.
export function configValue(info: HookInfo, key: string): string | undefined {
  const want = key.toLowerCase();
  for (const [k, v] of info.config) if (k.toLowerCase() === want) return v.at(-1);
  return undefined;
}

// Values are %-encoded by apt (QuoteString with "=\n\r" plus space and %); a stray % stays as is.
function decode(v: string): string {
  if (!v.includes('%')) return v;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

// One entry per package: the install and configure lines of one package describe one change.
export function changesByPackage(info: HookInfo): PkgChange[] {
  const seen = new Map<string, PkgChange>();
  for (const p of info.packages) {
    const key = `${p.name}:${p.arch}`;
    const prev = seen.get(key);
    if (!prev || prev.action === 'configure') seen.set(key, p);
  }
  return [...seen.values()];
}
