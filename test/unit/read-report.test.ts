import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isAmiAuditError } from '../../src/errors.js';
import { parseReport, readReport } from '../../src/input/read-report.js';

const TOOL = { name: 'ami-audit', version: '0.1.0' };
const IMAGE = {
  imageId: 'ami-0a1b2c3d4e5f60002',
  region: 'us-east-1',
  accountId: '111122223333',
  name: 'web-al2',
  readiness: 'not-ready',
  findings: [{ ruleId: 'IMDS_V1_ALLOWED', severity: 'high', message: 'ImdsSupport is unset' }],
};

/** A JSON report as `scan --output json` writes it, with only the fields the reader looks at filled in. */
function aDocument(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { schemaVersion: 1, tool: TOOL, scannedAt: '2026-01-01T00:00:00.000Z', summary: { images: 1, complete: true, errors: 0 }, images: [IMAGE], errors: [], ...overrides };
}

/** Returns the one-line message `parseReport` throws for `text`. */
function messageFor(text: string): string {
  try {
    parseReport(text, 'old.json');
  } catch (error) {
    assert.ok(isAmiAuditError(error), `an AmiAuditError, got ${String(error)}`);
    assert.equal(error.code, 'InvalidInput');
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail('parseReport accepted it');
}

describe('parseReport', () => {
  test('a JSON report: each image with its identity, name and findings, and the scan\'s completeness', () => {
    const report = parseReport(JSON.stringify(aDocument()), 'old.json');
    assert.deepEqual(report, {
      images: [{ accountId: '111122223333', region: 'us-east-1', imageId: 'ami-0a1b2c3d4e5f60002', name: 'web-al2', findings: [{ ruleId: 'IMDS_V1_ALLOWED', severity: 'high' }] }],
      complete: true,
      source: 'old.json',
    });
    assert.equal(parseReport(JSON.stringify(aDocument({ summary: { complete: false } })), 'old.json').complete, false);
  });

  test('an NDJSON report, told apart by its content: image lines, an error line, then the summary line', () => {
    const lines = [
      { type: 'image', ...IMAGE },
      { type: 'image', ...IMAGE, imageId: 'ami-0a1b2c3d4e5f60003', region: null, accountId: null, name: null, findings: [] },
      { type: 'error', code: 'Throttled', message: 'slow down' },
      { type: 'summary', schemaVersion: 1, tool: TOOL, summary: { complete: false } },
    ];
    const report = parseReport(`${lines.map((line) => JSON.stringify(line)).join('\n')}\n`, 'new.ndjson');
    assert.deepEqual(report.images.map((image) => `${image.imageId}:${image.findings.length}`), ['ami-0a1b2c3d4e5f60002:1', 'ami-0a1b2c3d4e5f60003:0']);
    assert.equal(report.complete, false);
    // A scan that found no image writes its summary line alone.
    assert.deepEqual(parseReport(JSON.stringify(lines[3]), 'empty.ndjson').images, []);
  });

  test('a suppressed finding keeps its suppression; one without it has none', () => {
    const findings = [{ ruleId: 'IMDS_V1_ALLOWED', severity: 'high', suppressed: { reason: 'legacy', expires: '2027-01-01' } }, { ruleId: 'DEPRECATED', severity: 'info' }];
    const report = parseReport(JSON.stringify(aDocument({ images: [{ ...IMAGE, findings }] })), 'old.json');
    assert.deepEqual(report.images[0]!.findings, [
      { ruleId: 'IMDS_V1_ALLOWED', severity: 'high', suppressed: { reason: 'legacy', expires: '2027-01-01' } },
      { ruleId: 'DEPRECATED', severity: 'info' },
    ]);
  });

  test('not JSON, not a report, or another schemaVersion: one line naming the file and what is wrong', () => {
    assert.match(messageFor('{"schemaVersion": 1,'), /^old\.json: is not valid JSON \(.+\): expected the output of "ami-audit scan --output json"/);
    assert.match(messageFor('[]'), /^old\.json: is not an ami-audit report \(a JSON array\)/);
    assert.match(messageFor(JSON.stringify({ Images: [] })), /^old\.json: is not an ami-audit report .*describe-images.*ami-audit scan --input/);
    assert.match(messageFor(JSON.stringify(aDocument({ tool: { name: 'other-tool' } }))), /^old\.json: is not an ami-audit report \("tool\.name" is "other-tool"\)/);
    assert.match(messageFor(JSON.stringify(aDocument({ schemaVersion: 2 }))), /^old\.json: has schemaVersion 2, and this ami-audit reads schemaVersion 1/);
    assert.match(messageFor(JSON.stringify(aDocument({ images: undefined }))), /^old\.json: has no "images" list/);
    assert.match(messageFor(JSON.stringify(aDocument({ summary: {} }))), /^old\.json: "summary" has no "complete": true or false/);
  });

  test('an image or finding of the wrong shape: the field named, with its place in the file', () => {
    assert.match(messageFor(JSON.stringify(aDocument({ images: [{ ...IMAGE, imageId: 7 }] }))), /^old\.json: images\[0\] "imageId" must be a string, got 7$/);
    assert.match(messageFor(JSON.stringify(aDocument({ images: [{ ...IMAGE, findings: 'none' }] }))), /images\[0\] \("ami-0a1b2c3d4e5f60002"\) "findings" must be a list, got "none"$/);
    assert.match(
      messageFor(JSON.stringify(aDocument({ images: [{ ...IMAGE, findings: [{ ruleId: 'X', severity: 'urgent' }] }] }))),
      /findings\[0\] "severity" must be info, low, medium, high or critical, got "urgent"$/,
    );
    assert.match(messageFor(JSON.stringify(aDocument({ images: [{ ...IMAGE, region: 5 }] }))), /"region" must be a string or null, got 5$/);
  });

  test('an NDJSON stream cut short: no summary line, or a broken last line', () => {
    const image = JSON.stringify({ type: 'image', ...IMAGE });
    assert.match(messageFor(`${image}\n${image}\n`), /^old\.json: has no summary line: the NDJSON stream was cut short/);
    assert.match(messageFor(`${image}\n{"type":"summ`), /^old\.json: line 2 is not a JSON object \(was the stream cut short\?\)/);
    const summary = JSON.stringify({ type: 'summary', schemaVersion: 2, tool: TOOL, summary: { complete: true } });
    assert.match(messageFor(`${image}\n${summary}\n`), /^old\.json: has schemaVersion 2/);
  });

  test('hostile text from the file reaches the message without escape sequences or line breaks', () => {
    const hostile = '\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007\u001b[2J\nami-audit: all clear\u202e';
    const message = messageFor(JSON.stringify(aDocument({ images: [{ ...IMAGE, findings: [{ ruleId: 'X', severity: hostile }] }] })));
    assert.doesNotMatch(message, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    assert.match(message, /got "click ami-audit: all clear"$/);
    const tool = messageFor(JSON.stringify(aDocument({ tool: { name: `\u001b[31m${'x'.repeat(200)}` } })));
    assert.doesNotMatch(tool, /\u001b/);
    assert.ok(tool.length < 400, 'a long value is cut');
  });
});

describe('readReport', () => {
  test('a missing file or a directory: one line naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ami-audit-report-'));
    await assert.rejects(readReport(join(dir, 'missing.json')), (error: Error) => /^Cannot read .*missing\.json: no such file$/.test(error.message));
    await assert.rejects(readReport(dir), (error: Error) => /^Cannot read .*: is a directory, not a report$/.test(error.message));
    writeFileSync(join(dir, 'report.json'), JSON.stringify(aDocument()));
    assert.equal((await readReport(join(dir, 'report.json'))).images.length, 1);
  });
});
