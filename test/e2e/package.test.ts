// The published package, as `npx ami-audit` installs it: the `npm pack` tarball unpacked into a folder
// with no node_modules around it (no dependency to fall back on), its CLI run against the emulator,
// and a TypeScript consumer compiled against its declarations.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor } from '../helpers/emulator.js';
import { FAKE_AWS_ENV, ROOT } from '../helpers/run-cli.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

describe('the packed package, alone', () => {
  let work: string;
  let pkg: string;
  let emulator: RunningEmulator;

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist/types/index.d.ts')), 'dist/types is missing: run `npm run build && npm run build:types` first');
    work = mkdtempSync(join(tmpdir(), 'ami-audit-package-'));
    // --ignore-scripts: pack the dist/ the test run built, without rebuilding it.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, env: { ...process.env, npm_config_loglevel: 'error' } });
    const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
    mkdirSync(join(work, 'node_modules'));
    await run('tar', ['-xzf', join(work, filename!), '-C', join(work, 'node_modules')]);
    pkg = join(work, 'node_modules/ami-audit');
    await run('mv', [join(work, 'node_modules/package'), pkg]);
    emulator = await emulatorFor();
  });
  after(async () => {
    await emulator?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [join(pkg, 'dist/cli.js'), ...args], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    }).then(
      (done) => ({ code: 0, ...done }),
      (failed: { code: number; stdout: string; stderr: string }) => ({ code: failed.code, stdout: failed.stdout, stderr: failed.stderr }),
    );

  test('declares no runtime dependency, and ships its licence, the bundled code\'s licences and type declarations', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    assert.equal(manifest.dependencies, undefined, 'everything the CLI runs is in the bundle');
    assert.equal(manifest.exports['.'].types, './dist/types/index.d.ts');
    const files = filesUnder(pkg);
    for (const file of ['LICENSE', 'README.md', 'dist/cli.js', 'dist/index.js', 'dist/THIRD-PARTY-NOTICES.txt', 'dist/types/index.d.ts']) assert.ok(files.includes(file), file);
    assert.match(readFileSync(join(pkg, 'LICENSE'), 'utf8'), /^\s+Apache License\n\s+Version 2\.0, January 2004/);
    const notices = readFileSync(join(pkg, 'dist/THIRD-PARTY-NOTICES.txt'), 'utf8');
    for (const bundled of ['@aws-sdk/client-ec2', '@smithy/core', 'chalk', 'cli-table3', 'commander', 'p-limit']) assert.match(notices, new RegExp(`^${bundled}@\\S+ {2}\\S+`, 'm'), bundled);
    assert.match(notices, /MIT License/);
  });

  test('no file in dist/ imports a package: only Node built-ins and its own chunks', () => {
    const builtins = new Set(builtinModules);
    for (const file of filesUnder(join(pkg, 'dist')).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(pkg, 'dist', file), 'utf8');
      for (const match of code.matchAll(/^(?:import|export)\b[^'"]*?(?:from\s*)?["']([^"']+)["']/gm)) {
        const specifier = match[1]!;
        assert.ok(specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier), `${file} imports ${specifier}`);
      }
    }
  });

  test('--version, --help, an --input scan and a live scan through an assumed role in every region run from the tarball alone', async () => {
    const version = await cli(['--version']);
    assert.equal(version.code, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    assert.equal((await cli(['scan', '--help'])).code, 0);
    const offline = await cli(['scan', '--input', join(pkg, 'examples/estate.json'), '--output', 'json']);
    assert.equal(offline.code, 1, offline.stderr);
    assert.equal(JSON.parse(offline.stdout).images.length, 16);
    const live = await cli(['scan', '--endpoint-url', emulator.url, '--role-arn', 'arn:aws:iam::111122223333:role/audit', '--region', 'all', '--output', 'json'], FAKE_AWS_ENV);
    assert.equal(live.code, 1, live.stderr);
    const document = JSON.parse(live.stdout) as { images: { accountId: string }[]; summary: { complete: boolean } };
    assert.equal(document.images.length, 15, 'the sample estate less its disabled image');
    assert.ok(document.images.every((image) => image.accountId === '111122223333'));
    assert.equal(document.summary.complete, true);
  });

  test('a TypeScript consumer imports the library and its types (strict, NodeNext), and runs', async () => {
    // GIVEN a project that depends on ami-audit and nothing else
    const consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(
      join(consumer, 'index.ts'),
      [
        "import { readFileSync } from 'node:fs';",
        "import { DEFAULT_CHECKS, parseImagesDocument, renderJson, scanDocument, type ClassifiedImage, type ScanResult } from 'ami-audit';",
        `const text = readFileSync(${JSON.stringify(join(pkg, 'examples/estate.json'))}, 'utf8');`,
        "const result: ScanResult = scanDocument(parseImagesDocument(text, 'estate.json', 'us-east-1').images, { checks: DEFAULT_CHECKS, input: 'estate.json', region: 'us-east-1', now: new Date() });",
        "const notReady: ClassifiedImage[] = result.images.filter((image) => image.readiness !== 'ready');",
        '// @ts-expect-error readiness is a string union: the declarations are real types, not any',
        'const wrong: number = result.images[0]!.readiness;',
        "process.stdout.write(`${notReady.length} ${wrong === undefined} ${JSON.parse(renderJson(result, { name: 'c', version: '1' })).images.length}\\n`);",
      ].join('\n'),
    );
    const tsconfig = { compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', skipLibCheck: true, outDir: 'out', types: ['node'] }, files: ['index.ts'] };
    // @types/node for the consumer's own `node:fs`.
    mkdirSync(join(work, 'node_modules/@types'));
    symlinkSync(join(ROOT, 'node_modules/@types/node'), join(work, 'node_modules/@types/node'));
    // WHEN it is compiled with the default skipLibCheck of `tsc --init`, THEN it type-checks and runs
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
    await run(process.execPath, [TSC, '-p', consumer]).catch((err: { stdout: string }) => assert.fail(err.stdout));
    const { stdout } = await run(process.execPath, [join(consumer, 'out/index.js')], { cwd: consumer });
    assert.equal(stdout, '8 false 16\n');
    // AND the declarations mention no package but the SDK adapter's and the table painter's (the README names them)
    const mentioned = new Set<string>();
    for (const file of filesUnder(join(pkg, 'dist/types'))) {
      for (const match of readFileSync(join(pkg, 'dist/types', file), 'utf8').matchAll(/from '([^.'][^']*)'|import\("([^."][^"]*)"\)/g)) mentioned.add(match[1] ?? match[2]!);
    }
    const allowed = ['@aws-sdk/client-ec2', '@smithy/types', 'chalk'];
    for (const name of mentioned) assert.ok(name.startsWith('node:') || allowed.includes(name), `the declarations import ${name}`);
  });
});
