import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import type { ScanResult } from '../../src/core/types.js';
import { scanDocument } from '../../src/core/scan-document.js';
import { parseImagesDocument } from '../../src/input/read-images-document.js';
import { renderJson } from '../../src/render/json.js';
import { renderNdjson } from '../../src/render/ndjson.js';
import { toJsonText } from '../../src/render/json-text.js';
import { renderTable } from '../../src/render/table.js';
import { NOW } from '../helpers/builders.js';
import { schemaErrors } from '../helpers/schema.js';

const estate = readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8');
const result = scanDocument(parseImagesDocument(estate, 'examples/estate.json', null).images, {
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
    assert.match(plain, /^\* BootMode unset: the architecture's default \(arm64 boots UEFI; x86_64 and i386 boot legacy BIOS; unknown when the architecture is missing or new\)$/m);
    const lastLine = plain.trimEnd().split('\n').at(-1);
    assert.equal(lastLine, '16 images: 8 ready, 8 not ready, 0 unknown; findings: 1 critical, 7 high, 2 medium, 8 low, 4 info; scan complete');
  });

  test('no escape sequence from AWS reaches the terminal', () => {
    assert.doesNotMatch(plain, /\x1b/);
    assert.match(plain, /intruder-READY-click/);
  });

  test('an image id from AWS is stripped like every other cell', () => {
    const hostile = { ...result, images: [{ ...result.images[0]!, imageId: 'ami-0123\u009b2J\u202e4567\u001b]8;;http://x\u0007' }] };
    const table = renderTable(hostile, { color: false });
    assert.match(table, /│ ami-01234567 +│/);
    assert.doesNotMatch(table, /[\u001b\u009b\u202e]/);
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

  test('on a narrow terminal columns are stacked, then names cut, so that the table fits', () => {
    const widest = (text: string) => Math.max(...text.split('\n').filter((line) => /^[┌│├└]/.test(line)).map((line) => line.length));
    const wide = renderTable(result, { color: false });
    assert.ok(widest(wide) > 130, 'the sample is wider than 130 columns unconstrained');
    for (const width of [130, 100, 80]) {
      const fitted = renderTable(result, { color: false, width });
      assert.ok(widest(fitted) <= width, `at ${width} columns the widest line is ${widest(fitted)}`);
      for (const image of result.images) assert.ok(fitted.includes(image.imageId), `${image.imageId} at ${width}`);
      // Every verdict is still shown, and the summary line is whole.
      assert.equal((fitted.match(/NOT READY/g) ?? []).length, 8);
      assert.match(fitted, /16 images: 8 ready, 8 not ready, 0 unknown/);
    }
    const at80 = renderTable(result, { color: false, width: 80 });
    assert.match(at80, /│ Image ID +│ IMDS +│ Verdict +│/, 'at 80 columns, id over name, IMDS over boot over TPM, verdict over findings');
    assert.match(at80, /│ Name +│ Boot +│ Findings +│/);
    assert.match(at80, /│ web-al2-2024\.06\.1 +│ legacy-bios\* +│ high IMDS_V1_ALLOWED +│/);
    const tiny = renderTable(result, { color: false, width: 40 });
    assert.match(tiny, /│ web-al2023-2025\.11\.0… │/, 'names never shrink below the image id beside them');
  });

  test('no separator line between rows, and one table however many rows', () => {
    const many = { ...result, images: Array.from({ length: 250 }, (_, index) => ({ ...result.images[index % 16]!, imageId: `ami-${String(index).padStart(17, '0')}` })) };
    const table = renderTable(many, { color: false });
    const lines = table.split('\n');
    assert.equal(lines.filter((line) => line.startsWith('┌')).length, 1, 'one top border');
    assert.equal(lines.filter((line) => line.startsWith('├')).length, 1, 'only the line under the header');
    assert.equal(lines.filter((line) => line.startsWith('└')).length, 1, 'one bottom border');
    const rowLines = lines.filter((line) => /^│ ami-/.test(line));
    assert.equal(rowLines.length, 250);
    assert.equal(new Set(lines.filter((line) => line.startsWith('│')).map((line) => line.length)).size, 1, 'every row as wide as the others');
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

describe('JSON and NDJSON text', () => {
  const hostile = { ...result, images: [{ ...result.images[0]!, name: 'a\u009b2Jb\u202ec\u2066d\u007fe\u0085f\u001b[31mg' }] };

  test('C1 controls, DEL and bidi controls are escaped, and the data is the same once parsed', () => {
    for (const text of [renderJson(hostile, { name: 'ami-audit', version: '9.9.9' }), renderNdjson(hostile, { name: 'ami-audit', version: '9.9.9' })]) {
      assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      assert.match(text, /a\\u009b2Jb\\u202ec\\u2066d\\u007fe\\u0085f\\u001b\[31mg/);
      const firstImage = text.startsWith('{"type"') ? JSON.parse(text.split('\n')[0]!) : JSON.parse(text).images[0];
      assert.equal(firstImage.name, hostile.images[0]!.name);
    }
  });

  test('the streamed JSON document is the pretty-printed document, field for field', () => {
    const text = renderJson(result, { name: 'ami-audit', version: '9.9.9' });
    const parsed = JSON.parse(text);
    assert.equal(text, `${toJsonText(parsed, 2)}\n`);
    assert.deepEqual(parsed.images, JSON.parse(JSON.stringify(result.images)));
    const empty = JSON.parse(renderJson({ ...result, images: [] }, { name: 'ami-audit', version: '9.9.9' }));
    assert.deepEqual(empty.images, []);
    assert.deepEqual(schemaErrors(empty), []);
  });
});
