// Bundles src/main.ts into one ESM file for Node 18.19+: hook start-up time is dominated by module loading.
import { build } from 'esbuild';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = new URL('../dist/apt-netguard.mjs', import.meta.url).pathname;

const result = await build({
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
  metafile: true,
});
chmodSync(outfile, 0o755);

// Every npm package the bundle holds, with its license text: the .deb ships this file.
const pkgs = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (!m) continue;
  const dir = input.slice(0, m.index + m[0].length - 1);
  if (!pkgs.has(dir)) pkgs.set(dir, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')));
}
const notices = [...pkgs.entries()].sort(([, a], [, b]) => a.name.localeCompare(b.name)).map(([dir, p]) => {
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  return `${p.name} ${p.version} (${p.license ?? 'see text'})\n\n${file ? readFileSync(join(dir, file), 'utf8').trim() : '(no license file in the package)'}\n`;
});
writeFileSync(join(dirname(outfile), 'THIRD-PARTY-LICENSES.txt'), `Packages bundled into apt-netguard.mjs\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`);
if (!existsSync(outfile)) throw new Error('no bundle written');
