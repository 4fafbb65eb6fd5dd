import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { SCAN_OPTIONS } from '../../src/cli/options.js';
import { schemaErrors } from '../helpers/schema.js';
import { CLI, runCli } from '../helpers/run-cli.js';

const SAMPLE = 'examples/estate.json';

describe('ami-audit scan --input (the built CLI)', () => {
  test('the sample estate: a table on stdout, nothing on stderr, exit 1 for its high findings', async () => {
    const run = await runCli(['scan', '--input', SAMPLE]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /│ Image ID +│ Name +│ Region +│ IMDS +│ Boot +│ TPM +│ Verdict +│ Findings +│/);
    assert.equal((run.stdout.match(/ami-0a1b2c3d4e5f600[0-9a-f]{2} /g) ?? []).length, 16);
    assert.match(run.stdout, /16 images: 8 ready, 8 not ready, 0 unknown; .*; scan complete\n$/);
    assert.doesNotMatch(run.stdout, /\x1b/, 'no colour when stdout is not a terminal, and no escape from AWS');
  });

  test('--fail-on decides between exit 0 and 1', async () => {
    assert.equal((await runCli(['scan', '--input', SAMPLE, '--fail-on', 'critical'])).code, 1);
    assert.equal((await runCli(['scan', '--input', SAMPLE, '--fail-on', 'none'])).code, 0);
    assert.equal((await runCli(['scan', '--input', SAMPLE, '--checks', 'tpm', 'boot', '--fail-on', 'high'])).code, 0);
    assert.equal((await runCli(['scan', '--input', SAMPLE, '--checks', 'tpm', 'boot', '--fail-on', 'medium'])).code, 1);
  });

  test('--output json: one document on stdout that validates against the schema', async () => {
    const run = await runCli(['scan', '--input', SAMPLE, '--output', 'json']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const document = JSON.parse(run.stdout);
    assert.deepEqual(schemaErrors(document), []);
    assert.equal(document.images.length, 16);
    assert.deepEqual(document.summary.byReadiness, { ready: 8, 'not-ready': 8, unknown: 0 });
    assert.equal(document.tool.version, JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });

  test('--output csv: a header and a row per image on stdout, the same exit code', async () => {
    const run = await runCli(['scan', '--input', SAMPLE, '--output', 'csv']);
    assert.equal(run.code, 1);
    const lines = run.stdout.trimEnd().split('\r\n');
    assert.match(lines[0]!, /^accountId,region,imageId,name,/);
    assert.equal(lines.length, 17);
  });

  test('reads the document from stdin with --input -', async () => {
    const run = await runCli(['scan', '--input', '-', '--output', 'json', '--region', 'eu-west-1'], { stdin: readFileSync(SAMPLE, 'utf8') });
    const document = JSON.parse(run.stdout);
    assert.equal(document.images.length, 16);
    assert.ok(document.images.every((image: { region: string }) => image.region === 'eu-west-1'));
  });

  test('colour with FORCE_COLOR, none with NO_COLOR or --no-color', async () => {
    assert.match((await runCli(['scan', '--input', SAMPLE], { env: { FORCE_COLOR: '1' } })).stdout, /\x1b\[32mready/);
    assert.doesNotMatch((await runCli(['scan', '--input', SAMPLE], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout, /\x1b/);
    assert.doesNotMatch((await runCli(['scan', '--input', SAMPLE, '--no-color'], { env: { FORCE_COLOR: '1' } })).stdout, /\x1b/);
  });
});

describe('usage and configuration errors: exit 2, one line on stderr, no stack', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['scan', '--bogus'], /^ami-audit: error: unknown option '--bogus' \(see "ami-audit scan --help"\)$/],
    ['a misspelt option, with the suggestion on the same line', ['scan', '--outptu', 'json'], /^ami-audit: error: unknown option '--outptu' \(Did you mean --output\?\) \(see "ami-audit scan --help"\)$/],
    ['a bad --filter', ['scan', '--input', SAMPLE, '--filter', 'architecture=x86_64'], /^ami-audit: error: Bad --filter "architecture=x86_64": .*Name=<filter>,Values=/],
    ['a missing --input file', ['scan', '--input', 'missing.json'], /^ami-audit: error: Cannot read --input missing\.json: no such file$/],
    ['a malformed --input file', ['scan', '--input', 'package.json'], /^ami-audit: error: --input package\.json has no "Images" list: expected the JSON of "aws ec2 describe-images"/],
    ['an unknown attribute', ['scan', '--attributes', 'imdsSupport', 'speed'], /^ami-audit: error: Unknown name "speed" in --attributes: choose from description,/],
    ['a concurrency out of range', ['scan', '--concurrency', '500'], /^ami-audit: error: --concurrency "500" is not valid: give a whole number from 1 to 100$/],
    ['no region', ['scan'], /^ami-audit: error: No AWS region: pass --region <name>/],
    ['no credentials', ['scan', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9'], /^ami-audit: error: No AWS credentials found: set AWS_PROFILE or pass --profile/],
  ];
  for (const [label, args, message] of cases) {
    test(label, async () => {
      const run = await runCli(args);
      assert.equal(run.code, 2, run.stderr);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
      assert.match(run.stderr.trimEnd(), message);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    });
  }

  test('--debug adds the stack', async () => {
    const run = await runCli(['scan', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9', '--debug']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /\n\s+at /);
  });
});

describe('help and version', () => {
  test('--version prints the package version and exits 0', async () => {
    const run = await runCli(['--version']);
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });

  test('scan --help lists every option and the exit codes', async () => {
    const run = await runCli(['scan', '--help']);
    assert.equal(run.code, 0);
    for (const option of SCAN_OPTIONS) assert.ok(run.stdout.includes(option.flags), option.flags);
    assert.match(run.stdout, /Exit codes:\n {2}0 {2}the scan was complete/);
  });

  test('--help and --version do not load the AWS SDK: the CLI entry imports no chunk that holds it', () => {
    // Follow the static imports of dist/cli.js; the SDK may only be reached through a dynamic import().
    const seen = new Set<string>();
    const visit = (file: URL): void => {
      if (seen.has(file.href)) return;
      seen.add(file.href);
      const code = readFileSync(file, 'utf8');
      assert.doesNotMatch(code, /DescribeImagesCommand|@aws-sdk\/client-ec2/, `${file.pathname} is loaded on start-up and holds the SDK`);
      for (const match of code.matchAll(/^import[^'"()]*["'](\.[^"']+)["'];?$/gm)) visit(new URL(match[1]!, file));
    };
    visit(new URL(`file://${CLI}`));
    assert.ok(readFileSync(CLI, 'utf8').includes('import("./chunks/'), 'the scan is loaded on demand');
  });
});
