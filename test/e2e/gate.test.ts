import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generatedEstate } from '../../emulator/generate.js';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, scanAgainst } from '../helpers/emulator.js';
import { CLI, FAKE_AWS_ENV, ROOT, runCli, type CliRun } from '../helpers/run-cli.js';
import { sarifErrors, schemaErrors } from '../helpers/schema.js';

const FORMATS = ['table', 'json', 'ndjson', 'csv', 'sarif', 'markdown'] as const;
/** The one image of the sample estate that is ready with no finding at all. */
const READY_IMAGE = 'ami-0a1b2c3d4e5f60001';

/** The totals a run reports in its own format: what a user would read to check the exit status. */
function reportedTotals(format: (typeof FORMATS)[number], run: CliRun): { images: number; complete: boolean } {
  if (format === 'json') return (JSON.parse(run.stdout) as { summary: { images: number; complete: boolean } }).summary;
  if (format === 'ndjson') {
    const lines = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; summary?: { images: number; complete: boolean } });
    const summary = lines.at(-1)!;
    assert.equal(summary.type, 'summary');
    assert.equal(lines.filter((line) => line.type === 'image').length, summary.summary!.images, 'an image line per image');
    return summary.summary!;
  }
  if (format === 'csv') return { images: run.stdout.trimEnd().split('\r\n').length - 1, complete: true };
  if (format === 'sarif') return (JSON.parse(run.stdout) as { runs: { properties: { summary: { images: number; complete: boolean } } }[] }).runs[0]!.properties.summary;
  if (format === 'markdown') {
    const heading = /^## ami-audit: \d+ of (\d+) images? not IMDSv2-ready\n\n\*\*Scan (complete|incomplete)/.exec(run.stdout);
    assert.ok(heading, run.stdout);
    return { images: Number(heading[1]), complete: heading[2] === 'complete' };
  }
  const match = /^(\d+) images?: .*; (scan complete|SCAN INCOMPLETE)/m.exec(run.stdout);
  assert.ok(match, run.stdout);
  return { images: Number(match[1]), complete: match[2] === 'scan complete' };
}

describe('the gate gives one exit status whatever the format: live scans', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor()));
  after(() => emulator.close());

  for (const format of FORMATS) {
    test(`--output ${format}: 0 when nothing reaches --fail-on, 1 when a finding does, 3 when a region fails`, async () => {
      const clean = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', READY_IMAGE, '--output', format]);
      assert.equal(clean.code, 0, clean.stderr);
      assert.equal(reportedTotals(format, clean).images, 1);

      const findings = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', format]);
      assert.equal(findings.code, 1, `high findings must fail the gate: ${findings.stderr}`);
      assert.ok(reportedTotals(format, findings).images > 1);
      const lowest = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', READY_IMAGE, 'ami-0a1b2c3d4e5f60008', '--output', format, '--fail-on', 'info']);
      assert.equal(lowest.code, 1, 'an info finding (a deprecated image) fails --fail-on info');

      // eu-west-1 fails on every call; us-east-1 is read whole. A partial scan never passes.
      emulator.setOptions({ failRegion: 'eu-west-1' });
      try {
        const partial = await scanAgainst(emulator, ['--region', 'us-east-1', 'eu-west-1', '--image-ids', READY_IMAGE, '--output', format, '--max-attempts', '1']);
        assert.equal(partial.code, 3, partial.stderr);
        assert.match(partial.stderr, /eu-west-1/);
        if (format !== 'csv') assert.equal(reportedTotals(format, partial).complete, false);
        if (format === 'sarif') assert.equal(JSON.parse(partial.stdout).runs[0].invocations[0].executionSuccessful, false);
        const ignored = await scanAgainst(emulator, ['--region', 'us-east-1', 'eu-west-1', '--output', format, '--max-attempts', '1', '--fail-on', 'none']);
        assert.equal(ignored.code, 3, '--fail-on none does not hide an incomplete scan');
      } finally {
        emulator.setOptions({ failRegion: [] });
      }
    });
  }
});

describe('the gate gives one exit status whatever the format: --input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ami-audit-gate-'));
  const estate = JSON.parse(readFileSync(join(ROOT, 'examples/estate.json'), 'utf8')) as { Images: { ImageId: string }[] };
  const readyOnly = join(dir, 'ready.json');
  writeFileSync(readyOnly, JSON.stringify({ Images: estate.Images.filter((image) => image.ImageId === READY_IMAGE) }));

  for (const format of FORMATS) {
    test(`--output ${format}: 0 for a clean document, 1 for the sample's findings`, async () => {
      const clean = await runCli(['scan', '--input', readyOnly, '--output', format]);
      assert.equal(clean.code, 0, clean.stderr);
      const findings = await runCli(['scan', '--input', 'examples/estate.json', '--output', format]);
      assert.equal(findings.code, 1, findings.stderr);
      assert.equal(reportedTotals(format, findings).images, estate.Images.length);
    });
  }
});

describe('a closed pipe or a failed write', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor({ estate: generatedEstate(5000, 3, { allAvailable: true }) })));
  after(() => emulator.close());

  /** Runs the CLI, reads its first chunk of stdout, then closes the pipe as `| head -1` does. */
  function runAndCloseEarly(args: string[]): Promise<{ code: number | null; stderr: string; firstChunk: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true', ...FAKE_AWS_ENV } });
      let stderr = '';
      let firstChunk = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.stdout.once('data', (chunk) => {
        firstChunk = String(chunk);
        child.stdout.destroy();
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr, firstChunk }));
    });
  }

  for (const format of ['ndjson', 'json', 'csv'] as const) {
    test(`--output ${format} | head: stops quietly with 141, never 1 and never a stack`, async () => {
      const run = await runAndCloseEarly(['scan', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--output', format]);
      assert.ok(run.firstChunk.length > 0);
      assert.equal(run.code, 141, run.stderr);
      assert.equal(run.stderr, '');
    });
  }

  test('--help | head: no stack, and never the findings status', async () => {
    const run = await runAndCloseEarly(['scan', '--help']);
    assert.ok([0, 141].includes(run.code!), `exit ${run.code}`);
    assert.equal(run.stderr, '');
  });

  test('> /dev/full: one line and exit 3, the report is lost', async () => {
    const full = openSync('/dev/full', 'w');
    try {
      const code = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, 'scan', '--input', 'examples/estate.json', '--output', 'json'], { cwd: ROOT, stdio: ['ignore', full, 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (chunk) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (status) => resolve({ code: status, stderr }));
      });
      assert.equal(code.code, 3);
      assert.match(code.stderr, /^ami-audit: error: could not write to standard output \(ENOSPC\): the report is lost\n$/);
    } finally {
      closeSync(full);
    }
  });
});

describe('one scan, several reports', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor()));
  after(() => emulator.close());

  test('--report writes each format to its file from the same scan, and --step-summary appends Markdown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ami-audit-reports-'));
    const summaryFile = join(dir, 'step-summary.md');
    writeFileSync(summaryFile, '# earlier step\n');
    emulator.resetStats();
    const run = await scanAgainst(
      emulator,
      ['--region', 'us-east-1', '--output', 'table', '--report', `json=${join(dir, 'report.json')}`, '--report', `sarif=${join(dir, 'report.sarif')}`, '--step-summary'],
      { GITHUB_STEP_SUMMARY: summaryFile },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.equal(emulator.stats().requestsByAction.DescribeImages, 1, 'one scan for every report');
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const sarif = JSON.parse(readFileSync(join(dir, 'report.sarif'), 'utf8'));
    assert.equal(sarif.runs[0].results.length, json.summary.findings);
    assert.deepEqual(sarifErrors(sarif), []);
    assert.deepEqual(schemaErrors(json), []);
    assert.match(run.stdout, new RegExp(`^${json.summary.images} images: `, 'm'));
    const summary = readFileSync(summaryFile, 'utf8');
    assert.match(summary, /^# earlier step\n## ami-audit: \d+ of \d+ images not IMDSv2-ready/);
  });

  test('bad --report and --step-summary are usage errors before any API call', async () => {
    emulator.resetStats();
    const unknown = await scanAgainst(emulator, ['--region', 'us-east-1', '--report', 'pdf=out.pdf']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^ami-audit: error: --report format "pdf" is not valid: choose table, json, ndjson, csv, sarif, markdown\n$/);
    const shapeless = await scanAgainst(emulator, ['--region', 'us-east-1', '--report', 'sarif']);
    assert.equal(shapeless.code, 2);
    assert.match(shapeless.stderr, /give <format>=<path>, such as sarif=ami-audit\.sarif/);
    const unwritable = await scanAgainst(emulator, ['--region', 'us-east-1', '--report', 'json=/nonexistent/dir/report.json']);
    assert.equal(unwritable.code, 2);
    assert.match(unwritable.stderr, /--report json=\/nonexistent\/dir\/report\.json: cannot write .* \(ENOENT\)/);
    const noSummary = await scanAgainst(emulator, ['--region', 'us-east-1', '--step-summary']);
    assert.equal(noSummary.code, 2);
    assert.match(noSummary.stderr, /GITHUB_STEP_SUMMARY/);
    assert.equal(emulator.stats().requestsByAction.DescribeImages ?? 0, 0);
  });

  test('a report file that cannot be written fails the scan with exit 3, the others are still written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ami-audit-reports-'));
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--image-ids', READY_IMAGE, '--output', 'json', '--report', 'sarif=/dev/full', '--report', `markdown=${join(dir, 'summary.md')}`]);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /^ami-audit: error: could not write --report sarif=\/dev\/full \(ENOSPC\): that report is lost$/m);
    assert.equal(JSON.parse(run.stdout).summary.images, 1);
    assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /^## ami-audit: 0 of 1 image not IMDSv2-ready/);
  });
});
