import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DEFAULT_CHECKS, RULES } from '../../src/core/rules.js';
import { scanDocument } from '../../src/core/scan-document.js';
import { parseImagesDocument } from '../../src/input/read-images-document.js';
import { renderWhole } from '../../src/render/renderer.js';
import { fingerprint, renderSarif, SARIF_MAX_RESULTS, SarifRenderer } from '../../src/render/sarif.js';
import { NOW } from '../helpers/builders.js';
import { sarifErrors } from '../helpers/schema.js';


const estate = readFileSync(new URL('../../examples/estate.json', import.meta.url), 'utf8');
const offline = scanDocument(parseImagesDocument(estate, 'estate.json', 'us-east-1').images, { checks: DEFAULT_CHECKS, input: 'estate.json', region: 'us-east-1', now: NOW });
const live = { ...offline, scope: { ...offline.scope, source: 'aws' as const, accounts: ['prod'], regions: ['us-east-1'] }, images: offline.images.map((image) => ({ ...image, accountId: '111122223333' })) };
const tool = { name: 'ami-audit', version: '9.9.9' };

describe('SARIF', () => {
  const log = JSON.parse(renderSarif(live, tool));
  const run = log.runs[0];

  test('validates against the official SARIF 2.1.0 schema', () => {
    assert.deepEqual(sarifErrors(log), []);
    assert.deepEqual(sarifErrors(JSON.parse(renderSarif(offline, tool))), []);
    assert.deepEqual(sarifErrors(JSON.parse(renderSarif({ ...live, images: [] }, tool))), []);
  });

  test('the schema can fail: a result without a message is rejected', () => {
    const broken = structuredClone(log);
    delete broken.runs[0].results[0].message;
    assert.notDeepEqual(sarifErrors(broken), []);
  });

  test('one result per finding, each with a physical location GitHub accepts and a stable fingerprint', () => {
    assert.equal(run.results.length, offline.summary.findings);
    for (const result of run.results) {
      const location = result.locations[0];
      assert.match(location.physicalLocation.artifactLocation.uri, /^aws\/111122223333\/us-east-1\/ami-[0-9a-f]+$/);
      assert.equal(location.physicalLocation.region.startLine, 1);
      assert.equal(location.logicalLocations[0].fullyQualifiedName, `arn:aws:ec2:us-east-1::image/${result.properties.imageId}`);
      assert.equal(result.partialFingerprints.primaryLocationLineHash, fingerprint(result.ruleId, '111122223333', 'us-east-1', result.properties.imageId));
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
    }
    const again = JSON.parse(renderSarif({ ...live, scannedAt: '2030-01-01T00:00:00.000Z' }, tool));
    assert.deepEqual(
      again.runs[0].results.map((result: { partialFingerprints: unknown }) => result.partialFingerprints),
      run.results.map((result: { partialFingerprints: unknown }) => result.partialFingerprints),
      'a later scan of the same estate keeps every fingerprint',
    );
  });

  test('one rule per rule id with help, level and GitHub security severities', () => {
    assert.deepEqual(run.tool.driver.rules.map((rule: { id: string }) => rule.id), RULES.map((rule) => rule.id));
    const imds = run.tool.driver.rules.find((rule: { id: string }) => rule.id === 'IMDS_V1_ALLOWED');
    assert.equal(imds.properties['security-severity'], '8.0');
    assert.equal(imds.defaultConfiguration.level, 'error');
    assert.match(imds.help.text, /modify-image-attribute --image-id <image-id> --imds-support v2\.0.*cannot be undone/);
    const critical = run.results.find((result: { properties: { severity: string } }) => result.properties.severity === 'critical');
    assert.equal(critical.properties['security-severity'], '9.5');
    const info = run.results.find((result: { properties: { severity: string } }) => result.properties.severity === 'info');
    assert.equal(info.properties['security-severity'], undefined, 'info has no security severity');
  });

  test('automationDetails.id comes from the scope, so accounts and regions keep apart', () => {
    assert.equal(run.automationDetails.id, 'ami-audit/111122223333/us-east-1/');
    const other = JSON.parse(renderSarif({ ...live, images: live.images.map((image) => ({ ...image, accountId: '444455556666', region: 'eu-west-1' })) }, tool));
    assert.equal(other.runs[0].automationDetails.id, 'ami-audit/444455556666/eu-west-1/');
    assert.equal(JSON.parse(renderSarif(offline, tool)).runs[0].automationDetails.id, 'ami-audit/input/us-east-1/');
  });

  test(`past ${SARIF_MAX_RESULTS.toLocaleString('en-US')} results the lowest severities are left out, and the run says so`, () => {
    const high = live.images.find((image) => image.findings.some((finding) => finding.severity === 'high'))!;
    const many = Array.from({ length: SARIF_MAX_RESULTS + 10 }, (_, index) => ({ ...high, imageId: `ami-${index.toString(16).padStart(17, '0')}`, findings: [{ ...high.findings[0]!, severity: index < 10 ? ('critical' as const) : ('low' as const) }] }));
    const renderer = new SarifRenderer(tool);
    const capped = JSON.parse(renderWhole(renderer, { ...live, images: many }));
    assert.equal(capped.runs[0].results.length, SARIF_MAX_RESULTS);
    assert.equal(capped.runs[0].results.filter((result: { properties: { severity: string } }) => result.properties.severity === 'critical').length, 10, 'every critical result kept');
    assert.equal(capped.runs[0].properties.resultsOmitted, 10);
    assert.match(renderer.notices()[0]!, /10 of 25010 results were left out/);
    assert.ok(gzipSync(JSON.stringify(capped)).length < 10 * 1024 * 1024);
  });
});
