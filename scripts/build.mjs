// Bundles the CLI into dist/ with esbuild. Code splitting keeps the AWS SDK in a chunk of its own that
// only `scan` loads, so `ami-audit --help` and `--version` start without it.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
await build({
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
  legalComments: 'linked',
  logLevel: 'warning',
});
await chmod('dist/cli.js', 0o755);
