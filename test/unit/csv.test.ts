import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { scanDocument } from '../../src/core/scan-document.js';
import { parseImagesDocument } from '../../src/input/read-images-document.js';
import { csvCell, renderCsv } from '../../src/render/csv.js';
import { NOW } from '../helpers/builders.js';

const estate = readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8');
const result = scanDocument(parseImagesDocument(estate, 'estate.json', 'us-east-1').images, { checks: DEFAULT_CHECKS, input: 'estate.json', region: 'us-east-1', now: NOW });

test('a header and one quoted row per image, CRLF line ends', () => {
  const lines = renderCsv(result).split('\r\n');
  assert.equal(lines[0], 'accountId,region,imageId,name,description,ownerId,public,architecture,state,creationDate,deprecationTime,imdsSupport,bootMode,effectiveBootMode,tpmSupport,readiness,highestSeverity,findings,effectiveHttpTokens,effectiveSource,instances,runningInstances,imdsV1AllowedInstances,launchTemplates,evidence,noTokenCalls,rejectedCalls,accountName');
  assert.equal(lines.length, 16 + 2, 'header, 16 rows, and the empty string after the last CRLF');
  assert.equal(
    lines[2],
    '"","us-east-1","ami-0a1b2c3d4e5f60002","web-al2-2024.06.1","web-al2-2024.06.1","111122223333","false","x86_64","available","2024-06-11T14:02:10.000Z","","","","legacy-bios","","not-ready","high","high IMDS_V1_ALLOWED; low LEGACY_BIOS_ONLY","","","","","","","","","",""',
  );
});

test('formula injection is defused and escape sequences are stripped', () => {
  const row = renderCsv(result).split('\r\n').find((line) => line.includes('ami-0a1b2c3d4e5f6000f'))!;
  assert.match(row, /,"'=HYPERLINK\(""http:\/\/evil\.example"",""open""\)",/);
  assert.doesNotMatch(row, /\x1b/);
});

test('every cell that starts like a formula gets a quote; others are left alone', () => {
  for (const formula of ['=1+1', '+1', '-2+3', '@SUM(A1)', '\t=1+1', '\r=1+1']) assert.ok(csvCell(formula).startsWith(`"'`), JSON.stringify(formula));
  assert.equal(csvCell('web-2026'), '"web-2026"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell(null), '""');
  assert.equal(csvCell(true), '"true"');
});

test('cells are defused after control characters are stripped, so none hides a formula behind them', () => {
  for (const hostile of ['\u001b[0m=HYPERLINK("http://evil.example","open")', '\u0000=1+1', '\u009b=1+1', '\u007f=2+2', '\u202e=3+3', '\u2066@SUM(A1)', '\u001b]8;;http://x\u0007=1']) {
    const cell = csvCell(hostile);
    assert.match(cell, /^"'[=@]/, `${JSON.stringify(hostile)} became ${JSON.stringify(cell)}`);
    assert.doesNotMatch(cell, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  }
});
