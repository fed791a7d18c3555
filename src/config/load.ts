// Reads /etc/apt-netguard/config.yaml (fs only); a missing file is the defaults, a broken one too, with errors.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { untrusted } from '../fsutil.js';
import { formatProblem } from '../problems.js';
import { defaultConfig, type Config } from './model.js';
import { validateConfig } from './validate.js';

export interface LoadedConfig {
  config: Config;
  // One line each, file:line:col first; any error means the defaults apply in full.
  errors: string[];
  // Valid, but unsafe: a file holding credentials that users other than root can read.
  warnings: string[];
}

// Pure: does the config carry something secret? Webhook headers (a bearer token), a URL with
// userinfo or a query string, or alert-command arguments (--token ...).
export function holdsCredentials(c: Config): boolean {
  const url = c.alerts.webhook?.url ?? '';
  return (
    Object.keys(c.alerts.webhook?.headers ?? {}).length > 0 ||
    /^[a-z]+:\/\/[^/]*@|\?/.test(url) ||
    (c.alerts.command?.length ?? 0) > 1
  );
}

// `path` comes from the context (APT_NETGUARD_CONFIG, else /etc/apt-netguard/config.yaml); the
// environment's overrides are applied there too, after the file.
export function loadConfig(path: string): LoadedConfig {
  const out = (config: Config, errors: string[], warnings: string[] = []): LoadedConfig => ({
    config,
    errors,
    warnings,
  });
  if (!existsSync(path)) return out(defaultConfig(), []);
  // The alert command runs as root: a file others can write is refused like a policy file.
  const why = untrusted(path, process.getuid?.() ?? 0);
  if (why) return out(defaultConfig(), [`${path}: ${why}; using the defaults`]);
  const { config, errors } = validateConfig(path, readFileSync(path, 'utf8'));
  if (errors.length) return out(defaultConfig(), errors.map(formatProblem));
  const open = statSync(path).mode & 0o004;
  const warn =
    open && holdsCredentials(config) ? [`${path} holds credentials and any user can read it; chmod 640 ${path}`] : [];
  return out(config, [], warn);
}
