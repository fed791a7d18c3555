// apt's merged configuration (`apt-config dump`): every file under apt.conf.d, in the order apt reads them.
import { readProbe, type Probe, type ProbeContext } from './types.js';
import type { Run } from '../exec.js';

export interface AptConfig {
  // `Key "v";` and each `Key:: "v";` of a list, in order; list keys without the trailing `::`.
  values: Map<string, string[]>;
}

// Lines look like `DPkg::Post-Invoke:: "test -x ... || true";`; a list's own `Key "";` line is not a value.
export function parseAptConfig(text: string): AptConfig {
  const values = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+?)(::)? "(.*)";$/.exec(line);
    if (!m) continue;
    const [, key, list, raw] = m;
    const v = raw!.replace(/\\(.)/g, '$1');
    const have = values.get(key!) ?? [];
    if (list) values.set(key!, [...have, v]);
    else if (!values.has(key!) || v !== '') values.set(key!, v === '' ? [] : [v]);
  }
  return { values };
}

// apt's booleans: true/yes/on/1 (apt-pkg's StringToBool), case-insensitive.
export const aptTrue = (c: AptConfig, key: string): boolean =>
  /^(true|yes|on|1|enable|with)$/i.test(c.values.get(key)?.at(-1) ?? '');

export const aptConfig: Probe<AptConfig> = {
  name: 'apt configuration',
  commands: () => [{ argv: ['apt-config', 'dump'] }],
  parse: ([text]) => parseAptConfig(text ?? ''),
};
export const readAptConfig = (run: Run, ctx: ProbeContext) => readProbe(aptConfig, run, ctx);
