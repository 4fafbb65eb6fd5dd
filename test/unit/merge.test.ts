import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/core/classify.js';
import { mergeReports, type ReportPart } from '../../src/core/merge.js';
import { gate } from '../../src/core/policy.js';
import { DEFAULT_CHECKS } from '../../src/core/rules.js';
import { summarize } from '../../src/core/summarize.js';
import type { ClassifiedImage, ScanError, ScanScope, Shard } from '../../src/core/types.js';
import { parseWholeReport } from '../../src/input/read-report.js';
import { renderJson } from '../../src/render/json.js';
import { renderNdjson } from '../../src/render/ndjson.js';
import { anImage, NOW } from '../helpers/builders.js';

const TOOL = { name: 'ami-audit', version: '0.0.0-test' };

function image(accountId: string, imageId: string, imdsSupport: string | null): ClassifiedImage {
  return { ...classify(anImage({ accountId, imageId, imdsSupport, accountName: `name-${accountId.slice(-1)}` }), {}, { checks: DEFAULT_CHECKS, now: NOW }) };
}

function scope(shard?: Shard): ScanScope {
  return {
    source: 'aws', accounts: ['default'], regions: ['us-east-1'], owners: ['self'], executableUsers: [], imageIds: [], filters: [],
    includeDeprecated: false, includeDisabled: false, checks: DEFAULT_CHECKS, attributes: [],
    organization: { role: 'ami-audit-read', callerAccountId: '111111111111', listed: 4, selected: 2, ...(shard ? { shard } : {}) },
  };
}

function part(source: string, images: ClassifiedImage[], options: { shard?: Shard; errors?: ScanError[] } = {}): ReportPart {
  const errors = options.errors ?? [];
  return { source, scannedAt: '2026-11-27T12:00:00.000Z', scope: scope(options.shard), images, errors, skipped: [], summary: summarize(images, errors) };
}

describe('mergeReports', () => {
  test('shards become one report: images, totals per account and scope added up', () => {
    // GIVEN two shards of two, each with an account of its own
    const first = part('shard-1.json', [image('111111111111', 'ami-00000000000000001', 'v2.0'), image('111111111111', 'ami-00000000000000002', null)], { shard: { index: 1, count: 2 } });
    const second = part('shard-2.json', [image('222222222222', 'ami-00000000000000003', null)], { shard: { index: 2, count: 2 } });
    // WHEN they are merged
    const { result, warnings } = mergeReports([first, second]);
    // THEN the summary is the whole organization's, and complete
    assert.equal(result.summary.images, 3);
    assert.equal(result.summary.byReadiness['not-ready'], 2);
    assert.equal(result.summary.complete, true);
    assert.deepEqual(Object.keys(result.summary.byAccount!), ['111111111111', '222222222222']);
    assert.equal(result.summary.byAccount!['111111111111']!.images, 2);
    assert.equal(result.summary.byAccount!['222222222222']!.name, 'name-2');
    assert.equal(result.scope.organization!.selected, 4);
    assert.equal(result.scope.organization!.shard, undefined);
    assert.deepEqual(result.scope.merged, { reports: ['shard-1.json', 'shard-2.json'], shards: { count: 2, present: [1, 2], missing: [] } });
    assert.deepEqual(warnings, []);
    assert.equal(gate(result.summary, 'high').exitCode, 1);
  });

  test('a missing shard is an error: the merged report is incomplete and the gate says 3', () => {
    const { result } = mergeReports([part('a.json', [image('111111111111', 'ami-00000000000000001', 'v2.0')], { shard: { index: 1, count: 3 } }), part('c.json', [], { shard: { index: 3, count: 3 } })]);
    assert.equal(result.summary.complete, false);
    assert.deepEqual(result.scope.merged!.shards, { count: 3, present: [1, 3], missing: [2] });
    assert.deepEqual(result.errors.map((error) => [error.code, error.message]), [['MissingShard', 'Shard 2/3 is missing from the merge: its accounts were not read (merge the report of every shard)']]);
    assert.equal(gate(result.summary, 'none').exitCode, 3);
  });

  test('an incomplete part keeps its errors and makes the whole incomplete', () => {
    const error: ScanError = { code: 'AccessDenied', message: 'Account 222222222222: Could not assume role', accountId: '222222222222' };
    const { result } = mergeReports([part('a.json', [image('111111111111', 'ami-00000000000000001', 'v2.0')]), part('b.json', [], { errors: [error] })]);
    assert.equal(result.summary.complete, false);
    assert.deepEqual(result.errors, [error]);
    assert.equal(result.scope.merged!.shards, undefined);
  });

  test('shards of different splits, one shard twice, or a shard with a whole scan are usage errors', () => {
    const usage = (parts: ReportPart[], pattern: RegExp) => assert.throws(() => mergeReports(parts), (error: Error & { code?: string }) => error.code === 'Usage' && pattern.test(error.message));
    usage([part('a', [], { shard: { index: 1, count: 2 } }), part('b', [], { shard: { index: 2, count: 3 } })], /b is shard 2\/3 and a is of 2 shards/);
    usage([part('a', [], { shard: { index: 1, count: 2 } }), part('b', [], { shard: { index: 1, count: 2 } })], /a and b are both shard 1\/2/);
    usage([part('a', [], { shard: { index: 1, count: 2 } }), part('b', [])], /b is not a shard, and a is/);
  });

  test('an image in two reports is kept once, with a warning', () => {
    const twice = image('111111111111', 'ami-00000000000000001', null);
    const { result, warnings } = mergeReports([part('a', [twice]), part('b', [twice])]);
    assert.equal(result.images.length, 1);
    assert.equal(result.summary.images, 1);
    assert.match(warnings[0]!, /1 image was in more than one report/);
  });
});

describe('parseWholeReport', () => {
  test('keeps every image field, the ones this version does not know too, from JSON and from NDJSON', () => {
    // GIVEN a report whose images carry fields added by a later version
    const images = [{ ...image('111111111111', 'ami-00000000000000001', null), usage: { instances: { total: 3, running: 1, imdsV1Allowed: 2, ids: ['i-00000001'] } }, effectiveHttpTokens: 'optional', laterField: [{ metric: 'MetadataNoToken', sum: 4 }] } as unknown as ClassifiedImage];
    const whole = { scannedAt: NOW.toISOString(), scope: scope({ index: 1, count: 2 }), images, errors: [], skipped: [{ accountId: '333333333333', region: 'all', reason: 'the account is SUSPENDED', accountName: 'old' }], summary: summarize(images, []) };
    for (const [format, text] of [['json', renderJson(whole, TOOL)], ['ndjson', renderNdjson(whole, TOOL)]] as const) {
      // WHEN it is read whole
      const read = parseWholeReport(text, `report.${format}`);
      // THEN nothing is lost: the image is as it was written, and the scope keeps its shard
      assert.deepEqual(read.images, JSON.parse(JSON.stringify(images)), format);
      assert.deepEqual(read.scope.organization!.shard, { index: 1, count: 2 });
      assert.deepEqual(read.skipped, whole.skipped);
      assert.equal(read.summary.images, 1);
    }
  });

  test('a report without its lists is refused in one line naming the file', () => {
    const text = renderJson({ scannedAt: NOW.toISOString(), scope: scope(), images: [], errors: [], skipped: [], summary: summarize([], []) }, TOOL).replace('"skipped": []', '"skipped": 3');
    assert.throws(() => parseWholeReport(text, 'r.json'), /^AmiAuditError: r\.json: has no "skipped" list/);
  });
});
