import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RunningEmulator } from '../../emulator/server.js';
import { emulatorFor, scanAgainst } from '../helpers/emulator.js';
import { runCli } from '../helpers/run-cli.js';
import { sarifErrors, schemaErrors } from '../helpers/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'ami-audit-ignore-'));
function ignoreFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
/** Every IMDSv1 finding of the sample is a known exception, until a date in the future. */
const ALL_IMDS = ignoreFile('all-imds.yml', 'suppressions:\n  - rule: IMDS_V1_ALLOWED\n    reason: legacy fleet, tracked in OPS-1234\n    expires: 2099-12-31\n');
const EXPIRED = ignoreFile('expired.yml', 'suppressions:\n  - rule: IMDS_V1_ALLOWED\n    reason: was a known exception\n    expires: 2020-01-31\n');
const NO_REASON = ignoreFile('no-reason.yml', 'suppressions:\n  - rule: IMDS_V1_ALLOWED\n');
const STALE = ignoreFile('stale.yml', 'suppressions:\n  - rule: IMDS_V1_ALLOWED\n    reason: legacy\n  - rule: SHARED_OUTSIDE_ACCOUNT\n    imageId: ami-0ffffffffffffffff\n    reason: gone\n');

describe('suppressions: live scans and --input', () => {
  let emulator: RunningEmulator;
  before(async () => (emulator = await emulatorFor()));
  after(() => emulator.close());

  const paths = {
    live: (args: string[]) => scanAgainst(emulator, ['--region', 'us-east-1', ...args]),
    input: (args: string[]) => runCli(['scan', '--input', 'examples/estate.json', ...args]),
  };

  for (const [path, run] of Object.entries(paths)) {
    test(`${path}: suppressed findings stay in every output but no longer fail the gate`, async () => {
      for (const format of ['table', 'json', 'ndjson', 'csv', 'sarif', 'markdown']) {
        assert.equal((await run(['--output', format])).code, 1, `${format} without the ignore file`);
        const suppressed = await run(['--output', format, '--ignore-file', ALL_IMDS]);
        assert.equal(suppressed.code, 0, `${format} with the ignore file: ${suppressed.stderr}`);
      }
      const json = await run(['--output', 'json', '--ignore-file', ALL_IMDS]);
      const document = JSON.parse(json.stdout);
      assert.deepEqual(schemaErrors(document), []);
      const imds = document.images.flatMap((image: { findings: { ruleId: string; suppressed?: unknown }[] }) => image.findings.filter((finding) => finding.ruleId === 'IMDS_V1_ALLOWED'));
      assert.ok(imds.length > 0);
      assert.ok(imds.every((finding: { suppressed?: unknown }) => JSON.stringify(finding.suppressed) === JSON.stringify({ reason: 'legacy fleet, tracked in OPS-1234', expires: '2099-12-31' })));
      assert.equal(document.summary.countedBySeverity.high + document.summary.countedBySeverity.critical, 0);
      assert.equal(document.summary.suppressions.applied, imds.length);
      assert.equal(document.summary.bySeverity.high + document.summary.bySeverity.critical, imds.length, 'every finding is still counted in bySeverity');
      const table = await run(['--ignore-file', ALL_IMDS]);
      assert.match(table.stdout, /high IMDS_V1_ALLOWED \(suppressed\)/);
      assert.match(table.stdout, new RegExp(`\\(${imds.length} suppressed\\)`));
    });

    test(`${path}: an expired entry or one without a reason suppresses nothing, and stderr says so`, async () => {
      const expired = await run(['--ignore-file', EXPIRED]);
      assert.equal(expired.code, 1);
      assert.match(expired.stderr, /ami-audit: warning: .*expired\.yml: suppressions\[0\] \(IMDS_V1_ALLOWED\) expired on 2020-01-31 and no longer suppresses anything/);
      const noReason = await run(['--ignore-file', NO_REASON, '--output', 'json']);
      assert.equal(noReason.code, 1);
      assert.match(noReason.stderr, /suppressions\[0\] \(IMDS_V1_ALLOWED\) suppresses nothing: no reason/);
      assert.equal(JSON.parse(noReason.stdout).summary.suppressions.invalid[0].index, 0);
    });

    test(`${path}: an entry that matched nothing is reported as unused`, async () => {
      const run1 = await run(['--ignore-file', STALE, '--output', 'json']);
      assert.equal(run1.code, 0, run1.stderr);
      assert.deepEqual(JSON.parse(run1.stdout).summary.suppressions.unused, [{ index: 1, rule: 'SHARED_OUTSIDE_ACCOUNT' }]);
      assert.match(run1.stderr, /suppressions\[1\] \(SHARED_OUTSIDE_ACCOUNT\) matched no finding/);
    });
  }

  test('a malformed ignore file is exit 2, one line, before any API call', async () => {
    emulator.resetStats();
    const bad = ignoreFile('bad.yml', 'suppressions:\n  - rule: IMDS_V1_ALOWED\n    reason: typo\n');
    const run = await scanAgainst(emulator, ['--region', 'us-east-1', '--ignore-file', bad]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /^ami-audit: error: --ignore-file .*bad\.yml: suppressions\[0\]: "IMDS_V1_ALOWED" is not a rule id: choose from IMDS_V1_ALLOWED, .*\n$/);
    assert.equal(run.stdout, '');
    assert.equal(emulator.stats().requestsByAction.DescribeImages ?? 0, 0);
    const missing = await runCli(['scan', '--input', 'examples/estate.json', '--ignore-file', join(dir, 'nope.yml')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read --ignore-file .*nope\.yml: no such file/);
  });

  test('.ami-audit-ignore.yml in the working directory is read without the option', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'ami-audit-cwd-'));
    writeFileSync(join(cwd, '.ami-audit-ignore.yml'), 'suppressions:\n  - rule: IMDS_V1_ALLOWED\n    reason: legacy\n');
    const run = await runCli(['scan', '--input', join(process.cwd(), 'examples/estate.json'), '--output', 'json'], { cwd });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(JSON.parse(run.stdout).summary.suppressions.applied > 0);
  });

  test('SARIF leaves suppressed results out by default, and keeps them all marked with --sarif-include-suppressed', async () => {
    const plain = JSON.parse((await runCli(['scan', '--input', 'examples/estate.json', '--output', 'sarif'])).stdout);
    const without = JSON.parse((await runCli(['scan', '--input', 'examples/estate.json', '--output', 'sarif', '--ignore-file', ALL_IMDS])).stdout);
    const withAll = JSON.parse((await runCli(['scan', '--input', 'examples/estate.json', '--output', 'sarif', '--ignore-file', ALL_IMDS, '--sarif-include-suppressed'])).stdout);
    for (const log of [without, withAll]) assert.deepEqual(sarifErrors(log), []);
    const imdsCount = plain.runs[0].results.filter((result: { ruleId: string }) => result.ruleId === 'IMDS_V1_ALLOWED').length;
    assert.equal(without.runs[0].results.length, plain.runs[0].results.length - imdsCount);
    assert.match(without.runs[0].properties.suppressedResults, new RegExp(`^${imdsCount} suppressed findings left out`));
    assert.equal(withAll.runs[0].results.length, plain.runs[0].results.length);
    assert.ok(withAll.runs[0].results.every((result: { suppressions?: unknown[] }) => Array.isArray(result.suppressions)), 'all results carry suppressions, or none');
    const accepted = withAll.runs[0].results.filter((result: { suppressions: unknown[] }) => result.suppressions.length > 0);
    assert.equal(accepted.length, imdsCount);
    assert.deepEqual(accepted[0].suppressions, [{ kind: 'external', status: 'accepted', justification: 'legacy fleet, tracked in OPS-1234' }]);
  });
});
