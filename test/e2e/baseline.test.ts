import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, scanAgainst } from '../helpers/emulator.js';
import { ROOT, runCli } from '../helpers/run-cli.js';
import { sarifErrors, schemaErrors } from '../helpers/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ami-audit-baseline-'));
const estate = JSON.parse(readFileSync(join(ROOT, 'examples/estate.json'), 'utf8')) as { Images: Record<string, unknown>[] };

describe('--baseline: only what changed fails the gate', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor()));
  after(() => emulator.close());

  test('live: a second scan of an unchanged estate passes against the first, in every format', async () => {
    const first = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json']);
    assert.equal(first.code, 1, 'the estate has high findings');
    const baseline = join(dir, 'live.json');
    writeFileSync(baseline, first.stdout);
    for (const format of ['table', 'json', 'ndjson', 'csv', 'sarif', 'markdown']) {
      const again = await scanAgainst(emulator, ['--region', 'us-east-1', '--output', format, '--baseline', baseline]);
      assert.equal(again.code, 0, `${format}: ${again.stderr}`);
    }
    const json = JSON.parse((await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'json', '--baseline', baseline])).stdout);
    assert.deepEqual(schemaErrors(json), []);
    assert.ok(json.summary.findings > 0);
    assert.deepEqual(json.summary.baseline, { new: 0, unchanged: json.summary.findings, updated: 0, absent: 0 });
    assert.equal(Object.values(json.summary.countedBySeverity as Record<string, number>).reduce((a, b) => a + b, 0), 0);
    const sarif = JSON.parse((await scanAgainst(emulator, ['--region', 'us-east-1', '--output', 'sarif', '--baseline', baseline])).stdout);
    assert.deepEqual(sarifErrors(sarif), []);
    assert.ok(sarif.runs[0].results.every((result: { baselineState: string }) => result.baselineState === 'unchanged'));
  });

  test('--input: new and updated findings fail the gate, unchanged ones do not, gone ones are counted', async () => {
    const oldFile = join(dir, 'old-estate.json');
    writeFileSync(oldFile, JSON.stringify(estate));
    const old = await runCli(['scan', '--input', oldFile, '--region', 'us-east-1', '--output', 'ndjson']);
    const baseline = join(dir, 'old.ndjson');
    writeFileSync(baseline, old.stdout);

    // One image newly allows IMDSv1, one private image turns public (its high finding becomes critical), one is gone.
    const readyIndex = estate.Images.findIndex((image) => image.ImdsSupport === 'v2.0');
    const privateNotReady = estate.Images.findIndex((image) => image.ImdsSupport === undefined && image.Public === false);
    const images = estate.Images.map((image, index) =>
      index === readyIndex ? { ...image, ImdsSupport: undefined } : index === privateNotReady ? { ...image, Public: true } : image,
    ).filter((image) => image.ImageId !== 'ami-0a1b2c3d4e5f60008');
    const newFile = join(dir, 'new-estate.json');
    writeFileSync(newFile, JSON.stringify({ Images: images }));

    const run = await runCli(['scan', '--input', newFile, '--region', 'us-east-1', '--output', 'json', '--baseline', baseline]);
    assert.equal(run.code, 1, run.stderr);
    const document = JSON.parse(run.stdout);
    assert.deepEqual(schemaErrors(document), []);
    assert.equal(document.summary.baseline.new, 1);
    assert.equal(document.summary.baseline.updated, 1);
    assert.equal(document.summary.baseline.absent, 1, 'the deprecated image that is gone took its finding with it');
    const newFinding = document.images[readyIndex].findings.find((finding: { ruleId: string }) => finding.ruleId === 'IMDS_V1_ALLOWED');
    assert.equal(newFinding.baselineState, 'new');
    assert.equal(document.summary.countedBySeverity.high + document.summary.countedBySeverity.critical, 2);
    assert.equal((await runCli(['scan', '--input', newFile, '--region', 'us-east-1', '--baseline', baseline, '--fail-on', 'critical'])).code, 1, 'the updated finding is critical');
    assert.equal((await runCli(['scan', '--input', oldFile, '--region', 'us-east-1', '--baseline', baseline, '--fail-on', 'info'])).code, 0, 'nothing changed');
  });

  test('a baseline that is not an ami-audit report is exit 2, one line, before any API call', async () => {
    emulator.resetStats();
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--baseline', join(ROOT, 'examples/estate.json')]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^ami-audit: error: .*estate\.json: .*\n$/);
    assert.equal(emulator.stats().requestsByAction.DescribeImages ?? 0, 0);
  });
});
