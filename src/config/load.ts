// Reads /etc/apt-netguard/config.yaml (fs only); a missing file is the defaults, a broken one too, with errors.
import { existsSync, readFileSync } from 'node:fs';
import { untrusted } from '../fsutil.js';
import { formatProblem } from '../problems.js';
import { defaultConfig, type Config } from './model.js';
import { validateConfig } from './validate.js';

export interface LoadedConfig {
  config: Config;
  // One line each, file:line:col first; any error means the defaults apply in full.
  errors: string[];
}

// `path` comes from the context (APT_NETGUARD_CONFIG, else /etc/apt-netguard/config.yaml); the
// environment's overrides are applied there too, after the file.
export function loadConfig(path: string): LoadedConfig {
  const out = (config: Config, errors: string[]): LoadedConfig => ({ config, errors });
  if (!existsSync(path)) return out(defaultConfig(), []);
  // The alert command runs as root: a file others can write is refused like a policy file.
  const why = untrusted(path, process.getuid?.() ?? 0);
  if (why) return out(defaultConfig(), [`${path}: ${why}; using the defaults`]);
  const { config, errors } = validateConfig(path, readFileSync(path, 'utf8'));
  return errors.length ? out(defaultConfig(), errors.map(formatProblem)) : out(config, []);
}
