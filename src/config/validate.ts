// Pure: config.yaml text to a Config (defaults for whatever is absent or wrong) plus file:line:col problems.
import { isMap, isScalar, isSeq } from 'yaml';
import { suggest, yamlFile, type Problem } from '../problems.js';
import { defaultConfig, type Config } from './model.js';

type Field =
  { kind: 'bool' } | { kind: 'seconds'; min: number; max: number } | { kind: 'int'; min: number; max: number };
const RESTORE: Record<string, [keyof Config['restore'], Field]> = {
  auto: ['auto', { kind: 'bool' }],
  'settle-timeout': ['settleTimeoutMs', { kind: 'seconds', min: 0, max: 600 }],
  quiet: ['quietMs', { kind: 'seconds', min: 0, max: 60 }],
  'step-timeout': ['stepTimeoutMs', { kind: 'seconds', min: 1, max: 600 }],
  retries: ['retries', { kind: 'int', min: 0, max: 5 }],
  'max-per-hour': ['maxPerHour', { kind: 'int', min: 1, max: 60 }],
};

const WATCH: Record<string, [keyof Config['watch'], Field]> = {
  'max-per-hour': ['maxPerHour', { kind: 'int', min: 1, max: 60 }],
  'reconnect-after': ['reconnectAfterMs', { kind: 'seconds', min: 10, max: 3600 }],
  heartbeat: ['heartbeatMs', { kind: 'seconds', min: 5, max: 3600 }],
};
const WATCH_MODES = ['act', 'report', 'off'] as const;

export function validateConfig(file: string, text: string): { config: Config; errors: Problem[] } {
  const { doc, errors, at } = yamlFile(file, text);
  const config = defaultConfig();
  if (errors.length || doc.contents === null) return { config, errors };
  const value = (node: unknown, f: Field, what: string): boolean | number | undefined => {
    const v = isScalar(node) ? node.value : undefined;
    if (f.kind === 'bool') return typeof v === 'boolean' ? v : void at(node, `${what} must be true or false`);
    if (typeof v !== 'number' || v < f.min || v > f.max || (f.kind === 'int' && !Number.isInteger(v))) {
      return void at(
        node,
        `${what} must be a ${f.kind === 'int' ? 'whole number' : 'number of seconds'} from ${f.min} to ${f.max}`,
      );
    }
    return f.kind === 'seconds' ? Math.round(v * 1000) : v;
  };
  const each = (map: unknown, what: string, known: string[], fn: (k: string, v: unknown) => void) => {
    // A section whose settings are all commented out is empty, not wrong.
    if (map === null || (isScalar(map) && map.value === null)) return;
    if (!isMap(map)) return at(map, `${what}: expected a mapping`, `keys: ${known.join(', ')}`);
    for (const p of map.items) {
      const k = isScalar(p.key) ? String(p.key.value) : '';
      if (known.includes(k)) fn(k, p.value);
      else at(p.key, `${what}: unknown setting '${k}'`, `known: ${known.join(', ')}${suggest(k, known)}`);
    }
  };
  each(doc.contents, 'config.yaml', ['strict', 'restore', 'watch', 'doctor', 'metrics', 'alerts'], (k, v) => {
    if (k === 'metrics')
      each(v, 'metrics', ['textfile-dir'], (_mk, mv) => {
        const dir = isScalar(mv) && typeof mv.value === 'string' ? mv.value : '';
        if (dir.startsWith('/')) config.metrics.textfileDir = dir;
        else at(mv, 'metrics.textfile-dir must be an absolute path', 'e.g. /var/lib/prometheus/node-exporter');
      });
    if (k === 'doctor')
      each(v, 'doctor', ['owed-days'], (_dk, dv) => {
        const got = value(dv, { kind: 'int', min: 1, max: 365 }, 'doctor.owed-days');
        if (typeof got === 'number') config.doctor.owedDays = got;
      });
    if (k === 'watch')
      each(v, 'watch', ['mode', ...Object.keys(WATCH)], (wk, wv) => {
        if (wk === 'mode') {
          const m = isScalar(wv) ? String(wv.value) : '';
          const mode = WATCH_MODES.find((x) => x === m);
          if (mode) config.watch.mode = mode;
          else
            at(
              wv,
              `watch.mode must be one of ${WATCH_MODES.join(', ')}`,
              suggest(m, [...WATCH_MODES]).replace(/^; /, ''),
            );
          return;
        }
        const [field, f] = WATCH[wk]!;
        const got = value(wv, f, `watch.${wk}`);
        if (typeof got === 'number') config.watch[field as 'maxPerHour' | 'reconnectAfterMs' | 'heartbeatMs'] = got;
      });
    if (k === 'strict') {
      const b = value(v, { kind: 'bool' }, 'strict');
      if (typeof b === 'boolean') config.strict = b;
    }
    if (k === 'restore')
      each(v, 'restore', Object.keys(RESTORE), (rk, rv) => {
        const [field, f] = RESTORE[rk]!;
        const got = value(rv, f, `restore.${rk}`);
        if (got !== undefined) (config.restore as Record<string, unknown>)[field] = got;
      });
    if (k === 'alerts')
      each(v, 'alerts', ['on-success', 'webhook', 'command'], (ak, av) => {
        if (ak === 'on-success') {
          const b = value(av, { kind: 'bool' }, 'alerts.on-success');
          if (typeof b === 'boolean') config.alerts.onSuccess = b;
        }
        if (ak === 'command') {
          const argv = isSeq(av)
            ? av.items.map((x) => (isScalar(x) && typeof x.value === 'string' ? x.value : ''))
            : [];
          if (argv.length && argv.every(Boolean) && argv[0]!.startsWith('/')) config.alerts.command = argv;
          else
            at(
              av,
              'alerts.command must be a list: an absolute program path, then its arguments',
              'e.g. command: [/usr/local/bin/notify, --to, ops]; no shell is used',
            );
        }
        if (ak === 'webhook') {
          const hook = { url: '', timeoutMs: 5_000, headers: {} as Record<string, string> };
          each(av, 'alerts.webhook', ['url', 'timeout', 'headers'], (wk, wv) => {
            if (wk === 'url') {
              const s = isScalar(wv) ? String(wv.value) : '';
              if (/^https?:\/\/[^\s]+$/.test(s)) hook.url = s;
              else at(wv, 'alerts.webhook.url must be an http:// or https:// URL');
            }
            if (wk === 'timeout') {
              const n = value(wv, { kind: 'seconds', min: 0.1, max: 60 }, 'alerts.webhook.timeout');
              if (typeof n === 'number') hook.timeoutMs = n;
            }
            if (wk === 'headers' && !isMap(wv))
              at(wv, 'alerts.webhook.headers: expected a mapping of header name to value');
            if (wk === 'headers' && isMap(wv)) {
              for (const p of wv.items)
                if (isScalar(p.key) && isScalar(p.value)) hook.headers[String(p.key.value)] = String(p.value.value);
            }
          });
          if (hook.url) config.alerts.webhook = hook;
          else if (isMap(av)) at(av, 'alerts.webhook: url is missing');
        }
      });
  });
  return { config, errors };
}
