// Bundles src/main.ts into one ESM file for Node 18.19+: hook start-up time is dominated by module loading.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const outfile = new URL('../dist/apt-netguard.mjs', import.meta.url).pathname;

// What the program was built from: the parse cache (src/parsecache.ts) keys its results by it.
const top = new URL('..', import.meta.url).pathname;
const sources = (dir) =>
  readdirSync(join(top, dir), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(dir, f));
const buildId = createHash('sha256');
for (const f of [...sources('src'), 'package-lock.json']) buildId.update(f).update(readFileSync(join(top, f)));

// The program is built as a script and embedded as a string in a small ES module (src/boot/main.ts),
// which compiles it with a V8 code cache: Node 18 and 20 cache no compiled code for ES modules.
const result = await build({
  entryPoints: [new URL('../src/main.ts', import.meta.url).pathname],
  write: false,
  outfile: 'program.js',
  bundle: true,
  platform: 'node',
  target: 'node18.19',
  format: 'iife',
  // import() of a builtin would need a module loader inside vm.Script; require() does the same here.
  supported: { 'dynamic-import': false },
  minify: true,
  legalComments: 'eof',
  define: {
    'process.env.APT_NETGUARD_BUILD_VERSION': JSON.stringify(pkg.version),
    'process.env.APT_NETGUARD_BUILD_ID': JSON.stringify(buildId.digest('hex').slice(0, 16)),
  },
  logLevel: 'warning',
  metafile: true,
});
const program = `(function (require) { "use strict";\n${result.outputFiles[0].text}})`;
await build({
  entryPoints: [new URL('../src/boot/main.ts', import.meta.url).pathname],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node18.19',
  format: 'esm',
  minify: true,
  define: {
    __NG_PROGRAM__: JSON.stringify(program),
    __NG_PROGRAM_HASH__: JSON.stringify(createHash('sha256').update(program).digest('hex').slice(0, 16)),
  },
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
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
const notices = [...pkgs.entries()]
  .sort(([, a], [, b]) => a.name.localeCompare(b.name))
  .map(([dir, p]) => {
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
    return `${p.name} ${p.version} (${p.license ?? 'see text'})\n\n${file ? readFileSync(join(dir, file), 'utf8').trim() : '(no license file in the package)'}\n`;
  });
writeFileSync(
  join(dirname(outfile), 'THIRD-PARTY-LICENSES.txt'),
  `Packages bundled into apt-netguard.mjs\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`,
);
if (!existsSync(outfile)) throw new Error('no bundle written');
