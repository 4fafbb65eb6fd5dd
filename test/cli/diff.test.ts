import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { diffSchemaErrors } from '../helpers/schema.js';
import { runCli } from '../helpers/run-cli.js';

interface Ec2Image {
  ImageId: string;
  Name?: string;
  ImdsSupport?: string;
  [field: string]: unknown;
}

const SAMPLE = JSON.parse(readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8')) as { Images: Ec2Image[] };
const REMOVED = 'ami-0a1b2c3d4e5f60002'; // IMDS_V1_ALLOWED high, LEGACY_BIOS_ONLY low
const FLIPPED = 'ami-0a1b2c3d4e5f60001'; // ready; its ImdsSupport is unset in the later estate
const ADDED = 'ami-0a1b2c3d4e5f600ff';

let dir: string;
const path = (name: string): string => join(dir, name);

/** Scans an estate with the built CLI and saves the report; returns its path. */
async function scanToFile(images: Ec2Image[], name: string, output: 'json' | 'ndjson', extra: string[] = []): Promise<string> {
  writeFileSync(path(`${name}.estate.json`), JSON.stringify({ Images: images }));
  const run = await runCli(['scan', '--input', path(`${name}.estate.json`), '--output', output, '--fail-on', 'none', ...extra]);
  assert.equal(run.code, 0, run.stderr);
  writeFileSync(path(name), run.stdout);
  return path(name);
}

describe('ami-audit diff (the built CLI)', () => {
  let oldReport: string;
  let newReport: string;
  let newNdjson: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ami-audit-diff-'));
    // GIVEN the sample estate, and a later one with an image gone, one added, and one's IMDSv2 requirement dropped
    const later = SAMPLE.Images.filter((image) => image.ImageId !== REMOVED).map((image) => (image.ImageId === FLIPPED ? { ...image, ImdsSupport: undefined } : image));
    later.push({ ImageId: ADDED, Name: 'web-al2023-next\u001b[2J\u001b]0;pwned\u0007', Architecture: 'arm64', State: 'available', ImdsSupport: 'v2.0' });
    oldReport = await scanToFile(SAMPLE.Images, 'old.json', 'json');
    newReport = await scanToFile(later, 'new.json', 'json');
    newNdjson = await scanToFile(later, 'new.ndjson', 'ndjson');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--output json: the changes, valid against schema/diff-result.v1.json, exit 1 for a new high finding', async () => {
    const run = await runCli(['diff', oldReport, newReport, '--output', 'json']);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, '');
    const diff = JSON.parse(run.stdout);
    assert.deepEqual(diffSchemaErrors(diff), []);
    assert.equal(diff.schemaVersion, 1);
    assert.deepEqual(diff.images.added.map((image: { imageId: string }) => image.imageId), [ADDED]);
    assert.deepEqual(diff.images.removed, [{ accountId: null, region: null, imageId: REMOVED, name: 'web-al2-2024.06.1' }]);
    assert.deepEqual(diff.findings.new, [{ accountId: null, region: null, imageId: FLIPPED, ruleId: 'IMDS_V1_ALLOWED', severity: 'high' }]);
    assert.deepEqual(
      diff.findings.fixed.map((finding: { ruleId: string; severity: string }) => `${finding.ruleId}:${finding.severity}`),
      ['IMDS_V1_ALLOWED:high', 'LEGACY_BIOS_ONLY:low'],
    );
    assert.deepEqual(diff.findings.changed, []);
    assert.doesNotMatch(run.stdout, /\u001b|\u0007/, 'the hostile name is escaped in the JSON text');
  });

  test('the JSON answers a jq-style question: the new findings as "image rule"', async () => {
    const run = await runCli(['diff', oldReport, newReport, '--output', 'json']);
    const diff = JSON.parse(run.stdout) as { findings: { new: { imageId: string; ruleId: string }[] } };
    assert.deepEqual(diff.findings.new.map((finding) => `${finding.imageId} ${finding.ruleId}`), [`${FLIPPED} IMDS_V1_ALLOWED`]);
  });

  test('--fail-on decides between 0 and 1; the same report twice is exit 0 with no change', async () => {
    assert.equal((await runCli(['diff', oldReport, newReport, '--fail-on', 'critical'])).code, 0);
    assert.equal((await runCli(['diff', oldReport, newReport, '--fail-on', 'none'])).code, 0);
    assert.equal((await runCli(['diff', oldReport, newReport, '--fail-on', 'info'])).code, 1);
    // An image with a high finding taken away: only fixed findings, which never fail the gate.
    const fewer = await scanToFile(SAMPLE.Images.filter((image) => image.ImageId !== REMOVED), 'fewer.json', 'json');
    assert.equal((await runCli(['diff', oldReport, fewer])).code, 0);
    const same = await runCli(['diff', oldReport, oldReport]);
    assert.equal(same.code, 0);
    assert.match(same.stdout, /^No change/);
  });

  test('a changed severity is reported as changed, with the previous severity', async () => {
    const changed = JSON.parse(readFileSync(newReport, 'utf8'));
    const image = changed.images.find((candidate: { imageId: string }) => candidate.imageId === FLIPPED);
    image.findings[0].severity = 'critical';
    writeFileSync(path('changed.json'), JSON.stringify(changed));
    const run = await runCli(['diff', newReport, path('changed.json'), '--output', 'json', '--fail-on', 'critical']);
    assert.equal(run.code, 1);
    const diff = JSON.parse(run.stdout);
    assert.deepEqual(diffSchemaErrors(diff), []);
    assert.deepEqual(diff.findings.changed, [{ accountId: null, region: null, imageId: FLIPPED, ruleId: 'IMDS_V1_ALLOWED', severity: 'critical', previousSeverity: 'high' }]);
  });

  test('the table: images and findings by change, the totals, no escape sequence from a name', async () => {
    const run = await runCli(['diff', oldReport, newReport]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /│ added +│ ami-0a1b2c3d4e5f600ff +│ web-al2023-next +│/);
    assert.match(run.stdout, /│ removed +│ ami-0a1b2c3d4e5f60002 +│ web-al2-2024\.06\.1 +│/);
    assert.match(run.stdout, /│ new +│ ami-0a1b2c3d4e5f60001 +│ IMDS_V1_ALLOWED +│ high +│/);
    assert.match(run.stdout, /findings: 1 new, 2 fixed, 0 changed; images: 1 added, 1 removed\n$/);
    assert.doesNotMatch(run.stdout, /\u001b|\u0007/);
  });

  test('--output markdown: a summary with the new findings', async () => {
    const run = await runCli(['diff', oldReport, newReport, '--output', 'markdown']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^## ami-audit diff: 1 new finding, 2 fixed, 0 changed\n/);
    assert.match(run.stdout, /### New findings \(1\)\n\n\| Image \| Rule \| Severity \|\n\|---\|---\|---\|\n\| `ami-0a1b2c3d4e5f60001` \| IMDS\\_V1\\_ALLOWED \| high \|/);
    assert.match(run.stdout, /### Images added \(1\)/);
    assert.doesNotMatch(run.stdout, /\u001b|\u0007/);
  });

  test('an NDJSON report reads like its JSON twin', async () => {
    const fromJson = await runCli(['diff', oldReport, newReport, '--output', 'json']);
    const fromNdjson = await runCli(['diff', oldReport, newNdjson, '--output', 'json']);
    assert.equal(fromNdjson.code, 1);
    assert.equal(fromNdjson.stdout, fromJson.stdout);
  });

  test('images are told apart by region: the same estate scanned in two regions is all added and removed', async () => {
    const east = await scanToFile(SAMPLE.Images, 'east.json', 'json', ['--region', 'us-east-1']);
    const west = await scanToFile(SAMPLE.Images, 'west.json', 'json', ['--region', 'eu-west-1']);
    const diff = JSON.parse((await runCli(['diff', east, west, '--output', 'json'])).stdout);
    assert.equal(diff.images.added.length, 16);
    assert.equal(diff.images.removed.length, 16);
    assert.ok(diff.images.added.every((image: { region: string }) => image.region === 'eu-west-1'));
  });

  test('an incomplete report: the diff is printed, a warning names the report, exit 3 even under --fail-on none', async () => {
    const incomplete = JSON.parse(readFileSync(newReport, 'utf8'));
    incomplete.summary.complete = false;
    incomplete.summary.errors = 1;
    incomplete.errors = [{ code: 'AccessDenied', message: 'not authorized', region: 'eu-west-1' }];
    writeFileSync(path('incomplete.json'), JSON.stringify(incomplete));
    const run = await runCli(['diff', oldReport, path('incomplete.json'), '--output', 'json', '--fail-on', 'none']);
    assert.equal(run.code, 3);
    assert.equal(JSON.parse(run.stdout).complete, false);
    assert.match(run.stderr, /^ami-audit: warning: .*incomplete\.json \(the new report\) comes from an incomplete scan: "fixed" and "removed" may only have been unread in it; the exit code is 3\n$/);
    const asOld = await runCli(['diff', path('incomplete.json'), oldReport]);
    assert.equal(asOld.code, 3);
    assert.match(asOld.stderr, /\(the old report\) comes from an incomplete scan: "new" and "added"/);
  });

  test('a file that is missing, not JSON, not a report, or of another schemaVersion: exit 2, one line, no stack', async () => {
    writeFileSync(path('garbage.json'), 'not json at all');
    const v2 = JSON.parse(readFileSync(oldReport, 'utf8'));
    v2.schemaVersion = 2;
    writeFileSync(path('v2.json'), JSON.stringify(v2));
    const cases: [string[], RegExp][] = [
      [[oldReport, path('missing.json')], /^ami-audit: error: Cannot read .*missing\.json: no such file\n$/],
      [[path('garbage.json'), newReport], /^ami-audit: error: .*garbage\.json: is not valid JSON \(.*\): expected the output of "ami-audit scan --output json" or "--output ndjson"\n$/],
      [[oldReport, 'examples/estate.json'], /^ami-audit: error: examples\/estate\.json: is not an ami-audit report .*describe-images/],
      [[path('v2.json'), newReport], /^ami-audit: error: .*v2\.json: has schemaVersion 2, and this ami-audit reads schemaVersion 1/],
      [[oldReport, newReport, '--output', 'csv'], /^ami-audit: error: --output must be one of table, json, markdown for diff, got "csv"\n$/],
      [[oldReport, newReport, '--fail-on', 'urgent'], /^ami-audit: error: --fail-on must be one of info, low, medium, high, critical, none, got "urgent"\n$/],
      [[oldReport], /^ami-audit: error: missing required argument 'new' \(see "ami-audit diff --help"\)\n$/],
    ];
    for (const [args, expected] of cases) {
      const run = await runCli(['diff', ...args]);
      assert.equal(run.code, 2, args.join(' '));
      assert.equal(run.stdout, '');
      assert.match(run.stderr, expected);
      assert.equal(run.stderr.trimEnd().split('\n').length, 1, run.stderr);
      assert.doesNotMatch(run.stderr, /\n\s+at /);
    }
  });

  test('diff --help names the exit codes, and the program\'s help lists diff', async () => {
    const help = await runCli(['diff', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: ami-audit diff \[options\] <old> <new>/);
    assert.match(help.stdout, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 {2}either report comes from an incomplete scan/);
    assert.match((await runCli(['--help'])).stdout, /diff \[options\] <old> <new>/);
  });
});
