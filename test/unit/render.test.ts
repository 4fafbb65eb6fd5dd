import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import type { ScanResult } from '../../src/core/types.js';
import { scanDocument } from '../../src/core/scan-document.js';
import { parseImagesDocument } from '../../src/input/read-images-document.js';
import { renderJson } from '../../src/render/json.js';
import { renderTable } from '../../src/render/table.js';
import { NOW } from '../helpers/builders.js';
import { schemaErrors } from '../helpers/schema.js';

const estate = readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8');
const result = scanDocument(parseImagesDocument(estate, 'examples/estate.json', null), {
  checks: DEFAULT_CHECKS,
  input: 'examples/estate.json',
  region: null,
  now: NOW,
});

describe('renderTable', () => {
  const plain = renderTable(result, { color: false });

  test('one row per image with its verdict, and a summary line', () => {
    for (const image of result.images) assert.ok(plain.includes(image.imageId), image.imageId);
    assert.match(plain, /ami-0a1b2c3d4e5f60002 │ web-al2-2024\.06\.1 +│ - +│ v1 allowed │ legacy-bios\* +│ - +│ NOT READY │ high IMDS_V1_ALLOWED/);
    assert.match(plain, /^\* BootMode unset: the architecture's default \(arm64 boots UEFI; x86_64 and i386 boot legacy BIOS\)$/m);
    const lastLine = plain.trimEnd().split('\n').at(-1);
    assert.equal(lastLine, '16 images: 8 ready, 8 not ready, 0 unknown; findings: 1 critical, 7 high, 2 medium, 8 low, 4 info; scan complete');
  });

  test('no escape sequence from AWS reaches the terminal', () => {
    assert.doesNotMatch(plain, /\x1b/);
    assert.match(plain, /intruder-READY-click/);
  });

  test('colour only when asked, and then verdicts are coloured', () => {
    const coloured = renderTable(result, { color: true });
    assert.match(coloured, /\x1b\[32mready\x1b\[39m/);
    assert.match(coloured, /\x1b\[31m\x1b\[1mNOT READY/);
    // The only escapes are ours: the hostile name's are still gone.
    assert.doesNotMatch(coloured, /\x1b\[2J|\x1b\]8/);
  });

  test('an Account column once the images carry their account, none for a saved document', () => {
    assert.doesNotMatch(plain, /Account/);
    const withAccounts = { ...result, images: result.images.map((image, index) => ({ ...image, accountId: index % 2 ? '444455556666' : '111122223333' })) };
    const table = renderTable(withAccounts, { color: false });
    assert.match(table, /│ Image ID +│ Name +│ Account +│ Region +│/);
    assert.match(table, /│ ami-0a1b2c3d4e5f60002 │ web-al2-2024\.06\.1 +│ 444455556666 │/);
  });

  test('on a narrow terminal the names are cut so that the table fits', () => {
    const wide = renderTable(result, { color: false });
    const narrow = renderTable(result, { color: false, width: 130 });
    const widest = (text: string) => Math.max(...text.split('\n').slice(0, -3).map((line) => line.length));
    assert.ok(widest(wide) > 130, 'the sample is wider than 130 columns unconstrained');
    assert.ok(widest(narrow) <= 130, `widest line ${widest(narrow)}`);
    assert.match(narrow, /│ web-al2023-2025\.… │/);
    const tiny = renderTable(result, { color: false, width: 40 });
    assert.match(tiny, /│ web-al2023-… │/, 'names never shrink below 12 columns');
  });

  test('an incomplete scan says so in the summary', () => {
    const incomplete = { ...result, summary: { ...result.summary, complete: false, errors: 2 } };
    assert.match(renderTable(incomplete, { color: false }), /SCAN INCOMPLETE: 2 errors$/m);
  });

  test('an empty scan says that no image matched', () => {
    const empty = scanDocument([], { checks: DEFAULT_CHECKS, input: '-', region: null, now: NOW });
    assert.match(renderTable(empty, { color: false }), /^No images matched\.\n0 images: /);
  });
});

describe('renderJson', () => {
  const document = JSON.parse(renderJson(result, { name: 'ami-audit', version: '9.9.9' }));

  test('validates against schema/scan-result.v1.json', () => {
    assert.deepEqual(schemaErrors(document), []);
  });

  test('the schema rejects a document with a wrong verdict (it can fail)', () => {
    const broken = structuredClone(document);
    broken.images[0].readiness = 'fine';
    assert.notDeepEqual(schemaErrors(broken), []);
  });

  test('carries the fields, the scope and the totals', () => {
    assert.equal(document.schemaVersion, 1);
    assert.deepEqual(document.tool, { name: 'ami-audit', version: '9.9.9' });
    assert.equal(document.scannedAt, NOW.toISOString());
    assert.equal(document.scope.source, 'file');
    assert.equal(document.summary.images, 16);
    assert.deepEqual(document.summary.bySeverity, { info: 4, low: 8, medium: 2, high: 7, critical: 1 });
    const publicImage = document.images.find((image: { imageId: string }) => image.imageId === 'ami-0a1b2c3d4e5f60007');
    assert.equal(publicImage.public, true);
    assert.deepEqual(publicImage.findings[0], {
      ruleId: 'IMDS_V1_ALLOWED',
      severity: 'critical',
      message: 'Public image with ImdsSupport unset: anyone can launch instances that allow IMDSv1',
    });
  });

  test('keeps strings from AWS lossless: JSON escapes the control characters', () => {
    const text = renderJson(result, { name: 'ami-audit', version: '9.9.9' });
    assert.doesNotMatch(text, /\x1b/);
    const intruder = (JSON.parse(text) as ScanResult).images.find((image) => image.imageId === 'ami-0a1b2c3d4e5f6000f')!;
    assert.equal(intruder.name, 'intruder-\u009b2J\u009b31mREADY\u009b0m-\u2066\u202eclick\u202c\u2069');
  });
});
