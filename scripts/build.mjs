// Bundles the CLI and the library into dist/ with esbuild. Code splitting keeps the AWS SDK in a chunk
// of its own that only `scan` loads, so `ami-audit --help` and `--version` start without it.
// Everything the bundle needs is inside it: the published package has no runtime dependencies, so
// `npx ami-audit` downloads one package instead of the SDK's ~40 (see the README's install figures).
// The build fails if the bundle would import a package at run time, and writes
// dist/THIRD-PARTY-NOTICES.txt with the licence of every package whose code it contains.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

await rm('dist', { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Prefer the packages' ESM builds: smaller bundles, and no CommonJS wrappers to run at start-up.
  mainFields: ['module', 'main'],
  chunkNames: 'chunks/[name]-[hash]',
  // Some bundled CommonJS code calls require() for Node's built-ins, which an ES module lacks.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  // The packages' full licence texts go to THIRD-PARTY-NOTICES.txt instead of per-chunk LEGAL files.
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
await chmod('dist/cli.js', 0o755);

// Only Node's built-ins may stay outside the bundle: the package declares no dependencies.
const builtins = new Set(builtinModules);
const external = new Set();
for (const output of Object.values(metafile.outputs)) {
  for (const imported of output.imports) {
    if (imported.external && !imported.path.startsWith('node:') && !builtins.has(imported.path)) external.add(imported.path);
  }
}
if (external.size > 0) {
  console.error(`build: the bundle imports packages at run time: ${[...external].join(', ')}; bundle them or declare them as dependencies`);
  process.exit(1);
}

await writeFile('dist/THIRD-PARTY-NOTICES.txt', thirdPartyNotices(bundledPackageDirs(metafile)));

/** The node_modules folders of the packages that contributed code to the output. */
function bundledPackageDirs(meta) {
  const dirs = new Set();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue;
      const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (match) dirs.add(match[1]);
    }
  }
  return [...dirs];
}

/** One section per package (name, version, licence, repository), each distinct licence text once. */
function thirdPartyNotices(dirs) {
  const packages = dirs
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const files = readdirSync(dir);
      const read = (pattern) => files.filter((f) => pattern.test(f)).map((f) => readFileSync(join(dir, f), 'utf8').trim());
      const repository = typeof manifest.repository === 'string' ? manifest.repository : manifest.repository?.url;
      return {
        id: `${manifest.name}@${manifest.version}`,
        license: manifest.license ?? 'UNKNOWN',
        repository,
        texts: read(/^(licen[cs]e|copying)(\.(md|txt))?$/i),
        notices: read(/^notice(\.(md|txt))?$/i),
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
  const texts = new Map();
  for (const p of packages) for (const text of p.texts) if (!texts.has(text)) texts.set(text, `[${texts.size + 1}]`);
  const rule = '-'.repeat(78);
  const out = [
    'ami-audit bundles code from the packages below into dist/. Their licences and notices follow.',
    'ami-audit itself is licensed under the Apache License 2.0 (LICENSE).',
    '',
  ];
  for (const p of packages) {
    const refs = p.texts.map((text) => texts.get(text)).join(', ');
    const textNote = refs
      ? `licence text ${refs} below`
      : p.license === 'Apache-2.0' && existsSync('LICENSE')
        ? 'the package ships no licence file; the Apache License 2.0 text is in LICENSE'
        : 'the package ships no licence file';
    out.push(`${p.id}  ${p.license}  ${p.repository ?? ''}`.trimEnd(), `  ${textNote}`);
    for (const notice of p.notices) out.push('  NOTICE:', ...notice.split('\n').map((line) => `    ${line}`));
  }
  for (const [text, ref] of texts) out.push('', rule, `${ref} used by: ${packages.filter((p) => p.texts.includes(text)).map((p) => p.id).join(', ')}`, rule, '', text);
  return `${out.join('\n')}\n`;
}
