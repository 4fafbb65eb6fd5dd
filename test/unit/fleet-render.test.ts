import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/core/classify.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { summarize } from '../../src/core/summarize.js';
import type { ClassifiedImage, ScanResult } from '../../src/core/types.js';
import { renderCsv } from '../../src/render/csv.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderTable } from '../../src/render/table.js';
import { anImage, NOW } from '../helpers/builders.js';
import { schemaErrors } from '../helpers/schema.js';
import { renderJson } from '../../src/render/json.js';

const checks = [...DEFAULT_CHECKS, 'fleet' as const, 'evidence' as const];

function fleetResult(images: ClassifiedImage[]): ScanResult {
  const summary = summarize(images, []);
  summary.fleet = {
    accountDefaults: [{ accountId: '111122223333', region: 'us-east-1', httpTokens: null, httpPutResponseHopLimit: null, httpTokensEnforced: null, managedBy: null }],
    instances: { total: 3, running: 2, imdsV1Allowed: 2 },
    imdsV1AllowedByImage: [{ imageId: 'ami-00000002', accountId: '111122223333', region: 'us-east-1', instances: 2 }],
    byEvidence: { 'not-needed': 0, blocked: 1, 'safe-to-flag': 0, untested: 0 },
    notes: [{ code: 'UnresolvedImageReference', message: 'Launch template lt-1 version 1 launches resolve:ssm:/x\u001b[31m', accountId: '111122223333', region: 'us-east-1' }],
  };
  return { scannedAt: NOW.toISOString(), scope: { source: 'aws', accounts: ['default'], regions: ['us-east-1'], owners: ['self'], executableUsers: [], imageIds: [], filters: [], includeDeprecated: false, includeDisabled: false, checks, attributes: [] }, images, errors: [], skipped: [], summary };
}

const blocked = classify(
  anImage({ imageId: 'ami-00000002', imdsSupport: null }),
  {
    fleet: {
      defaults: { accountId: '111122223333', region: 'us-east-1', httpTokens: null, httpPutResponseHopLimit: null, httpTokensEnforced: null, managedBy: null },
      instances: [
        { instanceId: 'i-00000001', imageId: 'ami-00000002', state: 'running', httpTokens: 'optional' },
        { instanceId: 'i-00000002', imageId: 'ami-00000002', state: 'stopped', httpTokens: 'optional' },
      ],
      launchTemplates: [{ id: 'lt-1', name: 'web', version: 3, isDefault: true, isLatest: true, httpTokens: 'optional' }],
      metrics: { calls: new Map([['i-00000001', { noToken: 9, rejected: 0 }]]), windowDays: 14 },
    },
  },
  { checks, now: NOW },
);

describe('rendering the fleet view', () => {
  test('the table adds Instances, V1 allowed and Evidence, and the fleet lines; strings from AWS are stripped', () => {
    const table = renderTable(fleetResult([blocked]), { color: false, width: 250 });
    assert.match(table, /│ Instances +│ V1 allowed │ Evidence │/);
    assert.match(table, /│ 2 \(1 running\) │ 2 +│ blocked +│/);
    assert.match(table, /^Fleet: 3 instances of these images \(2 running\), 2 allow IMDSv1$/m);
    assert.match(table, /^Note: Launch template lt-1 version 1 launches resolve:ssm:\/x$/m);
  });

  test('a table without the fleet view has none of it', () => {
    const plain = classify(anImage(), {}, { checks: DEFAULT_CHECKS, now: NOW });
    const result = fleetResult([plain]);
    delete result.summary.fleet;
    assert.doesNotMatch(renderTable(result, { color: false, width: 250 }), /Instances|Evidence|Fleet/);
  });

  test('CSV cells for the fleet fields', () => {
    const [header, row] = renderCsv(fleetResult([blocked])).split('\r\n');
    const cells = Object.fromEntries(header!.split(',').map((name, index) => [name, JSON.parse(row!.split('","').join('"\u0000"').split('\u0000')[index]!)]));
    assert.deepEqual(
      [cells.effectiveHttpTokens, cells.effectiveSource, cells.instances, cells.runningInstances, cells.imdsV1AllowedInstances, cells.launchTemplates, cells.evidence, cells.noTokenCalls, cells.rejectedCalls],
      ['optional', 'ami', '2', '1', '2', 'lt-1:3:optional', 'blocked', '9', '0'],
    );
  });

  test('the JSON document is valid against the schema', () => {
    assert.deepEqual(schemaErrors(JSON.parse(renderJson(fleetResult([blocked]), { name: 'ami-audit', version: '0.0.0' }))), []);
  });

  test('Markdown gets a fleet section', () => {
    const markdown = renderMarkdown(fleetResult([blocked]));
    assert.match(markdown, /### Fleet\n\n3 instances launched from these images \(2 running\); \*\*2 allow IMDSv1\*\*\./);
    assert.match(markdown, /\| blocked \| 1 \|/);
  });
});

describe('lines under the table', () => {
  test('wrap at the terminal width, at spaces, and not without a width', async () => {
    const { wrapWords } = await import('../../src/render/table.js');
    const legend = '* BootMode unset: the architecture\'s default (arm64 boots UEFI; x86_64 and i386 boot legacy BIOS)';
    const wrapped = wrapWords(legend, 40);
    assert.ok(wrapped.length > 1);
    for (const line of wrapped) assert.ok(line.length <= 40, line);
    assert.equal(wrapped.join(' '), legend);
    assert.deepEqual(wrapWords(legend, undefined), [legend]);
    assert.deepEqual(wrapWords('\u001b[31mSCAN INCOMPLETE\u001b[39m', 15), ['\u001b[31mSCAN INCOMPLETE\u001b[39m'], 'colour codes take no room');
  });

  test('a table fitted to 80 columns has no line wider than 80', () => {
    const table = renderTable(fleetResult([blocked]), { color: false, width: 80 });
    for (const line of table.trimEnd().split('\n')) assert.ok([...line].length <= 80, `${[...line].length}: ${line}`);
  });
});
