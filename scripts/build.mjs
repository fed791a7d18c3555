// Bundles src/main.ts into one ESM file for Node 18.19+: hook start-up time is dominated by module loading.
import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = new URL('../dist/apt-netguard.mjs', import.meta.url).pathname;

await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node18.19',
  format: 'esm',
  minify: true,
  legalComments: 'linked',
  define: { 'process.env.APT_NETGUARD_BUILD_VERSION': JSON.stringify(pkg.version) },
  // CommonJS deps (proper-lockfile, pino) call require(); give the ESM bundle one.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
